import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixture, runCli } from './support/run-cli.js';

// A bug on demand: a module loaded before the CLI makes JSON.stringify throw, which only the JSON
// renderer calls on this path.
const dir = mkdtempSync(join(tmpdir(), 'ui-debug-'));
const breakStringify = join(dir, 'break-stringify.mjs');
writeFileSync(breakStringify, "JSON.stringify = () => { throw new Error('renderer broke'); };\n");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const args = ['inspect', fixture('05-cache-write-then-read-2streams.sse'), '--format', 'json'];
const env = { NODE_OPTIONS: `--import=${breakStringify}` };

describe('an internal error', () => {
  it('is one line and exit 70 without --debug', async () => {
    const run = await runCli(args, { env });
    expect(run.code).toBe(70);
    expect(run.stderr).toBe('usage-inspect: internal error: renderer broke (run with --debug for details)\n');
  });

  it('has a stack trace naming the source files under --debug, not the bundle', async () => {
    const run = await runCli([...args, '--debug'], { env });
    expect(run.code).toBe(70);
    expect(run.stderr).toContain('usage-inspect: internal error: renderer broke\n');
    expect(run.stderr).toMatch(/at renderJson \(.*src\/report\/json\.ts:\d+:\d+\)/);
    expect(run.stderr).not.toMatch(/dist\/cli\//);
  });
});
