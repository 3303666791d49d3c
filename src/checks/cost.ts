import type { MoneySum, RequestResult, Totals } from '../core/types.js';

/**
 * Cost of a request or of the totals in picodollars (exact; src/pricing/money.ts); null when some part
 * has no price (an unpriced model), never 0.
 */
export function costOf(item: RequestResult | Totals): MoneySum | null {
  const cost = item.cost;
  return cost?.priced && cost.total !== null ? cost.total : null;
}
