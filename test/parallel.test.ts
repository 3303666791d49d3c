import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: plain JavaScript generator shared with the benchmark
import { generateClaudeCode, generateJsonl } from '../bench/generate.mjs';
import { fixture, runCli } from './support/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'ui-par-'));
const big = join(dir, 'big.jsonl');
const small = join(dir, 'small.jsonl');
const late = join(dir, 'late-transcript.jsonl');
const reasons = join(dir, 'reasons.jsonl');

beforeAll(async () => {
  // Over 4 MB parts, with what makes placing parts hard: a byte-order mark, CRLF line ends, blank lines,
  // bad JSON, invalid UTF-8, a model without a price, write tokens without a TTL split, and lines that
  // tie on expense (the top of the table breaks ties by input order).
  await generateJsonl(big, 14e6, 5);
  const lines = readFileSync(big, 'utf8').trimEnd().split('\n');
  const odd = (i: number) =>
    i % 997 === 0
      ? '{"type":"message","id":"x","model":"claude-unknown-9","usage":{"input_tokens":5,"output_tokens":1}}'
      : i % 1499 === 0
        ? '{"type":"message","id":"y","model":"claude-sonnet-4-6","usage":{"input_tokens":9000,"output_tokens":9000,"cache_creation_input_tokens":40}}'
        : i % 2003 === 0
          ? '{not json'
          : null;
  const body = lines.map((l, i) => odd(i) ?? (i % 3 === 0 ? `${l}\r` : l)).join('\n');
  writeFileSync(big, Buffer.concat([Buffer.from('\ufeff\n'), Buffer.from(body), Buffer.from('\n\n')]));
  appendFileSync(
    big,
    Buffer.concat([Buffer.from('{"type":"message","x":"'), Buffer.from([0xff]), Buffer.from('"}\n')]),
  );
  cpSync(fixture('messages.jsonl'), small);
  // A model without a price early on, then, in a later part, 50 other such models before it comes back:
  // the warnings must list and count reasons as one thread does (50 listed, the rest counted together).
  const unpriced = (m: string) =>
    `{"type":"message","id":"${m}","model":"${m}","usage":{"input_tokens":3,"output_tokens":1}}`;
  writeFileSync(
    reasons,
    [
      unpriced('claude-x-0'),
      ...lines.slice(0, 6000),
      ...Array.from({ length: 50 }, (_, i) => unpriced(`claude-x-${i + 1}`)),
      unpriced('claude-x-0'),
      '',
    ].join('\n'),
  );
  // Messages first, a Claude Code transcript later: only reading it shows the order matters.
  await generateClaudeCode(join(dir, 'cc'), 2e6, 1);
  writeFileSync(
    late,
    `${lines.slice(0, 20000).join('\n')}\n${readFileSync(join(dir, 'cc', '00000-bench-session.jsonl'), 'utf8')}`,
  );
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function both(args: string[]) {
  const [one, many] = await Promise.all([
    runCli([...args, '--workers', '0']),
    runCli([...args, '--workers', '2', '--debug']),
  ]);
  // --debug also says how JSON lines were read when one thread read them: not what is compared here.
  many.stderr = many.stderr.replace(/^usage-inspect: debug: JSON lines: .*\n/m, '');
  return { one, many };
}

describe('worker threads', () => {
  it('summarise JSONL in parts into exactly the report one thread gives', async () => {
    for (const extra of [
      ['--format', 'markdown', '--top', '25'],
      ['--format', 'markdown', '--top', '3', '--group-by', 'model'],
      ['--format', 'table', '--top', '0', '--group-by', 'file'],
      // This thread's parts use the prices it loaded, the workers' theirs: the same table either way.
      ['--format', 'markdown', '--top', '5', '--pricing', fixture('pricing-overrides.json')],
    ]) {
      // The same file twice is two inputs: the second copy's line numbers start again at 1.
      const { one, many } = await both(['inspect', big, small, big, ...extra]);
      expect(many.stderr).toMatch(/^usage-inspect: debug: read in \d+ parts by 2 worker threads\n/);
      expect(many.stderr.split('\n').slice(1).join('\n')).toBe(one.stderr);
      expect(many.stdout).toBe(one.stdout);
      expect(many.code).toBe(one.code);
    }
    const { one } = await both(['inspect', big, '--format', 'markdown']);
    // The case the parts had to get right is there: problems with line numbers deep in the file.
    expect(one.stderr).toMatch(/big\.jsonl:\d{4,}: error: invalid JSON/);
    expect(one.stderr).toMatch(/big\.jsonl:\d{4,}: warning: invalid UTF-8 bytes/);
    expect(one.stderr).toMatch(/no price for model "claude-unknown-9"/);
  }, 120_000);

  it('merge pricing warnings as one thread lists and counts them', async () => {
    const { one, many } = await both(['inspect', reasons, '--format', 'markdown', '--top', '5']);
    expect(many.stderr).toMatch(/^usage-inspect: debug: read in [2-9] parts/);
    expect(many.stderr.split('\n').slice(1).join('\n')).toBe(one.stderr);
    expect(many.stdout).toBe(one.stdout);
    expect(one.stderr).toMatch(/no price for model "claude-x-0".*\(2 requests left without a cost\)/);
  }, 120_000);

  it('read everything again in one thread when a response depends on the ones before it', async () => {
    const { one, many } = await both(['inspect', late, '--format', 'markdown', '--top', '10']);
    expect(many.stderr).toMatch(/^usage-inspect: debug: a response depends on the ones before it/);
    expect(many.stderr.split('\n').slice(1).join('\n')).toBe(one.stderr);
    expect(many.stdout).toBe(one.stdout);
    // A transcript from its first line is not even split.
    const cc = await both(['inspect', join(dir, 'cc'), '--format', 'markdown']);
    expect(cc.many.stderr).toBe(cc.one.stderr);
    expect(cc.many.stdout).toBe(cc.one.stdout);
  }, 120_000);

  it('are not used for output that lists every request', async () => {
    const { one, many } = await both(['inspect', big, '--format', 'ndjson']);
    expect(many.stderr).toBe(one.stderr);
    expect(many.stdout).toBe(one.stdout);
  }, 120_000);

  it('rejects a malformed --workers value', async () => {
    const run = await runCli(['inspect', fixture('11-cache-read.json'), '--workers', 'many']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--workers takes a whole number or "auto"');
  });
});
