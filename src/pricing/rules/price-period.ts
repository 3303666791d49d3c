import type { ModelPrice, PricePeriod } from '../price-data.js';

/**
 * The base rates in effect on `day` (periods are in date order; each applies from its `since`).
 * A request without a timestamp is priced at the table's `as_of` date; a request dated before a model's
 * first period uses that first period. Prices change over time, e.g. Sonnet 5.5 cache reads from
 * $0.20 to $0.10 on 2026-10-07: https://platform.claude.com/docs/en/about-claude/pricing
 */
export function pricePeriodAt(model: ModelPrice, day: string | null, asOf: string): PricePeriod | null {
  const at = day ?? asOf;
  let chosen: PricePeriod | null = null;
  for (const p of model.periods) {
    if (chosen === null || p.since === null || p.since <= at) chosen = p;
  }
  return chosen;
}
