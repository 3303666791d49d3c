import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeRecord } from '../src/core/analyze.js';
import type { DecodedRecord } from '../src/core/types.js';
import { decodeText } from './support/decode-text.js';

// Properties that tie the fast paths and the many input containers to one reference: JSON.parse of
// each value, fed to the same decoder.

const count = fc.nat({ max: 2_000_000 });
const usageArb = fc.record(
  {
    input_tokens: count,
    cache_creation_input_tokens: fc.option(count, { nil: null }),
    cache_read_input_tokens: fc.option(count, { nil: null }),
    cache_creation: fc.record({ ephemeral_5m_input_tokens: count, ephemeral_1h_input_tokens: count }),
    output_tokens: count,
    server_tool_use: fc.record({ web_search_requests: fc.nat(20) }),
    service_tier: fc.constantFrom('standard', 'priority', 'batch'),
    future_counter: count,
  },
  { requiredKeys: ['input_tokens', 'output_tokens'] },
);
/** Text as models write it: any Unicode, quotes, backslashes, JSON-looking fragments, decoy usage. */
const textArb = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom(
    '"type":"message_stop"',
    '{"type":"message_delta","usage":{"output_tokens":999}}',
    '\\u0074ype',
    '"usage": {"input_tokens": 5}',
    '\u2028\u2029\r\n',
  ),
);

const sse = (name: string, data: string) => `event: ${name}\ndata: ${data}\n\n`;

/** What the pipeline reads from a record, without where it came from. */
function essence(r: DecodedRecord) {
  const analysed = analyzeRecord(r, 1);
  return {
    id: r.id,
    model: r.model,
    status: r.status,
    error: r.error,
    usage: analysed.result?.usage ?? null,
    problems: analysed.problems.map((p) => p.message),
  };
}

describe('the fast SSE path equals JSON.parse of every event', () => {
  const names = [
    'content_block_start',
    'content_block_delta',
    'content_block_stop',
    'ping',
    'message_start',
    'message_delta',
    'message_stop',
    'error',
    'future_event',
  ];
  /** Data for an event, often disagreeing with the event's name, in the API's layout or not. */
  const data = fc.oneof(
    fc
      .tuple(fc.constantFrom(...names.slice(0, 4)), fc.nat(5), textArb)
      .map(([type, index, text]) =>
        type === 'content_block_delta'
          ? JSON.stringify({ type, index, delta: { type: 'text_delta', text } })
          : type === 'content_block_start'
            ? JSON.stringify({ type, index, content_block: { type: 'text', text } })
            : JSON.stringify(type === 'ping' ? { type } : { type, index }),
      ),
    usageArb.map((usage) =>
      JSON.stringify({ type: 'message_start', message: { id: 'm', model: 'claude-sonnet-4-6', usage } }),
    ),
    count.map((n) => JSON.stringify({ type: 'message_delta', delta: {}, usage: { output_tokens: n } })),
    fc.constant('{"type":"message_stop"}'),
    fc.constant('{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}'),
    // A duplicate top-level `type`: JSON.parse keeps the last.
    count.map(
      (n) => `{"type":"content_block_delta","index":0,"type":"message_delta","usage":{"output_tokens":${n}}}`,
    ),
    count.map((n) => `{"type":"ping","usage":{"output_tokens":${n}},"type":"message_delta"}`),
    fc.constant('{"type":"content_block_stop","index":0,"type":"message_stop"}'),
    // A key spelled with escapes is still `type`.
    fc.constant('{"type":"content_block_stop","index":0,"\\u0074ype":"message_stop"}'),
    // Spacing and key order that the API does not use.
    fc.constant('{"type": "content_block_stop", "index": 0}'),
    fc.constant('{"index":0,"type":"message_stop"}'),
    fc.constant('{ "type":"ping"}'),
    // No type: the event name is used.
    fc.constant('{"index":0}'),
    // Not JSON, or not an object.
    fc.constant('{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"cut'),
    fc.constant('{"type":"content_block_delta" garbage}'),
    fc.constant('[]'),
    fc.constant('"type"'),
  );
  const event = fc.tuple(fc.constantFrom(...names), data).map(([name, d]) => sse(name, d));

  it('gives the same records; the only difference is invalid JSON it does not parse', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(event, { maxLength: 12 }), async (events) => {
        const text = events.join('');
        const fast = await decodeText(text, 'sse', 'f', true);
        const full = await decodeText(text, 'sse', 'f', false);
        expect(fast.records).toEqual(full.records);
        const missing = full.problems.filter(
          (p) => !fast.problems.some((q) => q.message === p.message && q.source.event === p.source.event),
        );
        for (const p of missing) expect(p.message).toMatch(/has invalid JSON data/);
        expect(fast.problems.length + missing.length).toBe(full.problems.length);
      }),
      { numRuns: 500 },
    );
  });
});

describe('one response reads the same in every container', () => {
  const messageArb = fc.record({
    id: fc.constantFrom('msg_01A', 'msg_01B'),
    type: fc.constant('message'),
    role: fc.constant('assistant'),
    model: fc.constantFrom('claude-sonnet-4-6', 'claude-opus-4-1', 'claude-haiku-4-5'),
    content: fc.array(
      textArb.map((text) => ({ type: 'text', text })),
      { maxLength: 3 },
    ),
    stop_reason: fc.constant('end_turn'),
    usage: usageArb,
  });

  it('a Message: JSON, pretty JSON, an array, a batch result, a recording, a Claude Code line', async () => {
    await fc.assert(
      fc.asyncProperty(messageArb, async (msg) => {
        const containers = [
          JSON.stringify(msg),
          JSON.stringify(msg, null, 2),
          JSON.stringify([msg], null, 1),
          JSON.stringify({ custom_id: 'c1', result: { type: 'succeeded', message: msg } }),
          JSON.stringify({
            recording: 1,
            sent_at: '2026-01-01T00:00:00.000Z',
            duration_ms: 5,
            request: { model: msg.model, max_tokens: 5, messages: [] },
            response: msg,
            headers: {},
            error: null,
          }),
          JSON.stringify({
            type: 'assistant',
            sessionId: 's1',
            requestId: 'req_1',
            timestamp: '2026-01-01T00:00:00.000Z',
            message: msg,
          }),
        ];
        const reference = essence(
          (await decodeText(JSON.stringify(msg), 'json')).records[0] as DecodedRecord,
        );
        expect(reference.usage?.input_tokens).toBe(msg.usage.input_tokens);
        for (const text of containers) {
          const { records, problems } = await decodeText(`${text}\n`);
          expect(problems, text).toEqual([]);
          expect(records.map(essence), text).toEqual([reference]);
        }
      }),
      { numRuns: 150 },
    );
  });

  /** The delta's counters: output_tokens always, and the cumulative ones the API may add. */
  const deltaUsageArb = fc.record(
    {
      output_tokens: count,
      input_tokens: count,
      cache_creation_input_tokens: count,
      cache_read_input_tokens: count,
      server_tool_use: fc.record({ web_search_requests: fc.nat(20) }),
    },
    { requiredKeys: ['output_tokens'] },
  );

  it('a stream: SSE, NDJSON events, a recording of its events, and the Message it folds into', async () => {
    await fc.assert(
      fc.asyncProperty(
        messageArb,
        fc.array(textArb, { maxLength: 5 }),
        deltaUsageArb,
        async (msg, texts, deltaUsage) => {
          const events: Record<string, unknown>[] = [
            { type: 'message_start', message: { ...msg, content: [], stop_reason: null } },
            { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
            ...texts.map((text) => ({
              type: 'content_block_delta',
              index: 0,
              delta: { type: 'text_delta', text },
            })),
            { type: 'content_block_stop', index: 0 },
            { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: deltaUsage },
            { type: 'message_stop' },
          ];
          // The stream rules (README "What is counted"): each counter in message_delta overwrites.
          const folded = { ...msg, usage: { ...msg.usage, ...deltaUsage } };
          const reference = essence(
            (await decodeText(JSON.stringify(folded), 'json')).records[0] as DecodedRecord,
          );
          const containers = [
            events.map((e) => sse(String(e.type), JSON.stringify(e))).join(''),
            events
              .map((e) => sse(String(e.type), JSON.stringify(e, null, 1).split('\n').join('\ndata: ')))
              .join(''),
            events.map((e) => JSON.stringify(e)).join('\n'),
            JSON.stringify({
              recording: 1,
              sent_at: '2026-01-01T00:00:00.000Z',
              duration_ms: 5,
              request: { model: msg.model, max_tokens: 5, messages: [], stream: true },
              response: null,
              events,
              headers: {},
              error: null,
            }),
          ];
          for (const text of containers) {
            for (const fast of [true, false]) {
              const { records, problems } = await decodeText(`${text}\n`, 'auto', 'f', fast);
              expect(problems, text).toEqual([]);
              expect(records.map(essence), text).toEqual([reference]);
            }
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
