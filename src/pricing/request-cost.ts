import type { Cost, Iteration, RequestResult, Usage } from '../core/types.js';
import { type PricingContext, priceTokens, zeroCost } from './cost.js';
import type { PriceTable } from './price-data.js';
import { samePricedModel } from './resolve-price.js';
import { isBatch } from './rules/batch.js';
import { utcDay } from './rules/dates.js';
import { serverToolCharges } from './rules/server-tools.js';
import { addCharges, sumCosts } from './sum-cost.js';

/** The parts of an analysed request that its price depends on. */
export interface PricedRequest {
  model: string | null;
  timestamp: string | null;
  batch: boolean;
  usage: Usage;
  iterations: Omit<Iteration, 'cost' | 'cache'>[];
}

export interface RequestCosts {
  cost: Cost;
  top_level_cost: Cost;
  iterations: Cost[];
}

function contextFor(r: PricedRequest, table: PriceTable, withItems: boolean): PricingContext {
  return {
    table,
    withItems,
    day: utcDay(r.timestamp),
    batch: isBatch(r.usage.service_tier, r.batch),
    speed: r.usage.speed,
    inferenceGeo: r.usage.inference_geo,
    serviceTier: r.usage.service_tier,
  };
}

/** Shared: costs are never changed once made (addCharges and sumCosts build new lists). */
const NO_NOTES: string[] = [];

/**
 * A request's costs. The top level is priced at the request's model. With `usage.iterations` the bill is
 * the sum over every billed iteration, each at its own model's rates and judged on its own for long context:
 * "To calculate total tokens consumed and billed for a request, sum across all entries in usage.iterations"
 * (https://platform.claude.com/docs/en/build-with-claude/compaction#understanding-usage); advisor iterations
 * are billed at the advisor model's rates (https://platform.claude.com/docs/en/agents-and-tools/tool-use/advisor-tool);
 * declined fallback attempts are reported but not charged
 * (https://platform.claude.com/docs/en/build-with-claude/refusals-and-fallback).
 * Server-tool fees come from the top-level `server_tool_use` and are added once to each.
 */
export function requestCosts(r: PricedRequest, table: PriceTable, withItems = false): RequestCosts {
  const ctx = contextFor(r, table, withItems);
  const tools = serverToolCharges(r.usage.server_tool_use, table);
  const toolNotes =
    tools.unpriced.length > 0 ? [`server tools not priced: ${tools.unpriced.join(', ')}`] : NO_NOTES;
  const top = addCharges(
    priceTokens(r.usage, r.model, ctx, { iteration: null, applySpeed: true }),
    tools.items,
    toolNotes,
  );
  if (r.iterations.length === 0) return { cost: top, top_level_cost: top, iterations: [] };
  const iterations = r.iterations.map((it) =>
    it.billed
      ? priceTokens(it, it.model, ctx, {
          iteration: it.index,
          applySpeed: samePricedModel(it.model, r.model, table),
        })
      : zeroCost('declined fallback attempt: reported, not charged'),
  );
  const billed = sumCosts(iterations.filter((_, i) => r.iterations[i]?.billed));
  return { cost: addCharges(billed, tools.items, toolNotes), top_level_cost: top, iterations };
}

/**
 * Prices an analysed request in place (results are fresh objects owned by the pipeline, like their
 * numbering). `top_level_cost` is set only when iterations make the top level differ from the bill.
 */
export function priceRequest(r: RequestResult, table: PriceTable, withItems = false): void {
  if (!r.usage) return;
  const costs = requestCosts(r as PricedRequest, table, withItems);
  // The response did not finish: its usage is what was known when it stopped, and the docs do not say
  // how an interrupted response is billed.
  r.cost = r.status === 'ok' ? costs.cost : withNote(costs.cost, UNFINISHED);
  r.top_level_cost = r.iterations.length > 0 ? costs.top_level_cost : null;
  for (let i = 0; i < r.iterations.length; i++)
    (r.iterations[i] as Iteration).cost = costs.iterations[i] ?? null;
}

const UNFINISHED = 'the response did not finish: priced on the usage known when it stopped';

function withNote(cost: Cost, note: string): Cost {
  return { ...cost, notes: [...cost.notes, note] };
}

/** The costs that make up a request's bill: its billed iterations, or the request itself without them. */
export function billedParts(r: RequestResult): { model: string | null; cost: Cost }[] {
  if (r.iterations.length === 0) return r.cost ? [{ model: r.model, cost: r.cost }] : [];
  return r.iterations.flatMap((it) => (it.billed && it.cost ? [{ model: it.model, cost: it.cost }] : []));
}
