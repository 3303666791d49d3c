import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeRecord } from '../src/core/analyze.js';
import { computeTotals } from '../src/core/totals.js';
import type { DecodedRecord } from '../src/core/types.js';
import { decodeText } from './support/decode-text.js';

const count = fc.nat({ max: 5_000_000 });
const usageArb = fc.record(
  {
    input_tokens: count,
    cache_creation_input_tokens: fc.option(count, { nil: null }),
    cache_read_input_tokens: fc.option(count, { nil: null }),
    output_tokens: count,
    server_tool_use: fc.option(fc.record({ web_search_requests: fc.nat(20) }), { nil: null }),
  },
  { requiredKeys: ['input_tokens', 'output_tokens'] },
);

function record(usage: unknown, i: number): DecodedRecord {
  return {
    kind: 'message',
    source: { file: 'p', line: i + 1, event: null },
    label: null,
    id: `m${i}`,
    request_id: null,
    model: 'claude-sonnet-4-6',
    status: 'ok',
    error: null,
    usage,
    timestamp: null,
  };
}

describe('properties', () => {
  it('no bytes make the decoder throw, and every problem names its file', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2000 }), async (bytes) => {
        const { problems } = await decodeText([Buffer.from(bytes)], 'auto', 'fuzz.bin');
        for (const p of problems) expect(p.source.file).toBe('fuzz.bin');
      }),
      { numRuns: 300 },
    );
  });

  it('no near-valid JSONL or SSE text makes the decoder throw', async () => {
    const fragment = fc.constantFrom(
      '{"type":"message","usage":{"input_tokens":1,"output_tokens":2}}',
      '{"type":"message_start","message":{"usage":{"input_tokens":-1}}}',
      '{"type":"message_delta","usage":null}',
      '{"type":"message_stop"}',
      '{"custom_id":"x","result":{"type":"succeeded","message":null}}',
      '{"type":"assistant","message":{"usage":"many"}}',
      '{"recording":1,"events":[{"type":"message_start"}]}',
      '{"recording":1,"response":{"type":"message","usage":[1]}}',
      '[{"input_tokens":1e999}]',
      'event: message_start',
      'data: {"type":"message_start","message":{"usage":{"input_tokens":3}}}',
      'data: {',
      'event: error',
      'data: {"type":"error","error":"x"}',
      '',
      ':',
      '\u0000\uffff',
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fragment, { maxLength: 30 }),
        fc.constantFrom('auto', 'jsonl', 'sse', 'events', 'batch', 'claude-code', 'recording', 'json'),
        async (lines, format) => {
          await decodeText(lines.join('\n'), format as never);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('totals equal a plain sum of the usage objects', async () => {
    await fc.assert(
      fc.property(fc.array(usageArb, { maxLength: 40 }), (usages) => {
        const results = usages.map((u, i) => analyzeRecord(record(u, i), i + 1).result);
        const totals = computeTotals(results.filter((r) => r !== null));
        let input = 0;
        let total = 0;
        let read = 0;
        let output = 0;
        let searches = 0;
        for (const u of usages) {
          input += u.input_tokens;
          read += u.cache_read_input_tokens ?? 0;
          output += u.output_tokens;
          total += u.input_tokens + (u.cache_creation_input_tokens ?? 0) + (u.cache_read_input_tokens ?? 0);
          searches += u.server_tool_use?.web_search_requests ?? 0;
        }
        expect(totals.requests).toBe(usages.length);
        expect(totals.usage.input_tokens).toBe(input);
        expect(totals.usage.cache_read_input_tokens).toBe(read);
        expect(totals.usage.output_tokens).toBe(output);
        expect(totals.usage.total_input_tokens).toBe(total);
        expect(totals.usage.server_tool_use.web_search_requests ?? 0).toBe(searches);
        expect(totals.hit_rate).toBe(total === 0 ? null : read / total);
      }),
      { numRuns: 200 },
    );
  });

  it('the fast SSE path gives the same records as parsing every event, valid or not', async () => {
    const delta = fc.oneof(
      fc
        .string()
        .map((t) =>
          JSON.stringify({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: t } }),
        ),
      fc.constant('{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"cut'),
      fc.constant('{not json}'),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(delta, { maxLength: 8 }), count, count, async (deltas, input, output) => {
        const ev = (name: string, data: string) => `event: ${name}\ndata: ${data}\n\n`;
        const text =
          ev(
            'message_start',
            JSON.stringify({
              type: 'message_start',
              message: {
                id: 'm',
                model: 'claude-sonnet-4-6',
                usage: { input_tokens: input, output_tokens: 1 },
              },
            }),
          ) +
          deltas.map((d) => ev('content_block_delta', d)).join('') +
          ev(
            'message_delta',
            JSON.stringify({ type: 'message_delta', delta: {}, usage: { output_tokens: output } }),
          ) +
          ev('message_stop', '{"type":"message_stop"}');
        const fast = await decodeText(text, 'auto', 'f', true);
        const full = await decodeText(text, 'auto', 'f', false);
        expect(fast.records).toEqual(full.records);
        // Data cut short does not end in `}` and `{not json}` does not start as the API's data does, so
        // the fast path parses and reports both (test/property-equivalence.test.ts covers the rest).
        expect(fast.problems).toEqual(full.problems);
      }),
      { numRuns: 200 },
    );
  });
});
