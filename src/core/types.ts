// Plain data shared by every stage of the pipeline: decode → extract → cache verdict → report.
// Field names follow the Messages API's `usage` object (snake_case) so that JSON output needs no mapping.

/** Where a request came from, for labels and one-line problem messages. */
export interface SourceRef {
  file: string;
  /** 1-based line where the record starts (null for whole-document JSON). */
  line: number | null;
  /** 1-based SSE / stream event number within the file, when the record came from a stream. */
  event: number | null;
}

export type RequestStatus = 'ok' | 'incomplete' | 'error';

export interface ApiErrorInfo {
  type: string;
  message: string;
}

export type RecordKind = 'message' | 'usage' | 'stream' | 'batch' | 'claude_code' | 'recording';

/**
 * One response as decoded from its input, before its usage is checked.
 * `usage` is still untrusted: extract/usage.ts validates it.
 */
export interface DecodedRecord {
  kind: RecordKind;
  source: SourceRef;
  /** A user-facing label: batch custom_id, Claude Code session, … */
  label: string | null;
  id: string | null;
  request_id: string | null;
  model: string | null;
  status: RequestStatus;
  error: ApiErrorInfo | null;
  usage: unknown;
  /** ISO time the response was produced or recorded, when the input says. */
  timestamp: string | null;
  /** Request body, when the input carries it (recordings). Used by cache-break diagnosis. */
  request?: unknown;
  /** Batch results are billed at the batch rate even when `service_tier` is missing. */
  batch?: boolean;
}

/** The TTL split of cache writes. A null member means the input does not say. */
export interface CacheCreationSplit {
  ephemeral_5m_input_tokens: number | null;
  ephemeral_1h_input_tokens: number | null;
}

/** Token counts: the part of `usage` that can be summed. */
export interface TokenCounts {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation: CacheCreationSplit;
  /** Cache-write tokens whose TTL the input does not give (priced at the 5m rate, with a warning). */
  cache_creation_unknown_ttl_tokens: number;
  output_tokens: number;
  /** `output_tokens_details.thinking_tokens`; null when the response does not report it. */
  thinking_tokens: number | null;
  /** `input_tokens + cache_creation_input_tokens + cache_read_input_tokens`. */
  total_input_tokens: number;
}

export interface Usage extends TokenCounts {
  /** `server_tool_use` counters, unknown keys kept. */
  server_tool_use: Record<string, number>;
  service_tier: string | null;
  speed: string | null;
  inference_geo: string | null;
}

export type IterationType = 'message' | 'compaction' | 'advisor_message' | 'fallback_message' | (string & {});

export interface Iteration extends TokenCounts {
  /** 1-based position in `usage.iterations`. */
  index: number;
  type: IterationType;
  /** The iteration's own model, falling back to the request's model. */
  model: string | null;
  /** Whether the top-level usage fields include this iteration. */
  in_top_level: boolean;
  /** Whether this iteration is billed (declined fallback hops are reported but not charged). */
  billed: boolean;
  cache: CacheVerdict;
  /** What this iteration cost at its own model's rates (zero when not billed); null until priced. */
  cost: Cost | null;
}

export type CacheStatus = 'hit' | 'partial' | 'write' | 'miss' | 'below_minimum';

export interface CacheVerdict {
  status: CacheStatus;
  /** cache_read / total_input; null when total input is 0. */
  hit_rate: number | null;
  /** The model's minimum cacheable prompt length; null when the model is unknown. */
  minimum_cacheable_tokens: number | null;
}

/**
 * Exact USD as an integer number of picodollars (1e-12 USD); rates are picodollars per token, which is
 * micro-dollars per million tokens. See src/pricing/money.ts.
 */
export type Money = number;
/** Sums over many requests are bigint picodollars, so they cannot overflow. */
export type MoneySum = number | bigint;

export type CostCategory =
  | 'input'
  | 'cache_write_5m'
  | 'cache_write_1h'
  | 'cache_write_unknown_ttl'
  | 'cache_read'
  | 'output'
  | 'web_search'
  | 'web_fetch';

export type CostBreakdown<M extends MoneySum = Money> = Record<CostCategory, M>;

/** A multiplier applied to a base rate (batch 0.5, US inference 1.1, fast mode 2, …). */
export interface CostFactor {
  name: string;
  multiplier: string;
}

/** One priced line: quantity × base rate × factors = amount. */
export interface CostItem {
  category: CostCategory;
  /** The iteration (1-based) this line comes from, or null for the top level and server tools. */
  iteration: number | null;
  /** The price entry used. */
  model: string | null;
  quantity: number;
  /** Tokens are priced per million; server tools per request. */
  unit: 'tokens' | 'requests';
  /** Per token (picodollars, i.e. micro-dollars per million tokens) or per request (picodollars). */
  base_rate: Money;
  factors: CostFactor[];
  rate: Money;
  amount: Money;
}

export interface CostSummary<M extends MoneySum = Money> {
  /** False when some part has no price (unknown model, no fast-mode price, …): the amounts are then null, never 0. */
  priced: boolean;
  total: M | null;
  /** The same tokens with every input token at the uncached input rate. */
  without_cache: M | null;
  /** without_cache − total; negative when cache writes cost more than reads saved. */
  savings: M | null;
  breakdown: CostBreakdown<M> | null;
  /** Every price used is on the official pricing page (or came from --pricing). */
  confirmed: boolean;
  notes: string[];
}

/** One request's or iteration's cost. */
export interface Cost extends CostSummary<Money> {
  /** The price entries used (model ids). */
  models: string[];
  /** The priced lines, when asked for (--explain); empty otherwise, to keep large runs light. */
  items: CostItem[];
}

/** A sum over many requests (totals, --group-by groups). */
export interface TotalCost extends CostSummary<bigint> {
  requests_priced: number;
  requests_unpriced: number;
  /** Models whose price (or long-context / fast-mode rule) used here is not confirmed. */
  unconfirmed_models: string[];
  /** Models of requests (or iterations) left without a cost. */
  unpriced_models: string[];
}

export type Severity = 'error' | 'warning';

export interface Problem {
  source: SourceRef;
  severity: Severity;
  message: string;
}

/** One analysed request: what every reporter renders. */
export interface RequestResult {
  index: number;
  kind: RecordKind;
  source: SourceRef;
  label: string | null;
  id: string | null;
  request_id: string | null;
  model: string | null;
  status: RequestStatus;
  error: ApiErrorInfo | null;
  timestamp: string | null;
  batch: boolean;
  /** Top-level `usage` as the API reported it; null for results that carry none. */
  usage: Usage | null;
  /** What was consumed: the sum over billed iterations when present, else the top level. */
  billed_usage: Usage | null;
  iterations: Iteration[];
  cache: CacheVerdict | null;
  /**
   * What the request cost: every billed iteration at its own model's rates, plus server tools. Null when
   * the response has no usage, and until the pipeline prices it (priceRequest in src/pricing/request-cost.ts).
   */
  cost: Cost | null;
  /** The top-level `usage` fields priced alone at the request's model; null without iterations (then `cost`). */
  top_level_cost: Cost | null;
  request?: unknown;
}

export interface Totals {
  requests: number;
  requests_with_usage: number;
  usage: Usage;
  billed_usage: Usage;
  hit_rate: number | null;
  cost: TotalCost;
}

/** Totals of one group (`--group-by`): the key and the same sums as the report totals. */
export interface GroupTotals extends Totals {
  key: string;
}

/** Why a request read less from the cache than the one before it had cached (docs/ci.md). */
export type BreakCause =
  | 'tools_changed'
  | 'system_changed'
  | 'messages_changed'
  | 'model_changed'
  | 'ttl_expired_5m'
  | 'ttl_expired_1h'
  | 'below_minimum'
  | 'likely_server_side'
  | 'unknown';

/** A request that read fewer tokens from the cache than the previous request had cached. */
export interface CacheBreak {
  /** `index` of the request that broke the cache, and of the request it is compared with. */
  index: number;
  previous_index: number;
  source: SourceRef;
  model: string | null;
  previous_model: string | null;
  /** The most likely cause first; every cause the evidence supports follows. */
  cause: BreakCause;
  causes: BreakCause[];
  /** One line naming what changed, e.g. `system[1].text changed`. */
  detail: string;
  /** What the previous request had cached: its cache reads + cache writes. */
  previous_cached_tokens: number;
  read_tokens: number;
  /** previous_cached_tokens − read_tokens. */
  lost_tokens: number;
  /** Tokens written to the cache again: the lost tokens, at most this request's own cache writes. */
  rewritten_tokens: number;
  /** Seconds between the two requests' timestamps; null when either has none. */
  gap_seconds: number | null;
  /** TTL of the cache entry the previous request left (`mixed` = both); null when unknown. */
  ttl: '5m' | '1h' | 'mixed' | null;
  /** What writing the lost tokens again cost, when the request's cost is known. */
  rewrite_cost_usd: number | null;
}

/** The result of one CI assertion (`--min-hit-rate`, `--max-cost`, …). */
export interface CheckResult {
  /** The flag without its dashes: `min-hit-rate`, `max-total-cost`, `no-cache-breaks`, … */
  name: string;
  passed: boolean;
  /** The measured value; null when there was nothing to measure. */
  actual: number | null;
  /** The limit given on the command line. */
  expected: number;
  message: string;
}

export interface Report {
  requests: RequestResult[];
  totals: Totals;
  problems: Problem[];
  /** Requests counted in the totals but not listed (`--top`, or streamed output). */
  omitted_requests?: number;
  group_by?: string;
  groups?: GroupTotals[];
  /** Cache breaks across the sequence, when diagnosed (src/diagnose). */
  breaks?: CacheBreak[];
  /** Assertion results, when any were asked for (src/checks). */
  checks?: CheckResult[];
}
