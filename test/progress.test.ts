import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProgressMeter } from '../src/commands/progress-meter.js';
import type { CliIO } from '../src/io.js';
import { formatProgress } from '../src/report/progress.js';
import { resolveInputs } from '../src/sources/inputs.js';

function fakeIO(isTTY: boolean, env: Record<string, string> = {}): CliIO & { err: string[] } {
  const err: string[] = [];
  return {
    err,
    stdout: { write: () => true },
    stderr: { write: (s: string) => err.push(s), isTTY },
    stdin: process.stdin,
    env,
  };
}

describe('progress', () => {
  it.each([
    [
      { bytes: 50e6, total: 200e6, requests: 1234 },
      80,
      '[##########------------------------------]  25% 50 MB/200 MB, 1,234 requests',
    ],
    [{ bytes: 2.5e6, total: null, requests: 7 }, 80, '2.5 MB read, 7 requests'],
    [
      { bytes: 300e6, total: 200e6, requests: 1 },
      80,
      '[########################################] 100% 300 MB/200 MB, 1 requests',
    ],
  ])('formats %j', (state, width, line) => {
    expect(formatProgress(state, width)).toBe(line);
  });

  it('draws on a terminal for large inputs only, and never in CI or pipes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ui-prog-'));
    const big = join(dir, 'big.jsonl');
    writeFileSync(big, Buffer.alloc(9 * 1024 * 1024, 32));
    const small = join(dir, 'small.jsonl');
    writeFileSync(small, '{}\n');
    const { inputs: bigInputs } = await resolveInputs([big]);
    const { inputs: smallInputs } = await resolveInputs([small]);

    const tty = fakeIO(true);
    const meter = await ProgressMeter.create(tty, bigInputs);
    expect(meter).not.toBeNull();
    meter?.onRequest();
    meter?.onBytes(1024);
    meter?.done();
    const ESC = '\u001b';
    expect(tty.err.join('')).toBe(`\r[${'-'.repeat(40)}]   0% 0.0 MB/9.4 MB, 1 requests${ESC}[K\r${ESC}[K`);

    expect(await ProgressMeter.create(fakeIO(true), smallInputs)).toBeNull();
    expect(await ProgressMeter.create(fakeIO(false), bigInputs)).toBeNull();
    expect(await ProgressMeter.create(fakeIO(true, { CI: 'true' }), bigInputs)).toBeNull();
  });
});
