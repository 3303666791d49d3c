import type { Money } from '../core/types.js';
import data from '../data/prices.json' with { type: 'json' };
import { canonicalModelId } from '../models/resolve-model.js';
import { type Ratio, ratePerMTok, ratio, usdAmount } from './money.js';

/** How sure a price is. documented and historic come from the official pricing page; user from --pricing. */
export type Confidence = 'documented' | 'historic' | 'reported' | 'inferred' | 'user';

export const CONFIRMED: ReadonlySet<Confidence> = new Set(['documented', 'historic', 'user']);

type Decimal = number | string;

/** The five token rates, in USD per million tokens, as written in a price file. */
export interface RateFields {
  input: Decimal;
  cache_write_5m: Decimal;
  cache_write_1h: Decimal;
  cache_read: Decimal;
  output: Decimal;
}

interface Sourced {
  confidence: Confidence;
  source: string;
  notes?: string;
}

export interface PricePeriodData extends RateFields, Sourced {
  /** First day (UTC, YYYY-MM-DD) these rates apply; null = from the model's release. */
  since: string | null;
}

export interface LongContextData extends RateFields, Sourced {
  since: string | null;
  /** First day the rule no longer applies; null = still in force. */
  until: string | null;
  /** The rule applies when the counted tokens are over this. */
  threshold_tokens: number;
  counts: 'input_tokens + cache_read_input_tokens + cache_creation_input_tokens';
  reprices: 'whole_request';
  /**
   * What happens to such requests after `until`: `rejected` means they cannot exist any more, so an
   * undated request over the threshold must predate `until`; `standard` means standard rates.
   */
  after_until: 'rejected' | 'standard' | null;
}

export interface FastData extends Sourced {
  since: string | null;
  until: string | null;
  multiplier: Decimal;
}

export interface ModelPriceData {
  name: string;
  aliases?: string[];
  prices: PricePeriodData[];
  batch_multiplier: Decimal | null;
  long_context: LongContextData[];
  fast: FastData[];
  /** 1.1 for Claude 4.6+; null where `inference_geo` is not accepted. */
  inference_geo_us_multiplier: Decimal | null;
  notes?: string;
}

export interface ServerToolData {
  usd_per_request: Decimal;
  confidence: Confidence;
  rule: string;
  source: string;
}

interface Rule {
  rule: string;
  source: string;
}

export interface PriceFileData {
  as_of: string;
  description: string;
  unit: string;
  modifiers: {
    batch: Rule & { multiplier: number };
    inference_geo_us: Rule;
    fast: Rule;
    long_context: Rule;
    /** The usual cache multipliers; used only to fill cache rates a --pricing entry leaves out. */
    cache: Rule & { write_5m: number; write_1h: number; read: number };
  };
  server_tools: Record<string, ServerToolData>;
  models: Record<string, ModelPriceData>;
  cross_checks?: unknown;
}

export interface Rates {
  input: Money;
  cache_write_5m: Money;
  cache_write_1h: Money;
  cache_read: Money;
  output: Money;
}

export interface PricePeriod {
  since: string | null;
  rates: Rates;
  confidence: Confidence;
  source: string;
}

export interface LongContextRule {
  since: string | null;
  until: string | null;
  threshold: number;
  rates: Rates;
  afterUntil: 'rejected' | 'standard' | null;
  confidence: Confidence;
  source: string;
}

export interface FastRule {
  since: string | null;
  until: string | null;
  multiplier: Ratio;
  confidence: Confidence;
  source: string;
}

/** One model's prices, compiled to exact money. */
export interface ModelPrice {
  id: string;
  name: string;
  aliases: string[];
  /** `built-in` or the --pricing file that supplied or changed the entry. */
  origin: string;
  periods: PricePeriod[];
  batch: Ratio | null;
  longContext: LongContextRule[];
  fast: FastRule[];
  usInference: Ratio | null;
  /** The entry as written, for `usage-inspect pricing`. */
  data: ModelPriceData;
}

export interface ServerToolPrice {
  perRequest: Money;
  confidence: Confidence;
  source: string;
}

export interface PriceTable {
  as_of: string;
  /** Where the prices came from: `built-in`, then each --pricing file. */
  origins: string[];
  models: Map<string, ModelPrice>;
  /** Alias (canonical form) → model id, for entries that declare aliases. */
  aliases: Map<string, string>;
  serverTools: Map<string, ServerToolPrice>;
  data: PriceFileData;
}

export function compileRates(r: RateFields): Rates {
  return {
    input: ratePerMTok(r.input),
    cache_write_5m: ratePerMTok(r.cache_write_5m),
    cache_write_1h: ratePerMTok(r.cache_write_1h),
    cache_read: ratePerMTok(r.cache_read),
    output: ratePerMTok(r.output),
  };
}

export function compileModel(id: string, d: ModelPriceData, origin: string): ModelPrice {
  return {
    id,
    name: d.name,
    aliases: d.aliases ?? [],
    origin,
    periods: d.prices.map((p) => ({
      since: p.since,
      rates: compileRates(p),
      confidence: p.confidence,
      source: p.source,
    })),
    batch: d.batch_multiplier === null ? null : ratio(d.batch_multiplier),
    longContext: d.long_context.map((l) => ({
      since: l.since,
      until: l.until,
      threshold: l.threshold_tokens,
      rates: compileRates(l),
      afterUntil: l.after_until,
      confidence: l.confidence,
      source: l.source,
    })),
    fast: d.fast.map((f) => ({
      since: f.since,
      until: f.until,
      multiplier: ratio(f.multiplier),
      confidence: f.confidence,
      source: f.source,
    })),
    usInference: d.inference_geo_us_multiplier === null ? null : ratio(d.inference_geo_us_multiplier),
    data: d,
  };
}

export function compileTable(file: PriceFileData, origin: string): PriceTable {
  const table: PriceTable = {
    as_of: file.as_of,
    origins: [origin],
    models: new Map(),
    aliases: new Map(),
    serverTools: new Map(),
    data: file,
  };
  for (const [id, entry] of Object.entries(file.models)) addModel(table, compileModel(id, entry, origin));
  for (const [key, tool] of Object.entries(file.server_tools)) {
    table.serverTools.set(key, {
      perRequest: usdAmount(tool.usd_per_request),
      confidence: tool.confidence,
      source: tool.source,
    });
  }
  return table;
}

export function addModel(table: PriceTable, model: ModelPrice): void {
  table.models.set(model.id, model);
  for (const alias of model.aliases) table.aliases.set(canonicalModelId(alias), model.id);
}

// Our own file, checked against the --pricing schema by test/pricing/price-data.test.ts.
export const BUILT_IN_PRICE_DATA = data as PriceFileData;

let builtIn: PriceTable | null = null;

/** The built-in table, compiled once. */
export function builtInPrices(): PriceTable {
  builtIn ??= compileTable(BUILT_IN_PRICE_DATA, 'built-in');
  return builtIn;
}
