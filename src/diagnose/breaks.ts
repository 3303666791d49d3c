import type { BreakCause, CacheBreak, RequestResult, TokenCounts } from '../core/types.js';
import { canonicalModelId, resolveModel } from '../models/resolve-model.js';
import { comparePrefixes, type PrefixFinding } from './prefix-diff.js';
import { type PromptPrefix, promptPrefix } from './prompt-blocks.js';
import { rewriteCostUsd } from './rewrite-cost.js';
import { expiry, formatGap, gapSeconds, type WrittenTtl, writtenTtl } from './ttl.js';

interface Finding {
  cause: BreakCause;
  detail: string;
}

/** The last request of one model in a sequence, and the TTL of the cache entry its chain left. */
interface ChainState {
  request: RequestResult;
  ttl: WrittenTtl | null;
}

const NO_WRITER: WrittenTtl = {
  ttl: '5m',
  assumption: 'no earlier request in this input wrote the entry; the 5-minute default is assumed',
};

/** Each request's prefix is compared twice (as the later, then as the earlier request): flatten it once. */
const prefixes = new WeakMap<RequestResult, PromptPrefix | null>();

function prefixOf(r: RequestResult): PromptPrefix | null {
  // Most requests carry no body (transcripts, responses): no weak map entry for them, which the garbage
  // collector would have to visit.
  if (r.request === undefined) return null;
  let found = prefixes.get(r);
  if (found === undefined) {
    found = r.request === undefined ? null : promptPrefix(r.request);
    prefixes.set(r, found);
  }
  return found;
}

/** Caches are per model; dated ids, aliases and Bedrock/Vertex forms of one model share a key. */
function modelKey(model: string | null): string {
  if (!model) return '';
  return resolveModel(model)?.id ?? canonicalModelId(model);
}

export interface DiagnoseOptions {
  /**
   * The caller vouches that the requests are one run, in order (calls that `send` or `replay` just
   * made), so every kind but batch results is diagnosed.
   */
  ordered?: boolean;
}

/**
 * Only inputs that are sequences by construction are diagnosed: a recording (one send/replay run, in
 * order) and a Claude Code session. Other inputs (Message JSON/JSONL, SSE captures, batch results) can
 * hold unrelated responses in any order, so their order is no evidence of one conversation.
 */
function sequenceKey(r: RequestResult, ordered: boolean): string | null {
  if (r.kind === 'claude_code') {
    // One session's requests come one after another: the key made last time is most often the one.
    if (r.source.file !== lastFile || r.label !== lastLabel) {
      lastFile = r.source.file;
      lastLabel = r.label;
      lastKey = `${r.source.file}\u0000${r.label ?? ''}`;
    }
    return lastKey;
  }
  if (r.kind === 'recording' || (ordered && r.kind !== 'batch')) return r.source.file;
  return null;
}

let lastFile: string | null = null;
let lastLabel: string | null = null;
let lastKey = '';

/** The request's own-model iterations in order (fallback and advisor hops use another model's cache). */
function ownCounts(r: RequestResult): TokenCounts[] {
  const key = modelKey(r.model);
  const own = r.iterations.filter((it) => modelKey(it.model) === key);
  return own.length > 0 ? own : r.usage ? [r.usage] : [];
}

/** What the request left cached: reads + writes of its last iteration (after compaction, the new context). */
function cachedAtEnd(r: RequestResult): number {
  // Without iterations, the top level (no list made: this runs for every request of a session).
  const last = r.iterations.length === 0 ? r.usage : ownCounts(r).at(-1);
  return last ? last.cache_read_input_tokens + last.cache_creation_input_tokens : 0;
}

/** What the request read when it started: its first iteration's reads. */
function readAtStart(r: RequestResult): number {
  const first = r.iterations.length === 0 ? r.usage : ownCounts(r)[0];
  return first?.cache_read_input_tokens ?? 0;
}

function makeBreak(
  prev: RequestResult,
  r: RequestResult,
  findings: Finding[],
  ttl: WrittenTtl | null,
): CacheBreak {
  const previousCached = cachedAtEnd(prev);
  const read = readAtStart(r);
  const lost = previousCached - read;
  const rewritten = Math.min(lost, r.billed_usage?.cache_creation_input_tokens ?? 0);
  const [primary] = findings as [Finding, ...Finding[]];
  return {
    index: r.index,
    previous_index: prev.index,
    source: r.source,
    model: r.model,
    previous_model: prev.model,
    cause: primary.cause,
    causes: findings.map((f) => f.cause),
    detail: findings.map((f) => f.detail).join('; '),
    previous_cached_tokens: previousCached,
    read_tokens: read,
    lost_tokens: lost,
    rewritten_tokens: rewritten,
    gap_seconds: gapSeconds(prev.timestamp, r.timestamp),
    ttl: ttl && ttl.assumption === null ? ttl.ttl : null,
    rewrite_cost_usd: rewritten > 0 ? rewriteCostUsd(r, rewritten) : 0,
  };
}

/** What a break lost: the tokens the previous request left cached that this one did not read. */
function lostTokens(prev: RequestResult, r: RequestResult): number {
  return cachedAtEnd(prev) - readAtStart(r);
}

/** A break against the previous request of the same model: prefix, expiry, minimum, then what is left. */
function sameModelBreak(state: ChainState, r: RequestResult): CacheBreak {
  const prev = state.request;
  const findings: Finding[] = [];
  let structural: PrefixFinding | null = null;
  const before = prefixOf(prev);
  const after = prefixOf(r);
  const compared = before !== null && after !== null;
  if (before && after) {
    const found = comparePrefixes(before, after);
    if (found?.kind === 'changed') findings.push(found);
    else structural = found;
  }
  const ttl = state.ttl ?? NO_WRITER;
  const gap = gapSeconds(prev.timestamp, r.timestamp);
  const expired = gap === null ? null : expiry(ttl, gap);
  if (expired) findings.push(expired);
  if (r.cache?.status === 'below_minimum') {
    findings.push({
      cause: 'below_minimum',
      detail: `the prompt (${r.billed_usage?.total_input_tokens} tokens) is shorter than the model's minimum cacheable length (${r.cache.minimum_cacheable_tokens})`,
    });
  }
  if (structural) findings.push(structural);
  if (findings.length === 0) findings.push(unexplained(compared, gap, ttl));
  return makeBreak(prev, r, findings, state.ttl);
}

/** No cause found: the gap (if known) was within the TTL, since expiry was checked first. */
function unexplained(compared: boolean, gap: number | null, ttl: WrittenTtl): Finding {
  const within =
    gap === null
      ? ''
      : `${formatGap(gap)} after the previous request, within the ${ttl.ttl === '1h' ? '1-hour' : '5-minute'} TTL`;
  if (compared && gap !== null) {
    return { cause: 'likely_server_side', detail: `same cached prefix, a breakpoint in reach, ${within}` };
  }
  if (compared) return { cause: 'unknown', detail: 'same cached prefix; no timestamps to rule out expiry' };
  if (gap !== null) return { cause: 'unknown', detail: `no request bodies to compare; ${within}` };
  return { cause: 'unknown', detail: 'no request bodies or timestamps to compare' };
}

/**
 * Whether `r`'s body continues `prev`'s prompt prefix: only then is a model switch a break. The first
 * request of a model in one conversation cannot read the cache the previous request left (caches are per
 * model). Without request bodies a switch cannot be told from unrelated calls to another model
 * (sub-agents, classifiers), so none is reported.
 */
function continuesPrefix(prev: RequestResult, r: RequestResult): boolean {
  const before = prefixOf(prev);
  const after = prefixOf(r);
  return before !== null && after !== null && comparePrefixes(before, after)?.kind !== 'changed';
}

function modelChangeBreak(state: ChainState, r: RequestResult): CacheBreak {
  const prev = state.request;
  const detail = `model changed from ${prev.model ?? '?'} to ${r.model ?? '?'}; each model has its own cache`;
  return makeBreak(prev, r, [{ cause: 'model_changed', detail }], state.ttl);
}

/** A break found, not yet described: against the last request of its own model or of another one. */
interface Found {
  against: ChainState;
  sameModel: boolean;
  lost: number;
}

interface Sequence {
  chains: Map<string, ChainState>;
  last: ChainState | null;
}

/**
 * Finds cache breaks in a stream of requests in input order, keeping only the last request of each
 * model chain. Within the requests of one model (in one input file or Claude Code session), a request
 * that reads fewer tokens from the cache than the previous one had cached (its reads + writes) is a
 * break. Inputs are read one file after another, so the sequences of a finished file are dropped and
 * memory stays bounded.
 */
export class BreakDetector {
  private file: string | null = null;
  private readonly sequences = new Map<string, Sequence>();

  constructor(private readonly options: DiagnoseOptions = {}) {}

  /** Feeds the next request; returns the break it shows, if any. */
  add(r: RequestResult): CacheBreak | null {
    const found = this.next(r);
    if (found === null) return null;
    return found.sameModel ? sameModelBreak(found.against, r) : modelChangeBreak(found.against, r);
  }

  /**
   * Feeds the next request as `add` does, for a break that is only counted: the tokens it lost, or null
   * when it shows none. Telling why a cache broke costs far more than seeing that it did.
   */
  addCounted(r: RequestResult): number | null {
    return this.next(r)?.lost ?? null;
  }

  private next(r: RequestResult): Found | null {
    const key = sequenceKey(r, this.options.ordered === true);
    if (key === null || !r.usage || !r.billed_usage) return null;
    if (r.source.file !== this.file) {
      this.sequences.clear();
      this.file = r.source.file;
    }
    let seq = this.sequences.get(key);
    if (!seq) {
      seq = { chains: new Map(), last: null };
      this.sequences.set(key, seq);
    }
    const model = modelKey(r.model);
    const state = seq.chains.get(model);
    const against = state ?? seq.last;
    const lost = against ? lostTokens(against.request, r) : 0;
    let found: Found | null = null;
    if (against && lost > 0 && (state || continuesPrefix(against.request, r))) {
      found = { against, sameModel: state !== undefined, lost };
    }
    const next: ChainState = { request: r, ttl: writtenTtl(r.billed_usage) ?? state?.ttl ?? null };
    seq.chains.set(model, next);
    seq.last = next;
    return found;
  }
}

/** Every cache break in a list of requests (in input order). */
export function diagnoseBreaks(requests: RequestResult[], options: DiagnoseOptions = {}): CacheBreak[] {
  const detector = new BreakDetector(options);
  return requests.flatMap((r) => detector.add(r) ?? []);
}
