import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeRecord } from '../src/core/analyze.js';
import type { DecodedRecord, RequestResult } from '../src/core/types.js';
import { NO_SERVER_TOOLS } from '../src/extract/usage.js';
import { DedupeWindow } from '../src/pipeline/dedupe.js';
import { HeldResults, packable } from '../src/pipeline/held-results.js';
import { hashPair } from '../src/pipeline/seen-keys.js';

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
    // The two kinds packed as numbers, in either order or alone, an empty object, and a kind that is not.
    server_tool_use: maybe(
      fc.oneof(
        fc.record({ web_search_requests: fc.nat(20), web_fetch_requests: fc.nat(20) }, { requiredKeys: [] }),
        fc.record({ web_fetch_requests: fc.nat(20), web_search_requests: fc.nat(20) }),
        fc.record({ web_search_requests: fc.nat(20), code_execution_requests: fc.nat(20) }),
      ),
    ),
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
  // Ids are kept as bytes when short and Latin-1, and by reference otherwise (longer than 64, or wider).
  id: fc.option(
    fc.oneof(
      fc.string({ maxLength: 6 }),
      fc.string({ unit: 'binary', maxLength: 6 }),
      fc.string({ minLength: 60, maxLength: 70 }),
    ),
    { nil: null },
  ),
  requestId: fc.option(
    fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('req_ü', 'req_ā', 'req_✓', '')),
    {
      nil: null,
    },
  ),
  model: fc.option(fc.constantFrom('claude-sonnet-4-6', 'claude-opus-4-5', 'claude-haiku-9'), { nil: null }),
  status: fc.constantFrom('ok', 'ok', 'incomplete'),
  timestamp: fc.option(fc.constantFrom('2026-11-01T10:00:00.000Z', '2025-01-01T00:00:00Z', ''), {
    nil: null,
  }),
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

/** The dedupe rule: larger billed output, then larger billed input; billed usage beats none. */
function moreComplete(candidate: RequestResult, held: RequestResult): boolean {
  const a = candidate.billed_usage;
  const b = held.billed_usage;
  if (!a || !b) return a !== null && b === null;
  if (a.output_tokens !== b.output_tokens) return a.output_tokens > b.output_tokens;
  return a.total_input_tokens > b.total_input_tokens;
}

/** A line of one response: only its key, its kind and its output tokens matter to the window. */
function responseLine(
  id: string | null,
  requestId: string | null,
  output: number,
  kind: 'claude_code' | 'message' = 'claude_code',
  line = output,
): RequestResult {
  const usage = { input_tokens: 1, output_tokens: output };
  const record = { kind, line, event: null, label: null, id, requestId, model: null, timestamp: null, usage };
  return analyzed({ ...record, status: 'ok' }, 0) as RequestResult;
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
          // Every other result is weighed against the held one as the plain rule would.
          for (const other of results) expect(held.outdoneBy(i, other)).toBe(moreComplete(other, r));
          const back = held.take(i);
          expect(back).toStrictEqual(r);
          expect(JSON.stringify(back)).toBe(JSON.stringify(r));
          // Shared parts stay shared: the billed usage is the usage itself when there are no iterations, and
          // a response without server tools has the one shared empty object.
          expect(back.billed_usage === back.usage).toBe(r.billed_usage === r.usage);
          expect(back.usage?.server_tool_use === NO_SERVER_TOOLS).toBe(
            r.usage?.server_tool_use === NO_SERVER_TOOLS,
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
      if (moreComplete(r, same.r)) same.r = r;
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

/** Passes `results` through a window of `size`: what it releases, and its late-line warning count. */
function throughWindow(results: RequestResult[], size: number) {
  const window = new DedupeWindow(size);
  const out: RequestResult[] = [];
  for (const r of results) window.push(r, (x) => out.push(x));
  window.flush((x) => out.push(x));
  const late = window.lateProblem();
  return { out, late: late === null ? 0 : Number(late.message.split(' ')[0]) };
}

function expectAsReference(results: RequestResult[], size: number): void {
  expect(throughWindow(results, size)).toStrictEqual(referenceDedupe(results, size));
}

describe('DedupeWindow', () => {
  it('releases what the plain version of its contract releases, in the same order', () => {
    // Kept as bytes or by reference alike (see HeldResults), and a U+0000 that makes two pairs one key.
    const idArb = fc.constantFrom('', 'a', 'b', 'a\u0000b', 'c', 'ü', 'ā', 'x'.repeat(65), 'x'.repeat(64));
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
          expectAsReference(
            records.flatMap((r, i) => analyzed(r, i) ?? []),
            size,
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it('finds held responses among many, in small and full-size windows, as the plain version does', () => {
    // Dozens of responses a few lines apart, so that lookups pass over other keys in the index (in a window
    // of 1 to 3 the index has 8 places, and wraps around), and requests leave it while others stay.
    const stepArb = fc.record({
      back: fc.nat(6),
      requestId: fc.constantFrom(null, 'r1', 'r2'),
      output: fc.nat(5),
      kind: fc.constantFrom('claude_code', 'claude_code', 'claude_code', 'message'),
    });
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 300 }), fc.constantFrom(1, 2, 3, 8, 512), (steps, size) => {
        let next = 0;
        const results = steps.map((s, i) => {
          // Mostly a new response; otherwise one of the last few again.
          const n = s.back === 0 ? next++ : Math.max(0, next - s.back);
          return responseLine(`msg_${n}`, s.requestId, s.output, s.kind as 'claude_code' | 'message', i);
        });
        expectAsReference(results, size);
      }),
      { numRuns: 300 },
    );
  });

  it('finds a response whose place in the index wrapped around, after the one before it leaves', () => {
    // A window of 3 has an index of 16 places. A sits at its home, 14; C at its home, 15; B, whose home is
    // 15 too, wraps around to 0. When A leaves, C and B must stay where they are: a lookup of B starts at 15.
    const withHome = (home: number, after = 0) => {
      for (let n = after; ; n++) if ((hashPair(`msg_${n}`, 'r')[0] & 15) === home) return n;
    };
    const a = withHome(14);
    const c = withHome(15);
    const b = withHome(15, c + 1);
    const e = withHome(3);
    const line = (n: number, output: number) => responseLine(`msg_${n}`, 'r', output);
    // E is held last, so that B is found through the index, not as the newest.
    expect(throughWindow([line(a, 1), line(c, 1), line(b, 1), line(e, 1), line(b, 9)], 3)).toStrictEqual({
      out: [line(a, 1), line(c, 1), line(b, 9), line(e, 1)],
      late: 0,
    });
  });

  it('counts a line of the response it released a moment ago as late, whatever filled the slot since', () => {
    const line = responseLine;
    // Released by a request without a key: a Message, or a transcript line with neither id.
    for (const between of [line('a', 'r', 5, 'message'), line(null, null, 5), line('', '', 5)]) {
      for (const size of [1, 2]) {
        const window = new DedupeWindow(size);
        const out: RequestResult[] = [];
        const first = line('a', 'r', 1);
        window.push(first, (x) => out.push(x));
        for (let i = 0; i < size; i++) window.push(between, (x) => out.push(x));
        expect(out).toStrictEqual([first]);
        window.push(line('a', 'r', 9), (x) => out.push(x));
        window.flush((x) => out.push(x));
        expect(out).toStrictEqual([first, ...Array(size).fill(between)]);
        expect(window.lateProblem()?.message).toMatch(/^1 Claude Code line/);
      }
    }
  });

  it('merges two lines whose parts differ but join to one key, in either order', () => {
    const line = responseLine;
    // 'a\u0000b' + U+0000 + '' and 'a' + U+0000 + 'b\u0000' are both 'a\u0000b\u0000'.
    const pairs: [RequestResult, RequestResult][] = [
      [line('a\u0000b', null, 1), line('a', 'b\u0000', 9)],
      [line('a', 'b\u0000', 1), line('a\u0000b', null, 9)],
    ];
    for (const [first, second] of pairs)
      expect(throughWindow([first, second], 4)).toStrictEqual({ out: [second], late: 0 });
  });
});
