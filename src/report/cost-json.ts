import type { Cost, CostBreakdown, CostItem, CostSummary, MoneySum, TotalCost } from '../core/types.js';
import { perMTokNumber, usdNumber } from '../pricing/money.js';

function money(m: MoneySum | null): number | null {
  return m === null ? null : usdNumber(m);
}

function breakdownJson(b: CostBreakdown<MoneySum>) {
  return {
    input_usd: usdNumber(b.input),
    cache_write_5m_usd: usdNumber(b.cache_write_5m),
    cache_write_1h_usd: usdNumber(b.cache_write_1h),
    cache_write_unknown_ttl_usd: usdNumber(b.cache_write_unknown_ttl),
    cache_read_usd: usdNumber(b.cache_read),
    output_usd: usdNumber(b.output),
    web_search_usd: usdNumber(b.web_search),
    web_fetch_usd: usdNumber(b.web_fetch),
  };
}

/** Token rates are given per million tokens, server-tool rates per request. */
function itemJson(i: CostItem) {
  const rate = i.unit === 'tokens' ? perMTokNumber : usdNumber;
  return {
    category: i.category,
    iteration: i.iteration,
    model: i.model,
    quantity: i.quantity,
    unit: i.unit,
    rate_per: i.unit === 'tokens' ? 'million_tokens' : 'request',
    base_rate_usd: rate(i.base_rate),
    factors: i.factors.map((f) => ({ ...f })),
    rate_usd: rate(i.rate),
    amount_usd: usdNumber(i.amount),
  };
}

/** Amounts are exact internally; JSON carries the nearest double, never a float sum. */
function summaryJson(c: CostSummary<MoneySum>) {
  return {
    total_usd: money(c.total),
    without_cache_usd: money(c.without_cache),
    savings_usd: money(c.savings),
    breakdown: c.breakdown ? breakdownJson(c.breakdown) : null,
    priced: c.priced,
    confirmed: c.confirmed,
    notes: [...c.notes],
  };
}

export function costJson(c: Cost, withItems = false) {
  const base = summaryJson(c);
  return withItems ? { ...base, items: c.items.map(itemJson) } : base;
}

export function totalCostJson(c: TotalCost) {
  return {
    ...summaryJson(c),
    requests_priced: c.requests_priced,
    requests_unpriced: c.requests_unpriced,
    unconfirmed_models: [...c.unconfirmed_models],
    unpriced_models: [...c.unpriced_models],
  };
}
