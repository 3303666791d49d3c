import { NO_ITERATIONS } from '../core/analyze.js';
import type { CacheStatus, RequestResult, RequestStatus } from '../core/types.js';
import { NO_SERVER_TOOLS, withExtras } from '../extract/usage.js';

/** Numbers kept per packed result (see `put`); NaN stands for null, which no count or rate can be. */
const NUMBERS = 17;
/** Strings (or nulls) kept per packed result by reference: those shared from line to line. */
const STRINGS = 8;
/**
 * The strings each response has its own copy of (`id`, `request_id`, `timestamp`), kept as bytes: see the
 * class comment. One that is longer, or has a character above U+00FF, is kept by reference instead.
 */
const TEXTS = 3;
const TEXT_BYTES = 64;
/** `textLength` of a text that is null, or that is kept by reference in `strings` (STRINGS + k). */
const NULL_TEXT = -1;
const BY_REFERENCE = -2;

/**
 * Fixed slots for the requests the deduplication window holds back (pipeline/dedupe.ts).
 *
 * Why not just keep the result objects: a held request lives across a few young-generation collections,
 * so V8 copies its dozen small objects, then moves them to the old generation, where they die. On 200 MB of
 * Claude Code transcripts that made the whole run about a third slower than holding each request for a
 * few dozen requests only (bench/, measured by changing the window's size). So the common shape of a
 * result (a Claude Code line's: no iterations, no error, not priced yet; no server tools, or web search
 * and web fetch counts) is kept as numbers in one typed array and as references to its strings, and built
 * again, as the same literal, when it leaves; any other result is kept as it is.
 *
 * The strings that are new on every line (the response's id, its request id and its time) are copied into
 * a byte buffer too, and made again when the result leaves: held by reference, they were what the
 * window kept alive across collections, and on 200 MB of transcripts they drove V8 to grow its young
 * generation to the next size (fresh pages to fault in) and to promote them (bench/). Names, models and
 * tiers are shared from line to line (interned by the scan) and stay references.
 */
export class HeldResults {
  private readonly whole: (RequestResult | null)[];
  private readonly numbers: Float64Array;
  private readonly strings: (string | null)[];
  /** Per slot and text: its length in `bytes`, NULL_TEXT or BY_REFERENCE. */
  private readonly textLength: Int32Array;
  private readonly bytes: Latin1Slicer;

  constructor(readonly capacity: number) {
    this.whole = new Array<RequestResult | null>(capacity).fill(null);
    this.numbers = new Float64Array(capacity * NUMBERS);
    this.strings = new Array<string | null>(capacity * (STRINGS + TEXTS)).fill(null);
    this.textLength = new Int32Array(capacity * TEXTS);
    this.bytes = Buffer.alloc(capacity * TEXTS * TEXT_BYTES) as Latin1Slicer;
  }

  /** Puts `r` in `slot`, replacing what was there. */
  put(slot: number, r: RequestResult): void {
    const tools = packedShape(r);
    // The key's parts are kept as texts for every result, packed or whole: sameKey reads only them.
    this.putText(slot, ID, r.id);
    this.putText(slot, REQUEST_ID, r.request_id);
    if (tools < 0) {
      this.whole[slot] = r;
      // A packed result replaced by a whole one must not keep its other strings alive.
      this.strings.fill(null, slot * (STRINGS + TEXTS), slot * (STRINGS + TEXTS) + STRINGS);
      this.putText(slot, TIMESTAMP, null);
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
    n[i + 14] = tools;
    n[i + 15] = tools === 0 ? 0 : orNaN(u.server_tool_use.web_search_requests ?? null);
    n[i + 16] = tools === 0 ? 0 : orNaN(u.server_tool_use.web_fetch_requests ?? null);
    const s = this.strings;
    const j = slot * (STRINGS + TEXTS);
    s[j] = r.source.file;
    s[j + 1] = r.label;
    s[j + 2] = r.model;
    s[j + 3] = r.status;
    s[j + 4] = u.service_tier;
    s[j + 5] = u.speed;
    s[j + 6] = u.inference_geo;
    s[j + 7] = cache.status;
    this.putText(slot, TIMESTAMP, r.timestamp);
  }

  /**
   * Whether the result in `slot` is the response known by `id` and `requestId` (absent ones read as ''):
   * the same as comparing `id` + U+0000 + `requestId` joined, which is the deduplication key.
   */
  sameKey(slot: number, id: string, requestId: string): boolean {
    if (this.textEquals(slot, ID, id) && this.textEquals(slot, REQUEST_ID, requestId)) return true;
    // Parts that differ can still join to the same key only when an id holds a U+0000.
    if (!id.includes('\u0000') && !this.textHasNul(slot, ID)) return false;
    return sameJoined(this.peekText(slot, ID) ?? '', this.peekText(slot, REQUEST_ID) ?? '', id, requestId);
  }

  /** Where text k of `slot` is kept by reference, when it is. */
  private textRef(slot: number, k: number): number {
    return slot * (STRINGS + TEXTS) + STRINGS + k;
  }

  private putText(slot: number, k: number, text: string | null): void {
    const at = slot * TEXTS + k;
    const ref = this.textRef(slot, k);
    if (text === null) {
      this.textLength[at] = NULL_TEXT;
      this.strings[ref] = null;
      return;
    }
    if (text.length <= TEXT_BYTES) {
      const bytes = this.bytes;
      const start = at * TEXT_BYTES;
      let i = 0;
      for (; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c > 0xff) break;
        bytes[start + i] = c;
      }
      if (i === text.length) {
        this.textLength[at] = i;
        this.strings[ref] = null;
        return;
      }
    }
    this.textLength[at] = BY_REFERENCE;
    this.strings[ref] = text;
  }

  /** Text k of `slot` as it was put (a new string when it was kept as bytes). */
  private peekText(slot: number, k: number): string | null {
    const at = slot * TEXTS + k;
    const length = this.textLength[at] as number;
    if (length === NULL_TEXT) return null;
    if (length === BY_REFERENCE) return this.strings[this.textRef(slot, k)] as string;
    const start = at * TEXT_BYTES;
    return this.bytes.latin1Slice(start, start + length);
  }

  /** Whether text k of `slot`, null read as '', is `text`; without making a string of it. */
  private textEquals(slot: number, k: number, text: string): boolean {
    const at = slot * TEXTS + k;
    const length = this.textLength[at] as number;
    if (length === NULL_TEXT) return text === '';
    if (length === BY_REFERENCE) return this.strings[this.textRef(slot, k)] === text;
    if (length !== text.length) return false;
    const bytes = this.bytes;
    const start = at * TEXT_BYTES;
    // From the end: ids of one session differ in their last characters.
    for (let i = length - 1; i >= 0; i--) if (bytes[start + i] !== text.charCodeAt(i)) return false;
    return true;
  }

  /** Whether text k of `slot` holds a U+0000; without making a string of it. */
  private textHasNul(slot: number, k: number): boolean {
    const at = slot * TEXTS + k;
    const length = this.textLength[at] as number;
    if (length === NULL_TEXT) return false;
    if (length === BY_REFERENCE) return (this.strings[this.textRef(slot, k)] as string).includes('\u0000');
    const start = at * TEXT_BYTES;
    for (let i = start; i < start + length; i++) if (this.bytes[i] === 0) return true;
    return false;
  }

  /**
   * Whether `candidate` is more complete than the result in `slot`, for choosing between two lines of one
   * response (pipeline/dedupe.ts): larger billed output, then larger billed input; a result with billed
   * usage beats one without.
   */
  outdoneBy(slot: number, candidate: RequestResult): boolean {
    const a = candidate.billed_usage;
    let output: number;
    let totalInput: number;
    const kept = this.whole[slot];
    if (kept !== null && kept !== undefined) {
      const b = kept.billed_usage;
      if (!b) return a !== null;
      output = b.output_tokens;
      totalInput = b.total_input_tokens;
    } else {
      const i = slot * NUMBERS;
      output = this.numbers[i + 9] as number;
      totalInput = this.numbers[i + 11] as number;
    }
    if (!a) return false;
    if (a.output_tokens !== output) return a.output_tokens > output;
    return a.total_input_tokens > totalInput;
  }

  /** Takes the result out of `slot`, leaving the slot empty. */
  take(slot: number): RequestResult {
    const kept = this.whole[slot];
    if (kept !== null && kept !== undefined) {
      this.whole[slot] = null;
      // Let the key's texts go with the result.
      this.putText(slot, ID, null);
      this.putText(slot, REQUEST_ID, null);
      return kept;
    }
    const n = this.numbers;
    const i = slot * NUMBERS;
    const s = this.strings;
    const j = slot * (STRINGS + TEXTS);
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
      serverTools(n[i + 14] as number, n[i + 15] as number, n[i + 16] as number),
      s[j + 4] as string | null,
      s[j + 5] as string | null,
      s[j + 6] as string | null,
    );
    // The same literal, in the same order, as analyzeRecord's (core/analyze.ts).
    const result: RequestResult = {
      index: n[i] as number,
      kind: 'claude_code',
      source: { file: s[j] as string, line: orNull(n[i + 1] as number), event: orNull(n[i + 2] as number) },
      label: s[j + 1] as string | null,
      id: this.peekText(slot, ID),
      request_id: this.peekText(slot, REQUEST_ID),
      model: s[j + 2] as string | null,
      status: s[j + 3] as RequestStatus,
      error: null,
      timestamp: this.peekText(slot, TIMESTAMP),
      batch: false,
      usage,
      billed_usage: usage,
      iterations: NO_ITERATIONS,
      cache: {
        status: s[j + 7] as CacheStatus,
        hit_rate: orNull(n[i + 12] as number),
        minimum_cacheable_tokens: orNull(n[i + 13] as number),
      },
      cost: null,
      top_level_cost: null,
    };
    // Let the strings go with the result.
    s.fill(null, j, j + STRINGS + TEXTS);
    return result;
  }
}

/** Whether `put` can keep `r` as numbers and strings, and `take` build it again exactly. */
export function packable(r: RequestResult): boolean {
  return packedShape(r) >= 0;
}

/** The shape of `r`'s server tool counts (see serverToolsShape) when `r` can be packed, else -1. */
function packedShape(r: RequestResult): number {
  const u = r.usage;
  const plain =
    r.kind === 'claude_code' &&
    u !== null &&
    r.billed_usage === u &&
    r.iterations === NO_ITERATIONS &&
    r.cache !== null &&
    r.error === null &&
    r.batch === false &&
    r.cost === null &&
    r.top_level_cost === null &&
    !('request' in r);
  return plain ? serverToolsShape((u as NonNullable<RequestResult['usage']>).server_tool_use) : -1;
}

/** Buffer's own latin1 decoder, without the argument checks of `toString`. */
type Latin1Slicer = Buffer & { latin1Slice(start: number, end: number): string };

const ID = 0;
const REQUEST_ID = 1;
const TIMESTAMP = 2;

function sameJoined(idA: string, requestIdA: string, idB: string, requestIdB: string): boolean {
  return `${idA}\u0000${requestIdA}` === `${idB}\u0000${requestIdB}`;
}

/**
 * How `take` builds a result's server tool counts again, or -1 when it cannot: none (the shared empty
 * object, 0), an empty object of its own (1), or the web search and web fetch counts, one or both, in the
 * order the line had them (2 to 5). Other kinds of server tools keep the result whole.
 */
function serverToolsShape(tools: Record<string, number>): number {
  if (tools === NO_SERVER_TOOLS) return 0;
  const keys = Object.keys(tools);
  if (keys.length === 0) return 1;
  if (keys.length === 1) {
    if (keys[0] === 'web_search_requests') return 2;
    return keys[0] === 'web_fetch_requests' ? 3 : -1;
  }
  if (keys.length !== 2) return -1;
  if (keys[0] === 'web_search_requests' && keys[1] === 'web_fetch_requests') return 4;
  return keys[0] === 'web_fetch_requests' && keys[1] === 'web_search_requests' ? 5 : -1;
}

function serverTools(shape: number, search: number, fetch: number): Record<string, number> {
  switch (shape) {
    case 0:
      return NO_SERVER_TOOLS;
    case 1:
      return {};
    case 2:
      return { web_search_requests: search };
    case 3:
      return { web_fetch_requests: fetch };
    case 4:
      return { web_search_requests: search, web_fetch_requests: fetch };
    default:
      return { web_fetch_requests: fetch, web_search_requests: search };
  }
}

function orNaN(x: number | null): number {
  return x === null ? Number.NaN : x;
}

function orNull(x: number): number | null {
  return Number.isNaN(x) ? null : x;
}
