import { UsageFieldError } from '../extract/counts.js';
import { billedUsage, readIterations, topLevelMismatch } from '../extract/iterations.js';
import { addUsage, readUsage, zeroUsage } from '../extract/usage.js';
import { minimumCacheableTokens } from '../models/resolve-model.js';
import { cacheVerdict, hitRate } from './cache-verdict.js';
import type { DecodedRecord, Problem, RequestResult, Totals } from './types.js';

export interface AnalyzeOutcome {
  result: RequestResult | null;
  problems: Problem[];
}

/**
 * Turns one decoded record into an analysed request. A record whose usage fails validation is
 * dropped with an error problem: its numbers cannot be trusted, and the rest of the input goes on.
 */
export function analyzeRecord(record: DecodedRecord, index: number): AnalyzeOutcome {
  const problems: Problem[] = [];
  const base = {
    index,
    kind: record.kind,
    source: record.source,
    label: record.label,
    id: record.id,
    request_id: record.request_id,
    model: record.model,
    status: record.status,
    error: record.error,
    timestamp: record.timestamp,
    batch: record.batch === true,
    ...(record.request !== undefined ? { request: record.request } : {}),
  };
  if (record.usage === null || record.usage === undefined) {
    return { result: { ...base, usage: null, billed_usage: null, iterations: [], cache: null }, problems };
  }
  try {
    const usage = readUsage(record.usage);
    const rawIterations = readIterations((record.usage as Record<string, unknown>).iterations, record.model);
    const billed = billedUsage(usage, rawIterations);
    const iterations = rawIterations.map((it) => ({
      ...it,
      cache: cacheVerdict(it, minimumCacheableTokens(it.model, record.timestamp)),
    }));
    const mismatch = topLevelMismatch(usage, rawIterations);
    if (mismatch) {
      problems.push({
        source: record.source,
        severity: 'warning',
        message: `top-level usage differs from the iterations it includes: ${mismatch}`,
      });
    }
    const cache = cacheVerdict(billed, minimumCacheableTokens(record.model, record.timestamp));
    return { result: { ...base, usage, billed_usage: billed, iterations, cache }, problems };
  } catch (err) {
    if (!(err instanceof UsageFieldError)) throw err;
    problems.push({ source: record.source, severity: 'error', message: err.message });
    return { result: null, problems };
  }
}

export function computeTotals(requests: RequestResult[]): Totals {
  let usage = zeroUsage();
  let billed = zeroUsage();
  let withUsage = 0;
  for (const r of requests) {
    if (!r.usage || !r.billed_usage) continue;
    usage = withUsage === 0 ? r.usage : addUsage(usage, r.usage);
    billed = withUsage === 0 ? r.billed_usage : addUsage(billed, r.billed_usage);
    withUsage++;
  }
  return {
    requests: requests.length,
    requests_with_usage: withUsage,
    usage,
    billed_usage: billed,
    hit_rate: hitRate(billed.cache_read_input_tokens, billed.total_input_tokens),
  };
}
