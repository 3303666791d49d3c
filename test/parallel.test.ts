import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: plain JavaScript generator shared with the benchmark
import { generateClaudeCode } from '../bench/generate.mjs';
import { fixture, runCli } from './support/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'ui-par-'));

beforeAll(async () => {
  // Above the 16 MB threshold for worker threads, in many files, plus a resumed session: a copy of one
  // transcript under another name, whose lines the deduplication must drop across files.
  await generateClaudeCode(join(dir, 'cc'), 20e6, 12);
  cpSync(join(dir, 'cc', '00003-bench-session.jsonl'), join(dir, 'cc', 'zz-resumed-copy.jsonl'));
  cpSync(fixture('claude-code'), join(dir, 'cc', 'real'), { recursive: true });
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('worker threads', () => {
  it('give exactly the output of a single thread, duplicates across files included', async () => {
    const [one, many] = await Promise.all([
      runCli(['inspect', join(dir, 'cc'), '--format', 'ndjson', '--workers', '0']),
      runCli(['inspect', join(dir, 'cc'), '--format', 'ndjson', '--workers', '2']),
    ]);
    expect(one.code).toBe(0);
    expect(many.code).toBe(0);
    expect(many.stderr).toBe(one.stderr);
    expect(many.stdout).toBe(one.stdout);
    const objects = one.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    const requests = objects.filter((o) => o.type === 'request');
    const totals = objects.find((o) => o.type === 'totals');
    expect(totals.requests).toBe(requests.length);
    // Each generated response is written as two lines with the same ids: one entry each is kept, and the
    // copied transcript adds none (a warning counts its lines).
    const ids = requests.map((r) => `${r.id}/${r.request_id}`);
    expect(new Set(ids).size).toBe(ids.length);
    expect(requests.some((r) => r.source.file.endsWith('zz-resumed-copy.jsonl'))).toBe(false);
    expect(one.stderr).toMatch(
      /zz-resumed-copy\.jsonl:2: warning: \d+ Claude Code line\(s\) repeat a response reported earlier/,
    );
  }, 60_000);

  it('rejects a malformed --workers value', async () => {
    const run = await runCli(['inspect', fixture('11-cache-read.json'), '--workers', 'many']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--workers takes a whole number or "auto"');
  });
});
