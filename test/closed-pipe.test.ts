import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: plain JavaScript generator shared with the benchmark
import { generateJsonl } from '../bench/generate.mjs';
import { BIN } from './support/run-cli.js';

describe('writing to a closed pipe', () => {
  it('exits quietly when the reader goes away (usage-inspect … | head -1)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ui-pipe-'));
    const file = join(dir, 'many.jsonl');
    await generateJsonl(file, 20e6);
    const child = spawn(process.execPath, [BIN, 'inspect', file, '--format', 'ndjson'], {
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const first = await new Promise<string>((resolve) => {
      let buf = '';
      child.stdout.on('data', (d) => {
        buf += d;
        const nl = buf.indexOf('\n');
        if (nl !== -1) {
          child.stdout.destroy();
          resolve(buf.slice(0, nl));
        }
      });
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    rmSync(dir, { recursive: true, force: true });
    expect(JSON.parse(first).type).toBe('request');
    expect(code).toBe(0);
    expect(stderr).toBe('');
  }, 60_000);
});
