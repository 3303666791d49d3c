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
}

export type CacheStatus = 'hit' | 'partial' | 'write' | 'miss' | 'below_minimum';

export interface CacheVerdict {
  status: CacheStatus;
  /** cache_read / total_input; null when total input is 0. */
  hit_rate: number | null;
  /** The model's minimum cacheable prompt length; null when the model is unknown. */
  minimum_cacheable_tokens: number | null;
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
  request?: unknown;
}

export interface Totals {
  requests: number;
  requests_with_usage: number;
  usage: Usage;
  billed_usage: Usage;
  hit_rate: number | null;
}

/** Totals of one group (`--group-by`): the key and the same sums as the report totals. */
export interface GroupTotals extends Totals {
  key: string;
}

export interface Report {
  requests: RequestResult[];
  totals: Totals;
  problems: Problem[];
  /** Requests counted in the totals but not listed (`--top`, or streamed output). */
  omitted_requests?: number;
  group_by?: string;
  groups?: GroupTotals[];
}
