import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../src/pipeline/run-pipeline.js';
import { resolveInputs } from '../src/sources/inputs.js';

// Claude Code lines of one response share message.id and requestId; a response is known by the two
// joined by U+0000, and the window looks them up without joining them (src/pipeline/dedupe.ts).

const dir = mkdtempSync(join(tmpdir(), 'ui-dedupe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function line(id: string | null, requestId: string | null, output: number): string {
  return JSON.stringify({
    type: 'assistant',
    sessionId: 's',
    ...(requestId === null ? {} : { requestId }),
    timestamp: '2026-11-01T10:00:00.000Z',
    message: {
      ...(id === null ? {} : { id }),
      model: 'claude-sonnet-4-6',
      usage: { input_tokens: 5, output_tokens: output },
    },
  });
}

async function run(lines: string[]) {
  const file = join(dir, `t-${Math.random().toString(36).slice(2)}.jsonl`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  const { inputs } = await resolveInputs([file]);
  return runPipeline(inputs, { format: 'auto', strict: false, fast: true });
}

const filler = (n: number) => Array.from({ length: n }, (_, i) => line(`msg_f${i}`, `req_f${i}`, 1));

describe('Claude Code deduplication', () => {
  it('merges the lines of one response, keeping the most complete', async () => {
    const report = await run([
      line('msg_a', 'req_a', 1),
      line('msg_a', 'req_a', 40),
      line('msg_b', 'req_b', 2),
    ]);
    expect(report.totals.requests).toBe(2);
    expect(report.totals.usage.output_tokens).toBe(42);
  });

  it('keeps responses apart that share an id or a request id but not both', async () => {
    const report = await run([
      line('msg_a', 'req_a', 1),
      line('msg_a', 'req_b', 2),
      line('msg_b', 'req_a', 4),
    ]);
    expect(report.totals.requests).toBe(3);
  });

  it('tells responses without an id apart by request id, and merges those that share it', async () => {
    const lines = [
      ...Array.from({ length: 600 }, (_, i) => line(null, `req_${i}`, 1)),
      line(null, 'req_599', 9),
    ];
    const report = await run(lines);
    expect(report.totals.requests).toBe(600);
    expect(report.totals.usage.output_tokens).toBe(599 + 9);
  });

  it('takes a U+0000 inside an id as part of the joined key, near or far', async () => {
    const first = line('a\u0000b', 'c', 1);
    const second = line('a', 'b\u0000c', 7);
    const near = await run([first, second]);
    expect(near.totals.requests).toBe(1);
    expect(near.totals.usage.output_tokens).toBe(7);
    // Released before its copy comes: the copy is dropped, with a warning.
    const far = await run([first, ...filler(600), second]);
    expect(far.totals.requests).toBe(601);
    expect(far.problems.map((p) => p.message)).toContainEqual(
      expect.stringContaining('repeat a response reported earlier'),
    );
  });
});
