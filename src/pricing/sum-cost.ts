import type { Cost, CostBreakdown, CostItem } from '../core/types.js';
import { unpricedCost, zeroBreakdown } from './cost.js';
import { safeAmount } from './money.js';

function unique(notes: string[]): string[] {
  return [...new Set(notes)];
}

function addBreakdowns(a: CostBreakdown, b: CostBreakdown): CostBreakdown {
  const out = { ...a };
  for (const key of Object.keys(b) as (keyof CostBreakdown)[]) out[key] += b[key];
  return out;
}

/** Sums costs exactly. Any unpriced part leaves the sum unpriced: a partial total would read as the whole. */
export function sumCosts(costs: Cost[], keepItems = true): Cost {
  // The reasons for a missing price come first: notes[0] of an unpriced cost says why.
  const unpriced = costs.filter((c) => !c.priced);
  const notes = unique([...unpriced.flatMap((c) => c.notes), ...costs.flatMap((c) => c.notes)]);
  if (unpriced.length > 0) return unpricedCost(notes);
  let total = 0;
  let without = 0;
  let breakdown = zeroBreakdown();
  for (const c of costs) {
    total += c.total ?? 0;
    without += c.without_cache ?? 0;
    if (c.breakdown) breakdown = addBreakdowns(breakdown, c.breakdown);
  }
  if (!safeAmount(total) || !safeAmount(without))
    return unpricedCost([...notes, 'the amount is too large to compute exactly']);
  return {
    priced: true,
    total,
    without_cache: without,
    savings: without - total,
    breakdown,
    models: unique(costs.flatMap((c) => c.models)),
    items: keepItems ? costs.flatMap((c) => c.items) : [],
    confirmed: costs.every((c) => c.confirmed),
    notes,
  };
}

/** Adds per-request charges (server tools) that cost the same with or without caching. */
export function addCharges(cost: Cost, items: CostItem[], notes: string[]): Cost {
  if (items.length === 0 && notes.length === 0) return cost;
  const allNotes = unique([...cost.notes, ...notes]);
  if (!cost.priced) return { ...cost, notes: allNotes };
  const extra = items.reduce((s, i) => s + i.amount, 0);
  const breakdown = { ...(cost.breakdown ?? zeroBreakdown()) };
  for (const item of items) breakdown[item.category] += item.amount;
  return {
    ...cost,
    total: (cost.total ?? 0) + extra,
    without_cache: (cost.without_cache ?? 0) + extra,
    breakdown,
    items: [...cost.items, ...items],
    notes: allNotes,
  };
}
