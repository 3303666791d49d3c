import { UsageFieldError } from '../extract/counts.js';
import { billedUsage, readIterations, topLevelMismatch } from '../extract/iterations.js';
import { readUsage } from '../extract/usage.js';
import { minimumCacheableTokens } from '../models/resolve-model.js';
import { cacheVerdict } from './cache-verdict.js';
import type { CacheVerdict, DecodedRecord, Iteration, Problem, RequestResult, Usage } from './types.js';

export interface AnalyzeOutcome {
  result: RequestResult | null;
  problems: readonly Problem[];
}

/** Most records raise no problem and have no iterations: shared empty lists rather than new ones each. */
const NO_PROBLEMS: readonly Problem[] = Object.freeze([]);
export const NO_ITERATIONS = Object.freeze([]) as unknown as Iteration[];

/**
 * Turns one decoded record into an analysed request. A record whose usage fails validation is
 * dropped with an error problem: its numbers cannot be trusted, and the rest of the input goes on.
 */
export function analyzeRecord(record: DecodedRecord, index: number): AnalyzeOutcome {
  if (record.usage === null || record.usage === undefined) {
    return { result: makeResult(record, index, null, null, [], null), problems: NO_PROBLEMS };
  }
  let problems = NO_PROBLEMS;
  try {
    const usage = readUsage(record.usage);
    const rawIterations = readIterations((record.usage as Record<string, unknown>).iterations, record.model);
    const billed = billedUsage(usage, rawIterations);
    const iterations =
      rawIterations.length === 0
        ? NO_ITERATIONS
        : rawIterations.map((it) => ({
            ...it,
            cache: cacheVerdict(it, minimumCacheableTokens(it.model, record.timestamp)),
            cost: null,
          }));
    const mismatch = topLevelMismatch(usage, rawIterations);
    if (mismatch) {
      problems = [
        {
          source: record.source,
          severity: 'warning',
          message: `top-level usage differs from the iterations it includes: ${mismatch}`,
        },
      ];
    }
    const cache = cacheVerdict(billed, minimumCacheableTokens(record.model, record.timestamp));
    return { result: makeResult(record, index, usage, billed, iterations, cache), problems };
  } catch (err) {
    if (!(err instanceof UsageFieldError)) throw err;
    return { result: null, problems: [{ source: record.source, severity: 'error', message: err.message }] };
  }
}

/** One literal of fixed shape (no spreads): this runs once per request on inputs of any size. */
function makeResult(
  record: DecodedRecord,
  index: number,
  usage: Usage | null,
  billed: Usage | null,
  iterations: Iteration[],
  cache: CacheVerdict | null,
): RequestResult {
  const result: RequestResult = {
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
    usage,
    billed_usage: billed,
    iterations,
    cache,
    // Priced after deduplication, in the pipeline's own thread (priceRequest in src/pricing/request-cost.ts).
    cost: null,
    top_level_cost: null,
  };
  if (record.request !== undefined) result.request = record.request;
  return result;
}

export { computeTotals } from './totals.js';
