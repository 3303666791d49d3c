import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: plain JavaScript generator shared with the benchmark
import { generateClaudeCode, generateJsonl, generateSse } from '../bench/generate.mjs';
import { runCli } from './support/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'ui-large-'));
const jsonl = join(dir, 'big.jsonl');
const sse = join(dir, 'big.sse');
const cc = join(dir, 'cc');

beforeAll(async () => {
  await generateJsonl(jsonl, 120e6);
  await generateSse(sse, 4e6);
  await generateClaudeCode(cc, 4e6, 6);
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('large inputs', () => {
  it('streams 120 MB of JSONL to NDJSON with a 48 MB heap', async () => {
    // A heap far smaller than the input: anything that held every request would run out of memory.
    const run = await runCli(['inspect', jsonl, '--format', 'ndjson'], {
      env: { NODE_OPTIONS: '--max-old-space-size=48' },
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    const totals = JSON.parse(lines.at(-1) as string);
    expect(totals.type).toBe('totals');
    expect(totals.requests).toBe(lines.length - 1);
    expect(totals.requests).toBeGreaterThan(50_000);
  }, 120_000);

  it('summarises with --top and --group-by in the same small heap', async () => {
    const run = await runCli(['inspect', jsonl, '--top', '5', '--group-by', 'model'], {
      env: { NODE_OPTIONS: '--max-old-space-size=48' },
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /more requests counted in the totals but not listed: the table shows the 5 most expensive/,
    );
    expect(run.stdout).toContain('By model');
    for (const model of [
      'claude-sonnet-4-6',
      'claude-opus-4-8',
      'claude-haiku-4-5-20251001',
      'claude-fable-5',
    ]) {
      expect(run.stdout).toContain(model);
    }
  }, 120_000);

  it('gives the same totals on the fast path as with every event parsed', async () => {
    const { runPipeline } = await import('../src/pipeline/run-pipeline.js');
    const { resolveInputs } = await import('../src/sources/inputs.js');
    for (const path of [sse, cc]) {
      const { inputs } = await resolveInputs([path]);
      const fast = await runPipeline(inputs, { format: 'auto', strict: false, fast: true });
      const full = await runPipeline(inputs, { format: 'auto', strict: false, fast: false });
      expect(fast).toEqual(full);
      expect(fast.totals.requests).toBeGreaterThan(100);
    }
  }, 120_000);

  it('counts the cache breaks past those it lists exactly as it would describe them', async () => {
    // Past MAX_KEPT_BREAKS a break is counted without being described: the count and the lost tokens must
    // still be those of every break described.
    const { runPipeline } = await import('../src/pipeline/run-pipeline.js');
    const { resolveInputs } = await import('../src/sources/inputs.js');
    const { diagnoseBreaks } = await import('../src/diagnose/breaks.js');
    const { MAX_KEPT_BREAKS } = await import('../src/diagnose/break-log.js');
    const many = join(dir, 'cc-many-breaks');
    await generateClaudeCode(many, 10e6, 4);
    const { inputs } = await resolveInputs([many]);
    const every = diagnoseBreaks((await runPipeline(inputs, { format: 'auto', strict: false })).requests);
    expect(every.length).toBeGreaterThan(MAX_KEPT_BREAKS + 100);
    const lost = every.reduce((n, b) => n + b.lost_tokens, 0);

    const run = await runCli(['inspect', many, '--format', 'json', '--no-cache-breaks']);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.breaks).toEqual(every.slice(0, MAX_KEPT_BREAKS));
    expect(report.problems.map((p: { message: string }) => p.message)).toContain(
      `${every.length - MAX_KEPT_BREAKS} more cache breaks not listed`,
    );
    const check = report.checks.find((c: { name: string }) => c.name === 'no-cache-breaks');
    expect(check.actual).toBe(every.length);
    expect(check.message).toContain(`(${lost.toLocaleString('en-US')} cached tokens not read)`);
  }, 60_000);

  it('lists every request with --top all, and the most expensive ones with --top N', async () => {
    const small = join(dir, 'small.jsonl');
    await generateJsonl(small, 60_000);
    const all = JSON.parse((await runCli(['inspect', small, '--format', 'json'])).stdout);
    const n = all.requests.length;
    const expense = (r: { billed_usage: { total_input_tokens: number; output_tokens: number } }) =>
      r.billed_usage.total_input_tokens + r.billed_usage.output_tokens;
    const top3 = [...all.requests]
      .sort((a, b) => expense(b) - expense(a))
      .slice(0, 3)
      .map((r) => r.index)
      .sort((a, b) => a - b);
    const table = await runCli(['inspect', small, '--top', '3', '--format', 'markdown']);
    const shown = [...table.stdout.matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1]));
    expect(shown).toEqual(top3);
    expect(table.stdout).toContain(`${n - 3} more requests counted in the totals`);
    const every = await runCli(['inspect', small, '--top', 'all', '--format', 'markdown']);
    expect([...every.stdout.matchAll(/^\| (\d+) \|/gm)]).toHaveLength(n);
    expect(readFileSync(small, 'utf8').trim().split('\n')).toHaveLength(n);
  }, 60_000);
});
