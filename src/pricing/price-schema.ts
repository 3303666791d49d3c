import { z } from 'zod';
import { applyRatio, perMTokString, ratePerMTok, ratio, scaledDecimal } from './money.js';
import type { ModelPriceData, PricePeriodData } from './price-data.js';

// Loaded only when --pricing is given (load-pricing.ts imports it lazily), so zod stays off the
// start-up path of every other run.

const RATE_DIGITS = 6;

function exactDecimal(value: number | string): boolean {
  try {
    scaledDecimal(value, RATE_DIGITS);
    return true;
  } catch {
    return false;
  }
}

const decimal = z
  .union([z.number(), z.string()])
  .refine(exactDecimal, 'must be a number ≥ 0 with at most 6 decimals (USD per million tokens)');

const day = z.iso.date({ message: 'must be a date written YYYY-MM-DD' });
const confidence = z.enum(['documented', 'historic', 'reported', 'inferred', 'user']);

const rateShape = {
  input: decimal,
  cache_write_5m: decimal,
  cache_write_1h: decimal,
  cache_read: decimal,
  output: decimal,
};

const sourced = {
  confidence: confidence.optional(),
  source: z.string().min(1).optional(),
  notes: z.string().optional(),
};

const period = z.strictObject({ since: day.nullable(), ...rateShape, ...sourced });

const longContext = z.strictObject({
  since: day.nullable(),
  until: day.nullable(),
  threshold_tokens: z.number().int().positive(),
  counts: z.literal('input_tokens + cache_read_input_tokens + cache_creation_input_tokens').optional(),
  reprices: z.literal('whole_request').optional(),
  ...rateShape,
  after_until: z.enum(['rejected', 'standard']).nullable().optional(),
  ...sourced,
});

const fast = z.strictObject({
  since: day.nullable(),
  until: day.nullable(),
  multiplier: decimal,
  ...sourced,
});

/** A model entry of a --pricing file: the built-in shape, or a short form with the rates inline. */
const entry = z
  .strictObject({
    name: z.string().min(1).optional(),
    aliases: z.array(z.string().min(1)).optional(),
    since: day.nullable().optional(),
    input: decimal.optional(),
    cache_write_5m: decimal.optional(),
    cache_write_1h: decimal.optional(),
    cache_read: decimal.optional(),
    output: decimal.optional(),
    ...sourced,
    prices: z.array(period).optional(),
    batch_multiplier: decimal.nullable().optional(),
    long_context: z.array(longContext).optional(),
    fast: z.array(fast).optional(),
    inference_geo_us_multiplier: decimal.nullable().optional(),
  })
  .superRefine((e, ctx) => {
    const inline = Object.keys(rateShape).filter((k) => (e as Record<string, unknown>)[k] !== undefined);
    if (inline.length > 0 && e.prices) {
      ctx.addIssue({ code: 'custom', message: 'give either `prices` or inline rates, not both' });
    }
    if (inline.length > 0 && (e.input === undefined || e.output === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'inline rates need at least `input` and `output`' });
    }
    const sinces = (e.prices ?? []).map((p) => p.since);
    for (let i = 1; i < sinces.length; i++) {
      const prev = sinces[i - 1];
      const cur = sinces[i];
      if (cur === null || cur === undefined || (prev !== null && prev !== undefined && cur <= prev)) {
        ctx.addIssue({
          code: 'custom',
          path: ['prices', i, 'since'],
          message: 'price periods must be in date order; only the first may have since: null',
        });
      }
    }
  });

/**
 * A --pricing file. Only `models` and `as_of` are read; the other top-level keys of src/data/prices.json
 * are accepted so that a copy of it can serve as a starting point.
 */
export const pricingFileSchema = z.strictObject({
  as_of: day.optional(),
  description: z.string().optional(),
  unit: z.literal('USD per million tokens').optional(),
  modifiers: z.unknown().optional(),
  server_tools: z.unknown().optional(),
  cross_checks: z.unknown().optional(),
  models: z.record(z.string().min(1), z.unknown()),
});

export type RawEntry = z.infer<typeof entry>;

export interface EntryIssue {
  /** Dotted path inside the entry, empty for the entry itself. */
  path: string;
  message: string;
}

function issueText(i: { code: string; message: string; keys?: string[] }): string {
  if (i.code === 'unrecognized_keys' && i.keys) {
    return `unknown field${i.keys.length === 1 ? '' : 's'} ${i.keys.map((k) => JSON.stringify(k)).join(', ')}`;
  }
  return i.message;
}

function pathText(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
}

export function validateEntry(raw: unknown): { entry: RawEntry } | { issues: EntryIssue[] } {
  const parsed = entry.safeParse(raw);
  if (parsed.success) return { entry: parsed.data };
  return { issues: parsed.error.issues.map((i) => ({ path: pathText(i.path), message: issueText(i) })) };
}

export function validateFile(
  raw: unknown,
): { models: Record<string, unknown>; as_of?: string } | EntryIssue[] {
  const parsed = pricingFileSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  return parsed.error.issues.map((i) => ({ path: pathText(i.path), message: issueText(i) }));
}

/** Documented defaults for what a --pricing entry leaves out (from the modifiers of src/data/prices.json). */
export interface EntryDefaults {
  cache_write_5m: number;
  cache_write_1h: number;
  cache_read: number;
  batch: number;
}

/** The inline rates as one period; cache rates left out follow the standard multipliers of the input rate. */
function inlinePeriod(e: RawEntry, defaults: EntryDefaults, source: string): PricePeriodData {
  const input = e.input as number | string;
  const derive = (m: number) => perMTokString(applyRatio(ratePerMTok(input), ratio(m)).value);
  const derived = (['cache_write_5m', 'cache_write_1h', 'cache_read'] as const).filter(
    (k) => e[k] === undefined,
  );
  return {
    since: e.since ?? null,
    input,
    cache_write_5m: e.cache_write_5m ?? derive(defaults.cache_write_5m),
    cache_write_1h: e.cache_write_1h ?? derive(defaults.cache_write_1h),
    cache_read: e.cache_read ?? derive(defaults.cache_read),
    output: e.output as number | string,
    confidence: e.confidence ?? 'user',
    source: e.source ?? source,
    ...(derived.length > 0
      ? { notes: `${derived.join(', ')} derived from the input rate with the standard cache multipliers` }
      : {}),
  };
}

/**
 * Turns a validated entry into the full built-in shape, on top of `base` (the entry it overrides) when
 * there is one: fields the file gives replace the base's, the others are kept. Null when a new model
 * has no rates.
 */
export function normalizeEntry(
  id: string,
  e: RawEntry,
  base: ModelPriceData | null,
  source: string,
  defaults: EntryDefaults,
): ModelPriceData | null {
  const fill = <T extends { confidence?: string | undefined; source?: string | undefined }>(r: T) => ({
    ...r,
    confidence: r.confidence ?? 'user',
    source: r.source ?? source,
  });
  const prices = e.prices
    ? e.prices.map((p) => fill(p) as PricePeriodData)
    : e.input !== undefined
      ? [inlinePeriod(e, defaults, source)]
      : base?.prices;
  if (!prices) return null;
  return {
    name: e.name ?? base?.name ?? id,
    ...(e.aliases || base?.aliases ? { aliases: e.aliases ?? base?.aliases ?? [] } : {}),
    prices,
    batch_multiplier:
      e.batch_multiplier !== undefined ? e.batch_multiplier : base ? base.batch_multiplier : defaults.batch,
    long_context: e.long_context
      ? e.long_context.map((l) => ({
          ...fill(l),
          counts: 'input_tokens + cache_read_input_tokens + cache_creation_input_tokens' as const,
          reprices: 'whole_request' as const,
          after_until: l.after_until ?? null,
        }))
      : (base?.long_context ?? []),
    fast: e.fast ? e.fast.map((f) => fill(f)) : (base?.fast ?? []),
    inference_geo_us_multiplier:
      e.inference_geo_us_multiplier !== undefined
        ? e.inference_geo_us_multiplier
        : (base?.inference_geo_us_multiplier ?? null),
    ...(e.notes || base?.notes ? { notes: e.notes ?? base?.notes } : {}),
  } as ModelPriceData;
}
