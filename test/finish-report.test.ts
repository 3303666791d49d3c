import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { noChecks } from '../src/checks/check-options.js';
import { finishReport } from '../src/commands/finish-report.js';
import type { Report } from '../src/core/types.js';
import type { CliIO } from '../src/io.js';
import { reportFrom } from './support/report-from.js';

function memoryIO(): CliIO & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    stdin: new PassThrough(),
    env: { NO_COLOR: '1' },
    out: () => out,
    err: () => err,
  };
}

/** Requests as `send` reports the calls it just made: kind message, one run in order. */
async function liveRun(): Promise<Report> {
  const report = await reportFrom(['breaks/system-changed.jsonl']);
  return { ...report, requests: report.requests.map((r) => ({ ...r, kind: 'message' as const })) };
}

const base = { color: false, junit: null, github: false };

describe('finishReport, as send and replay call it', () => {
  it('diagnoses a run it is told is ordered, whatever the kind of its requests', async () => {
    const checks = { ...noChecks(), noCacheBreaks: true };
    const ordered = memoryIO();
    const code = await finishReport(
      await liveRun(),
      { ...base, format: 'text', checks, ordered: true },
      ordered,
    );
    expect(code).toBe(1);
    expect(ordered.out()).toContain('FAIL  no-cache-breaks: 1 cache break');
    const unordered = memoryIO();
    expect(await finishReport(await liveRun(), { ...base, format: 'text', checks }, unordered)).toBe(0);
  });

  it('prints breaks, checks and the verdict after a table already drawn live', async () => {
    const io = memoryIO();
    const checks = { ...noChecks(), noCacheBreaks: true };
    const options = { ...base, format: 'table' as const, checks, ordered: true, tableText: 'LIVE TABLE\n' };
    expect(await finishReport(await liveRun(), options, io)).toBe(1);
    const lines = io.out().split('\n');
    expect(lines[0]).toBe('LIVE TABLE');
    expect(lines[1]).toBe('Cache breaks');
    expect(lines[2]).toMatch(
      /^ {2}#2 system-changed\.jsonl:2 vs #1: .*system_changed: system\[1\]\.text changed$/,
    );
    expect(lines[3]).toBe('Checks');
    expect(lines.at(-2)).toBe('FAIL: 1 of 1 check failed: no-cache-breaks');
    expect(io.err()).toBe('');
  });
});
