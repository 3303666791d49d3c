import type { RequestResult } from '../core/types.js';
import { usdNumber } from '../pricing/money.js';

/**
 * What writing `tokens` to the cache again cost this request: its own cache-write rate, every factor
 * applied (batch, US inference, fast mode, long context), averaged over its 5m and 1h writes. Null when
 * the request is not priced or wrote nothing.
 */
export function rewriteCostUsd(r: RequestResult, tokens: number): number | null {
  const written = r.billed_usage?.cache_creation_input_tokens ?? 0;
  const b = r.cost?.priced ? r.cost.breakdown : null;
  if (!b || written === 0) return null;
  const amount = BigInt(b.cache_write_5m + b.cache_write_1h + b.cache_write_unknown_ttl);
  // Exact: amount × tokens ÷ written in picodollars, rounded half up.
  const w = BigInt(written);
  return usdNumber((amount * BigInt(tokens) * 2n + w) / (2n * w));
}
