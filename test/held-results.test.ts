import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeRecord } from '../src/core/analyze.js';
import type { DecodedRecord, RequestResult } from '../src/core/types.js';
import { DedupeWindow } from '../src/pipeline/dedupe.js';
import { HeldResults, packable } from '../src/pipeline/held-results.js';

// The window keeps the common shape of a result as numbers and strings and builds it again when it leaves
// (src/pipeline/held-results.ts). What leaves must be the very result that came in, field for field and in
// the same key order (JSON output follows it), for every shape analyzeRecord makes.

const count = fc.nat({ max: 5_000_000 });
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const usageArb = fc.record(
  {
    input_tokens: count,
    cache_creation_input_tokens: count,
    cache_read_input_tokens: count,
    output_tokens: count,
    cache_creation: maybe(
      fc.record(
        { ephemeral_5m_input_tokens: fc.option(count, { nil: null }), ephemeral_1h_input_tokens: count },
        { requiredKeys: [] },
      ),
    ),
    output_tokens_details: maybe(fc.record({ thinking_tokens: count }, { requiredKeys: [] })),
    server_tool_use: maybe(fc.record({ web_search_requests: fc.nat(20) })),
    service_tier: maybe(fc.constantFrom('standard', 'priority', 'batch')),
    speed: maybe(fc.constantFrom('fast', 'standard')),
    inference_geo: maybe(fc.constantFrom('global', 'us')),
    iterations: maybe(
      fc.array(
        fc.record({
          type: fc.constantFrom('message', 'compaction'),
          input_tokens: count,
          output_tokens: count,
        }),
        { minLength: 1, maxLength: 3 },
      ),
    ),
  },
  { requiredKeys: ['input_tokens', 'output_tokens'] },
);

const recordArb = fc.record({
  kind: fc.constantFrom('claude_code', 'claude_code', 'claude_code', 'message'),
  line: fc.option(fc.nat(10_000), { nil: null }),
  event: fc.option(fc.nat(100), { nil: null }),
  label: fc.option(fc.constantFrom('session-a', 'session-b'), { nil: null }),
  id: fc.option(fc.string({ maxLength: 6 }), { nil: null }),
  requestId: fc.option(fc.string({ maxLength: 6 }), { nil: null }),
  model: fc.option(fc.constantFrom('claude-sonnet-4-6', 'claude-opus-4-5', 'claude-haiku-9'), { nil: null }),
  status: fc.constantFrom('ok', 'ok', 'incomplete'),
  timestamp: fc.option(fc.constantFrom('2026-11-01T10:00:00.000Z', '2025-01-01T00:00:00Z'), { nil: null }),
  usage: fc.option(usageArb, { nil: null }),
});

type GeneratedRecord = typeof recordArb extends fc.Arbitrary<infer T> ? T : never;

function analyzed(r: GeneratedRecord, index: number): RequestResult | null {
  const record: DecodedRecord = {
    kind: r.kind as DecodedRecord['kind'],
    source: { file: 'held.jsonl', line: r.line, event: r.event },
    label: r.label,
    id: r.id,
    request_id: r.requestId,
    model: r.model,
    status: r.status as DecodedRecord['status'],
    error: null,
    usage: r.usage,
    timestamp: r.timestamp,
  };
  return analyzeRecord(record, index).result;
}

describe('HeldResults', () => {
  it('gives back each result as it was put, packed or not', () => {
    let packed = 0;
    let kept = 0;
    fc.assert(
      fc.property(fc.array(recordArb, { minLength: 1, maxLength: 20 }), (records) => {
        const results = records.flatMap((r, i) => analyzed(r, i) ?? []);
        const held = new HeldResults(results.length + 1);
        // Each slot is written twice, so that a packed result also replaces a kept one and the reverse.
        for (let i = 0; i < results.length; i++)
          held.put(i, results[(i + 1) % results.length] as RequestResult);
        for (let i = 0; i < results.length; i++) held.put(i, results[i] as RequestResult);
        results.forEach((r, i) => {
          if (packable(r)) packed++;
          else kept++;
          const b = r.billed_usage;
          expect(held.billed(i)).toEqual(
            b ? { output: b.output_tokens, totalInput: b.total_input_tokens } : null,
          );
          const back = held.take(i);
          expect(back).toStrictEqual(r);
          expect(JSON.stringify(back)).toBe(JSON.stringify(r));
          // Shared parts stay shared: the billed usage is the usage itself when there are no iterations.
          expect(back.billed_usage === back.usage).toBe(r.billed_usage === r.usage);
          expect(back.usage?.server_tool_use === r.usage?.server_tool_use || back.usage === r.usage).toBe(
            true,
          );
        });
      }),
      { numRuns: 300 },
    );
    // The generator makes both kinds: the packed path was exercised.
    expect(packed).toBeGreaterThan(50);
    expect(kept).toBeGreaterThan(50);
  });
});

/** The window as its contract reads, with plain arrays and the joined string as the key. */
function referenceDedupe(results: RequestResult[], size: number) {
  const out: RequestResult[] = [];
  const held: { r: RequestResult; key: string | null }[] = [];
  const released = new Set<string>();
  let late = 0;
  const release = () => {
    const h = held.shift() as { r: RequestResult; key: string | null };
    if (h.key !== null) released.add(h.key);
    out.push(h.r);
  };
  for (const r of results) {
    const keyed = r.kind === 'claude_code' && (!!r.id || !!r.request_id);
    if (!keyed) {
      if (held.length === 0) out.push(r);
      else {
        held.push({ r, key: null });
        if (held.length > size) release();
      }
      continue;
    }
    const key = `${r.id ?? ''}\u0000${r.request_id ?? ''}`;
    const same = held.find((h) => h.key === key);
    if (same) {
      const a = r.billed_usage;
      const b = same.r.billed_usage;
      const better =
        !a || !b
          ? a !== null && b === null
          : a.output_tokens !== b.output_tokens
            ? a.output_tokens > b.output_tokens
            : a.total_input_tokens > b.total_input_tokens;
      if (better) same.r = r;
      continue;
    }
    if (released.has(key)) {
      late++;
      continue;
    }
    held.push({ r, key });
    if (held.length > size) release();
  }
  while (held.length > 0) release();
  return { out, late };
}

describe('DedupeWindow', () => {
  it('releases what the plain version of its contract releases, in the same order', () => {
    const idArb = fc.constantFrom('', 'a', 'b', 'a\u0000b', 'c');
    fc.assert(
      fc.property(
        fc.array(
          fc
            .tuple(recordArb, idArb, fc.constantFrom(null, '', 'x', 'b\u0000', 'y'))
            .map(([r, id, requestId]) => ({
              ...r,
              id,
              requestId,
            })),
          { maxLength: 60 },
        ),
        fc.integer({ min: 1, max: 6 }),
        (records, size) => {
          const results = records.flatMap((r, i) => analyzed(r, i) ?? []);
          const window = new DedupeWindow(size);
          const out: RequestResult[] = [];
          for (const r of results) window.push(r, (x) => out.push(x));
          window.flush((x) => out.push(x));
          const want = referenceDedupe(results, size);
          expect(out).toStrictEqual(want.out);
          const late = window.lateProblem();
          expect(late === null ? 0 : Number(late.message.split(' ')[0])).toBe(want.late);
        },
      ),
      { numRuns: 500 },
    );
  });
});
