import { readFileSync } from 'node:fs';
import { MessageStream } from '@anthropic-ai/sdk/lib/MessageStream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SseParser } from '../src/decode/sse-parser.js';
import { StreamAccumulator } from '../src/decode/stream-accumulator.js';
import { fixture } from './support/run-cli.js';

const src = { file: 't', line: 1, event: 1 };

function sseEvents(path: string): unknown[] {
  const parser = new SseParser();
  const out: unknown[] = [];
  readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .forEach((line, i) => {
      const ev = parser.push(line, i + 1);
      if (ev) out.push(JSON.parse(ev.data));
    });
  const last = parser.end();
  if (last) out.push(JSON.parse(last.data));
  return out;
}

function ours(events: unknown[]) {
  const acc = new StreamAccumulator();
  const records = events.flatMap((e) => acc.feed(e, src).records);
  return [...records, ...acc.finish()];
}

/** The SDK's own accumulation, fed the same events in its toReadableStream (NDJSON) form. */
async function sdkUsage(events: unknown[]) {
  const bytes = new TextEncoder().encode(events.map((e) => JSON.stringify(e)).join('\n'));
  const readable = new ReadableStream({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
  const message = await MessageStream.fromReadableStream(readable).finalMessage();
  return message.usage as unknown as Record<string, unknown>;
}

const USAGE_KEYS = [
  'input_tokens',
  'cache_creation_input_tokens',
  'cache_read_input_tokens',
  'output_tokens',
  'cache_creation',
  'server_tool_use',
  'output_tokens_details',
  'service_tier',
  'inference_geo',
];

function pick(u: Record<string, unknown>) {
  return Object.fromEntries(USAGE_KEYS.map((k) => [k, u[k] ?? null]));
}

describe('StreamAccumulator', () => {
  it('overwrites counters from message_delta, never adds, and keeps the TTL split from message_start', () => {
    const [rec] = ours(sseEvents(fixture('stream-web-search-delta-raises-input.sse')));
    expect(rec?.status).toBe('ok');
    expect(rec?.usage).toMatchObject({
      input_tokens: 10682,
      cache_creation_input_tokens: 3100,
      cache_read_input_tokens: 4200,
      output_tokens: 510,
      server_tool_use: { web_search_requests: 1 },
      cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
      inference_geo: 'global',
    });
  });

  it('takes the last of several cumulative message_delta events', () => {
    const [rec] = ours(sseEvents(fixture('stream-several-deltas.sse')));
    expect(rec?.usage).toMatchObject({
      output_tokens: 300,
      output_tokens_details: { thinking_tokens: 90 },
      cache_read_input_tokens: 6000,
    });
  });

  it('reports an error event as an error with the usage known so far', () => {
    const [rec] = ours(sseEvents(fixture('stream-error-event.sse')));
    expect(rec?.status).toBe('error');
    expect(rec?.error).toEqual({ type: 'overloaded_error', message: 'Overloaded' });
    expect(rec?.usage).toMatchObject({ cache_creation_input_tokens: 2048, output_tokens: 1 });
  });

  it('reports a stream cut before message_stop as incomplete', () => {
    const records = ours(sseEvents(fixture('stream-truncated.sse')));
    expect(records).toHaveLength(1);
    expect(records[0]?.status).toBe('incomplete');
    expect(records[0]?.usage).toMatchObject({ cache_read_input_tokens: 3000 });
  });

  it('splits concatenated streams into one record each', () => {
    const records = ours(sseEvents(fixture('05-cache-write-then-read-2streams.sse')));
    expect(records.map((r) => r.id)).toEqual([
      'msg_017FfRkh9PCC8YbjnhDMrPuK',
      expect.stringMatching(/^msg_/),
    ]);
    expect(records.map((r) => r.status)).toEqual(['ok', 'ok']);
  });

  it.each([
    '02-cache-write-1h-stream.sse',
    'stream-web-search-delta-raises-input.sse',
    'stream-several-deltas.sse',
    'stream-crlf-unknown-event.sse',
  ])('agrees with the SDK MessageStream on %s', async (name) => {
    const events = sseEvents(fixture(name)).filter(
      (e) => (e as { type: string }).type !== 'future_event_type',
    );
    const [rec] = ours(events);
    expect(pick(rec?.usage as Record<string, unknown>)).toEqual(pick(await sdkUsage(events)));
  });

  it('agrees with the SDK on random sequences of cumulative deltas', async () => {
    const count = fc.option(fc.nat({ max: 1_000_000 }), { nil: null });
    const delta = fc.record({
      output_tokens: fc.nat({ max: 100_000 }),
      input_tokens: count,
      cache_creation_input_tokens: count,
      cache_read_input_tokens: count,
      server_tool_use: fc.option(
        fc.record({ web_search_requests: fc.nat(9), web_fetch_requests: fc.nat(9) }),
        { nil: null },
      ),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: 100_000 }),
        fc.nat({ max: 100_000 }),
        fc.array(delta, { minLength: 1, maxLength: 5 }),
        async (input, read, deltas) => {
          const events = [
            {
              type: 'message_start',
              message: {
                id: 'msg_x',
                type: 'message',
                role: 'assistant',
                model: 'claude-sonnet-4-6',
                content: [],
                stop_reason: null,
                stop_sequence: null,
                usage: {
                  input_tokens: input,
                  cache_creation_input_tokens: 0,
                  cache_read_input_tokens: read,
                  output_tokens: 1,
                },
              },
            },
            ...deltas.map((usage) => ({
              type: 'message_delta',
              delta: { stop_reason: null, stop_sequence: null },
              usage,
            })),
            { type: 'message_stop' },
          ];
          const [rec] = ours(events);
          expect(pick(rec?.usage as Record<string, unknown>)).toEqual(pick(await sdkUsage(events)));
        },
      ),
      { numRuns: 60 },
    );
  });
});
