import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeText } from './support/decode-text.js';
import { fixture } from './support/run-cli.js';

const read = (name: string) => readFileSync(fixture(name), 'utf8');

describe('decodeLines', () => {
  it('reads a pretty-printed Message document', async () => {
    const { records, problems } = await decodeText(read('06-compaction-iterations.json'));
    expect(problems).toEqual([]);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      kind: 'message',
      id: 'msg_01D55QDk6AZP2o6n9ko7TkDJ',
      model: 'claude-opus-4-6',
      source: { line: 1 },
    });
  });

  it('reads a bare usage object and a JSON array of Messages', async () => {
    expect((await decodeText(read('usage-bare.json'))).records[0]).toMatchObject({
      kind: 'usage',
      usage: { input_tokens: 3 },
    });
    const arr = await decodeText(read('messages-array.json'));
    expect(arr.records.map((r) => r.id)).toEqual(['msg_01A', 'msg_01B']);
  });

  it('reads JSONL with Messages and an API error body, numbering lines', async () => {
    const { records } = await decodeText(read('messages.jsonl'));
    expect(records.map((r) => [r.source.line, r.status])).toEqual([
      [1, 'ok'],
      [2, 'ok'],
      [3, 'error'],
      [4, 'ok'],
    ]);
    expect(records[2]).toMatchObject({
      error: { type: 'overloaded_error' },
      request_id: 'req_011Overloaded',
    });
  });

  it('reads SSE with CRLF line endings, comments and unknown events', async () => {
    const { records, problems } = await decodeText(read('stream-crlf-unknown-event.sse'));
    expect(problems).toEqual([]);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      id: 'msg_01Crlf',
      status: 'ok',
      usage: { output_tokens: 9, input_tokens: 5000 },
    });
    expect(records[0]?.source.event).toBe(1);
  });

  it('reads NDJSON stream events (the SDK toReadableStream form)', async () => {
    const { records } = await decodeText(read('stream-events.ndjson'));
    expect(
      records.map((r) => [r.id, r.status, (r.usage as { output_tokens: number }).output_tokens]),
    ).toEqual([
      ['msg_01Ndjson1', 'ok', 11],
      ['msg_01Ndjson2', 'ok', 12],
    ]);
  });

  it('labels batch results by custom_id and lists non-succeeded results without usage', async () => {
    const { records } = await decodeText(read('batch-results-mixed.jsonl'));
    expect(records.map((r) => [r.label, r.status, r.usage === null, r.batch])).toEqual([
      ['greeting-1', 'ok', false, true],
      ['greeting-2', 'error', true, true],
      ['greeting-3', 'error', true, true],
      ['greeting-4', 'error', true, true],
      ['greeting-5', 'ok', false, true],
    ]);
    expect(records[1]).toMatchObject({
      error: { type: 'invalid_request_error' },
      request_id: 'req_011Batch2',
    });
  });

  it('reads Claude Code assistant lines and skips user, summary and synthetic lines', async () => {
    const { records, problems } = await decodeText(
      read('claude-code/-home-dev-shop/3f1c9a2e-7b41-4c55-9d0e-1a2b3c4d5e6f.jsonl'),
    );
    expect(problems).toEqual([]);
    expect(records.map((r) => [r.id, r.request_id, r.source.line])).toEqual([
      ['msg_01CcFirst', 'req_011CcFirst', 2],
      ['msg_01CcFirst', 'req_011CcFirst', 3],
      ['msg_01CcFirst', 'req_011CcFirst', 4],
      ['msg_01CcSecond', 'req_011CcSecond', 6],
      ['msg_01CcSecond', 'req_011CcSecond', 7],
    ]);
    expect(records[0]?.timestamp).toBe('2026-11-20T09:00:03.100Z');
  });

  it('names the line of invalid JSON and goes on', async () => {
    const { records, problems } = await decodeText(
      '{"type":"message","id":"a","usage":{"input_tokens":1,"output_tokens":1}}\n{"type":"mess\n{"input_tokens":2,"output_tokens":2}\n',
    );
    expect(records).toHaveLength(2);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ severity: 'error', source: { line: 2 } });
    expect(problems[0]?.message).toMatch(/^invalid JSON: /);
  });

  it('names the SSE event whose data is not JSON', async () => {
    const { problems } = await decodeText('event: message_start\ndata: {oops\n\n');
    expect(problems[0]).toMatchObject({ source: { line: 1, event: 1 }, severity: 'error' });
    expect(problems[0]?.message).toContain('event message_start has invalid JSON data');
  });

  it('strips a byte-order mark and reports an empty input', async () => {
    expect((await decodeText('\ufeff{"input_tokens":1,"output_tokens":2}\n')).records).toHaveLength(1);
    expect((await decodeText('')).problems[0]?.message).toBe('empty input');
  });

  it('rejects text that is neither JSON nor SSE', async () => {
    const { records, problems } = await decodeText('hello world\n{"input_tokens":1}\n');
    expect(records).toEqual([]);
    expect(problems[0]?.message).toContain('not JSON, JSONL or an SSE stream');
  });

  it('enforces a forced input format line by line', async () => {
    const { records, problems } = await decodeText(read('messages.jsonl'), 'batch');
    expect(records).toEqual([]);
    expect(problems).toHaveLength(4);
    expect(problems[0]?.message).toContain('expected a batch result line');
  });

  it('gives the same records whatever chunks the bytes arrive in', async () => {
    const text = read('05-cache-write-then-read-2streams.sse') + read('stream-crlf-unknown-event.sse');
    const whole = await decodeText(text);
    const bytes = Buffer.from(text);
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 40 }),
        async (cuts) => {
          const sorted = [...cuts].sort((a, b) => a - b);
          const parts: Buffer[] = [];
          let prev = 0;
          for (const c of sorted) {
            parts.push(bytes.subarray(prev, c));
            prev = c;
          }
          parts.push(bytes.subarray(prev));
          const split = await decodeText(parts);
          expect(split).toEqual(whole);
        },
      ),
      { numRuns: 100 },
    );
  });
});
