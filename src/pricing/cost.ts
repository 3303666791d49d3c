import type { Cost, CostBreakdown, CostFactor, CostItem, TokenCounts } from '../core/types.js';
import { applyRatio, perMTokString, type Ratio, safeAmount } from './money.js';
import {
  CONFIRMED,
  type Confidence,
  type FastRule,
  type LongContextRule,
  type ModelPrice,
  type PricePeriod,
  type PriceTable,
  type Rates,
} from './price-data.js';
import { MEMO_LIMIT, resolvePrice } from './resolve-price.js';
import { fastRule, isFast } from './rules/fast-mode.js';
import { inferenceGeoFactor } from './rules/inference-geo.js';
import { longContextElsewhen, longContextRule, longContextTokens } from './rules/long-context.js';
import { pricePeriodAt } from './rules/price-period.js';
import { categoryTokens, TOKEN_CATEGORIES } from './rules/token-categories.js';

/** What applies to every part of one request. */
export interface PricingContext {
  table: PriceTable;
  /** UTC day of the request; null when the input has no timestamp. */
  day: string | null;
  batch: boolean;
  speed: string | null;
  inferenceGeo: string | null;
  serviceTier: string | null;
  /** Build `items` (the priced lines) for explanations. */
  withItems: boolean;
}

export interface PriceOptions {
  /** 1-based iteration index, or null for the top level. */
  iteration: number | null;
  /** Whether `speed` applies (it is the request's setting, not that of advisor or fallback models). */
  applySpeed: boolean;
}

/** A literal of fixed shape: built once per request, it must stay a fast object (not fromEntries). */
export function zeroBreakdown(): CostBreakdown {
  return {
    input: 0,
    cache_write_5m: 0,
    cache_write_1h: 0,
    cache_write_unknown_ttl: 0,
    cache_read: 0,
    output: 0,
    web_search: 0,
    web_fetch: 0,
  };
}

export function unpricedCost(notes: string[]): Cost {
  return {
    priced: false,
    total: null,
    without_cache: null,
    savings: null,
    breakdown: null,
    models: [],
    items: [],
    confirmed: false,
    notes,
  };
}

export function zeroCost(note: string): Cost {
  return {
    priced: true,
    total: 0,
    without_cache: 0,
    savings: 0,
    breakdown: zeroBreakdown(),
    models: [],
    items: [],
    confirmed: true,
    notes: [note],
  };
}

const NO_ITEMS: CostItem[] = [];

const SUPPLY = 'add a price with --pricing FILE (usage-inspect pricing --help)';

/**
 * Everything about a price that does not depend on the token counts: the rates after every multiplier,
 * the factors that made them, and the notes they carry. Requests share one per model, day's prices and
 * modifiers, so the per-request work is a handful of integer multiplications.
 */
interface RateBasis {
  model: ModelPrice;
  /** `[model.id]`, shared by every cost priced on this basis. */
  models: string[];
  /** Why there is no price (e.g. fast mode without a fast-mode price); null when priced. */
  unpriced: string | null;
  base: Rates;
  effective: Rates;
  factors: CostFactor[];
  longContext: LongContextRule | null;
  confirmed: boolean;
  notes: string[];
}

const bases = new WeakMap<PriceTable, Map<string, RateBasis>>();

function confidenceNote(model: ModelPrice, what: string, confidence: Confidence, source: string): string {
  return `${model.id} ${what} is ${confidence}, not confirmed on the official pricing page (${source})`;
}

const RATE_KEYS = ['input', 'cache_write_5m', 'cache_write_1h', 'cache_read', 'output'] as const;

function buildBasis(
  model: ModelPrice,
  ctx: PricingContext,
  long: LongContextRule | null,
  applySpeed: boolean,
): RateBasis {
  const period = pricePeriodAt(model, ctx.day, ctx.table.as_of);
  const empty = {
    base: ZERO_RATES,
    effective: ZERO_RATES,
    factors: [],
    longContext: long,
    confirmed: false,
    notes: [],
  };
  if (!period) return { model, models: [], unpriced: `${model.id} has no public price: ${SUPPLY}`, ...empty };
  const notes: string[] = [];
  const confidences: { what: string; confidence: Confidence; source: string }[] = [
    { what: 'price', confidence: period.confidence, source: period.source },
  ];
  if (ctx.day === null && model.periods.length > 1) {
    notes.push(`no timestamp: priced at the ${model.id} rates in effect on ${ctx.table.as_of}`);
  }
  if (long)
    confidences.push({ what: 'long-context price', confidence: long.confidence, source: long.source });

  const factors: { factor: CostFactor; ratio: Ratio }[] = [];
  if (ctx.batch) {
    if (model.batch)
      factors.push({ factor: { name: 'batch', multiplier: model.batch.text }, ratio: model.batch });
    else notes.push(`${model.id} has no batch discount on record; priced at standard rates`);
  }
  if (isFast(ctx.speed)) {
    if (applySpeed) {
      const fast = fastRule(model, ctx.day);
      if (!fast) {
        const when = ctx.day ? ' on the date of the request' : '';
        const reason = `speed "fast" reported, but there is no fast-mode price for ${model.id}${when}: ${SUPPLY}`;
        return { model, models: [], unpriced: reason, ...empty };
      }
      factors.push({
        factor: { name: 'fast mode', multiplier: fast.multiplier.text },
        ratio: fast.multiplier,
      });
      confidences.push({ what: 'fast-mode multiplier', confidence: fast.confidence, source: fast.source });
    } else {
      notes.push(
        `speed "fast" is the request's setting; this iteration on ${model.id} is priced at standard speed`,
      );
    }
  }
  const geo = inferenceGeoFactor(model, ctx.inferenceGeo);
  if (geo.factor)
    factors.push({ factor: { name: 'US inference', multiplier: geo.factor.text }, ratio: geo.factor });
  if (geo.note) notes.push(geo.note);
  if (ctx.serviceTier === 'priority') {
    notes.push('service_tier "priority" is billed against a capacity commitment; shown at list rates');
  }

  const base = long ? long.rates : period.rates;
  let rounded = false;
  const effective = { ...base };
  for (const key of RATE_KEYS) {
    for (const f of factors) {
      const r = applyRatio(effective[key], f.ratio);
      effective[key] = r.value;
      rounded ||= !r.exact;
    }
  }
  if (rounded) notes.push('a rate was rounded to the nearest $0.000001 per million tokens');
  const unconfirmed = confidences.filter((c) => !CONFIRMED.has(c.confidence));
  for (const c of unconfirmed) notes.push(confidenceNote(model, c.what, c.confidence, c.source));
  return {
    model,
    models: [model.id],
    unpriced: null,
    base,
    effective,
    factors: factors.map((f) => f.factor),
    longContext: long,
    confirmed: unconfirmed.length === 0,
    notes,
  };
}

const ZERO_RATES: Rates = { input: 0, cache_write_5m: 0, cache_write_1h: 0, cache_read: 0, output: 0 };

/** The last basis found for a model and what it was found for: its requests mostly share one. */
interface LastBasis {
  table: PriceTable;
  period: PricePeriod | null;
  long: LongContextRule | null;
  fast: FastRule | null | undefined;
  flags: string;
  geo: string | null;
  basis: RateBasis;
}
const lastBases = new WeakMap<ModelPrice, LastBasis>();

function basisFor(
  model: ModelPrice,
  ctx: PricingContext,
  counts: TokenCounts,
  applySpeed: boolean,
): RateBasis {
  const long = longContextRule(model, counts, ctx.day, ctx.table.as_of);
  const period = pricePeriodAt(model, ctx.day, ctx.table.as_of);
  const fast = isFast(ctx.speed) && applySpeed ? fastRule(model, ctx.day) : undefined;
  const flags = flagsOf(ctx);
  const last = lastBases.get(model);
  if (
    last !== undefined &&
    last.table === ctx.table &&
    last.period === period &&
    last.long === long &&
    last.fast === fast &&
    last.flags === flags &&
    last.geo === ctx.inferenceGeo
  ) {
    return last.basis;
  }
  let memo = bases.get(ctx.table);
  if (!memo) {
    memo = new Map();
    bases.set(ctx.table, memo);
  }
  // Everything buildBasis reads, as a key: the rules chosen for the day, not the day itself.
  const pi = period ? model.periods.indexOf(period) : -1;
  const li = long ? model.longContext.indexOf(long) : -1;
  const fi = fast === undefined ? 'std' : fast ? model.fast.indexOf(fast) : 'none';
  const key = `${model.id}|${pi}|${li}|${fi}|${flags}|${ctx.inferenceGeo ?? ''}`;
  let basis = memo.get(key);
  if (!basis) {
    basis = buildBasis(model, ctx, long, applySpeed);
    if (memo.size < MEMO_LIMIT) memo.set(key, basis);
  }
  lastBases.set(model, { table: ctx.table, period, long, fast, flags, geo: ctx.inferenceGeo, basis });
  return basis;
}

/** The request-wide switches buildBasis reads, as a short string (one of 16). */
function flagsOf(ctx: PricingContext): string {
  return FLAGS[
    (isFast(ctx.speed) ? 1 : 0) |
      (ctx.batch ? 2 : 0) |
      (ctx.serviceTier === 'priority' ? 4 : 0) |
      (ctx.day === null ? 8 : 0)
  ] as string;
}
const FLAGS = Array.from(
  { length: 16 },
  (_, i) => `${i & 1 ? 'f' : ''}${i & 2 ? 'b' : ''}${i & 4 ? 'p' : ''}${i & 8 ? 'u' : ''}`,
);

/** Notes that depend on this request's counts rather than on its rates. */
function countNotes(basis: RateBasis, counts: TokenCounts, ctx: PricingContext): string[] {
  const notes: string[] = [];
  if (basis.longContext) {
    notes.push(
      `long context: ${longContextTokens(counts).toLocaleString('en-US')} input tokens (cache included) over ${basis.longContext.threshold.toLocaleString('en-US')}, so every token is at the long-context rates`,
    );
  } else if (ctx.day === null) {
    const other = longContextElsewhen(basis.model, counts);
    if (other) {
      notes.push(
        `no timestamp: priced without the long-context rates that applied from ${other.since ?? 'launch'} to ${other.until ?? 'now'}`,
      );
    }
  }
  if (counts.cache_creation_unknown_ttl_tokens > 0) {
    notes.push(
      `${counts.cache_creation_unknown_ttl_tokens.toLocaleString('en-US')} cache-write tokens have no 5m/1h split: priced at the 5m rate ($${perMTokString(basis.effective.cache_write_5m)}/MTok); 1h writes would cost more`,
    );
  }
  return notes;
}

/**
 * Prices one set of token counts at one model's rates: each category at its own rate, then the
 * long-context band, batch, fast-mode and US-inference multipliers (each rule in src/pricing/rules/).
 * Server-tool fees are added per request by request-cost.ts.
 */
export function priceTokens(
  counts: TokenCounts,
  modelName: string | null,
  ctx: PricingContext,
  options: PriceOptions,
): Cost {
  if (modelName === null) return unpricedCost(['the input names no model, so no price applies']);
  const model = resolvePrice(modelName, ctx.table);
  if (!model) return unpricedCost([`no price for model "${modelName}": ${SUPPLY}`]);
  const basis = basisFor(model, ctx, counts, options.applySpeed);
  if (basis.unpriced) return unpricedCost([basis.unpriced]);

  const e = basis.effective;
  const breakdown = zeroBreakdown();
  // Without --explain no line is kept, and the empty list is shared (costs are never changed once made).
  const items: CostItem[] = ctx.withItems ? [] : NO_ITEMS;
  let total = 0;
  let inputSide = 0;
  for (const category of TOKEN_CATEGORIES) {
    const quantity = categoryTokens(counts, category);
    if (quantity === 0) continue;
    const key = category === 'cache_write_unknown_ttl' ? 'cache_write_5m' : category;
    const amount = quantity * e[key];
    breakdown[category] = amount;
    total += amount;
    if (category !== 'output') inputSide += quantity;
    if (!ctx.withItems) continue;
    items.push({
      category,
      iteration: options.iteration,
      model: model.id,
      quantity,
      unit: 'tokens',
      base_rate: basis.base[key],
      factors: basis.factors,
      rate: e[key],
      amount,
    });
  }
  const withoutCache = inputSide * e.input + breakdown.output;
  if (!safeAmount(total) || !safeAmount(withoutCache)) {
    return unpricedCost([`${model.id}: the amount is too large to compute exactly`]);
  }
  const perRequest = countNotes(basis, counts, ctx);
  // Costs never change their notes once made, so those of the basis can be shared.
  return {
    priced: true,
    total,
    without_cache: withoutCache,
    savings: withoutCache - total,
    breakdown,
    models: basis.models,
    items,
    confirmed: basis.confirmed,
    notes: perRequest.length > 0 ? [...perRequest, ...basis.notes] : basis.notes,
  };
}
