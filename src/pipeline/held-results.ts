import { NO_ITERATIONS } from '../core/analyze.js';
import type { CacheStatus, RequestResult, RequestStatus } from '../core/types.js';
import { NO_SERVER_TOOLS, withExtras } from '../extract/usage.js';

/** Numbers kept per packed result (see `pack`); NaN stands for null, which no count or rate can be. */
const NUMBERS = 14;
/** Strings (or nulls) kept per packed result. */
const STRINGS = 11;

/**
 * Fixed slots for the requests the deduplication window holds back (pipeline/dedupe.ts).
 *
 * Why not just keep the result objects: a held request lives across a few young-generation collections,
 * so V8 copies its dozen small objects, then moves them to the old generation, where they die. On 200 MB of
 * Claude Code transcripts that made the whole run about a third slower than holding each request for a
 * few dozen requests only (bench/, measured by changing the window's size). So the common shape of a
 * result (a Claude Code line's: no iterations, no server tools, no error, not priced yet) is kept as
 * numbers in one typed array and as references to its strings, and built again, as the same literal, when
 * it leaves; any other result is kept as it is.
 */
export class HeldResults {
  private readonly whole: (RequestResult | null)[];
  private readonly numbers: Float64Array;
  private readonly strings: (string | null)[];

  constructor(readonly capacity: number) {
    this.whole = new Array<RequestResult | null>(capacity).fill(null);
    this.numbers = new Float64Array(capacity * NUMBERS);
    this.strings = new Array<string | null>(capacity * STRINGS).fill(null);
  }

  /** Puts `r` in `slot`, replacing what was there. */
  put(slot: number, r: RequestResult): void {
    if (!packable(r)) {
      this.whole[slot] = r;
      // A packed result replaced by a whole one must not keep its strings alive.
      this.strings.fill(null, slot * STRINGS, (slot + 1) * STRINGS);
      return;
    }
    this.whole[slot] = null;
    const u = r.usage as NonNullable<RequestResult['usage']>;
    const cache = r.cache as NonNullable<RequestResult['cache']>;
    const n = this.numbers;
    const i = slot * NUMBERS;
    n[i] = r.index;
    n[i + 1] = orNaN(r.source.line);
    n[i + 2] = orNaN(r.source.event);
    n[i + 3] = u.input_tokens;
    n[i + 4] = u.cache_creation_input_tokens;
    n[i + 5] = u.cache_read_input_tokens;
    n[i + 6] = orNaN(u.cache_creation.ephemeral_5m_input_tokens);
    n[i + 7] = orNaN(u.cache_creation.ephemeral_1h_input_tokens);
    n[i + 8] = u.cache_creation_unknown_ttl_tokens;
    n[i + 9] = u.output_tokens;
    n[i + 10] = orNaN(u.thinking_tokens);
    n[i + 11] = u.total_input_tokens;
    n[i + 12] = orNaN(cache.hit_rate);
    n[i + 13] = orNaN(cache.minimum_cacheable_tokens);
    const s = this.strings;
    const j = slot * STRINGS;
    s[j] = r.source.file;
    s[j + 1] = r.label;
    s[j + 2] = r.id;
    s[j + 3] = r.request_id;
    s[j + 4] = r.model;
    s[j + 5] = r.status;
    s[j + 6] = r.timestamp;
    s[j + 7] = u.service_tier;
    s[j + 8] = u.speed;
    s[j + 9] = u.inference_geo;
    s[j + 10] = cache.status;
  }

  /**
   * Billed output and total input tokens of the result in `slot`, for choosing the more complete of two
   * lines (pipeline/dedupe.ts); null when it has no billed usage.
   */
  billed(slot: number): { output: number; totalInput: number } | null {
    const r = this.whole[slot];
    if (r !== null && r !== undefined) {
      const b = r.billed_usage;
      return b ? { output: b.output_tokens, totalInput: b.total_input_tokens } : null;
    }
    const i = slot * NUMBERS;
    return { output: this.numbers[i + 9] as number, totalInput: this.numbers[i + 11] as number };
  }

  /** Takes the result out of `slot`, leaving the slot empty. */
  take(slot: number): RequestResult {
    const kept = this.whole[slot];
    if (kept !== null && kept !== undefined) {
      this.whole[slot] = null;
      return kept;
    }
    const n = this.numbers;
    const i = slot * NUMBERS;
    const s = this.strings;
    const j = slot * STRINGS;
    const usage = withExtras(
      {
        input_tokens: n[i + 3] as number,
        cache_creation_input_tokens: n[i + 4] as number,
        cache_read_input_tokens: n[i + 5] as number,
        cache_creation: {
          ephemeral_5m_input_tokens: orNull(n[i + 6] as number),
          ephemeral_1h_input_tokens: orNull(n[i + 7] as number),
        },
        cache_creation_unknown_ttl_tokens: n[i + 8] as number,
        output_tokens: n[i + 9] as number,
        thinking_tokens: orNull(n[i + 10] as number),
        total_input_tokens: n[i + 11] as number,
      },
      NO_SERVER_TOOLS,
      s[j + 7] as string | null,
      s[j + 8] as string | null,
      s[j + 9] as string | null,
    );
    // The same literal, in the same order, as analyzeRecord's (core/analyze.ts).
    const result: RequestResult = {
      index: n[i] as number,
      kind: 'claude_code',
      source: { file: s[j] as string, line: orNull(n[i + 1] as number), event: orNull(n[i + 2] as number) },
      label: s[j + 1] as string | null,
      id: s[j + 2] as string | null,
      request_id: s[j + 3] as string | null,
      model: s[j + 4] as string | null,
      status: s[j + 5] as RequestStatus,
      error: null,
      timestamp: s[j + 6] as string | null,
      batch: false,
      usage,
      billed_usage: usage,
      iterations: NO_ITERATIONS,
      cache: {
        status: s[j + 10] as CacheStatus,
        hit_rate: orNull(n[i + 12] as number),
        minimum_cacheable_tokens: orNull(n[i + 13] as number),
      },
      cost: null,
      top_level_cost: null,
    };
    // Let the strings go with the result.
    s.fill(null, j, j + STRINGS);
    return result;
  }
}

/** Whether `put` can keep `r` as numbers and strings, and `take` build it again exactly. */
export function packable(r: RequestResult): boolean {
  const u = r.usage;
  return (
    r.kind === 'claude_code' &&
    u !== null &&
    r.billed_usage === u &&
    u.server_tool_use === NO_SERVER_TOOLS &&
    r.iterations === NO_ITERATIONS &&
    r.cache !== null &&
    r.error === null &&
    r.batch === false &&
    r.cost === null &&
    r.top_level_cost === null &&
    !('request' in r)
  );
}

function orNaN(x: number | null): number {
  return x === null ? Number.NaN : x;
}

function orNull(x: number): number | null {
  return Number.isNaN(x) ? null : x;
}
