import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TokenCounts } from '../../src/core/types.js';
import { zeroCounts } from '../../src/extract/token-counts.js';
import { perMTokString } from '../../src/pricing/money.js';
import { builtInPrices, type ModelPrice } from '../../src/pricing/price-data.js';
import { resolvePrice } from '../../src/pricing/resolve-price.js';
import { isBatch } from '../../src/pricing/rules/batch.js';
import { utcDay, utcMillis } from '../../src/pricing/rules/dates.js';
import { fastRule } from '../../src/pricing/rules/fast-mode.js';
import { inferenceGeoFactor } from '../../src/pricing/rules/inference-geo.js';
import { longContextRule, longContextTokens } from '../../src/pricing/rules/long-context.js';
import { pricePeriodAt } from '../../src/pricing/rules/price-period.js';
import { serverToolCharges } from '../../src/pricing/rules/server-tools.js';
import { categoryTokens, TOKEN_CATEGORIES } from '../../src/pricing/rules/token-categories.js';

const table = builtInPrices();
const AS_OF = table.as_of;

function model(id: string): ModelPrice {
  const m = resolvePrice(id, table);
  if (!m) throw new Error(`no entry for ${id}`);
  return m;
}

function counts(input: number, read = 0, write = 0): TokenCounts {
  return {
    ...zeroCounts(),
    input_tokens: input,
    cache_read_input_tokens: read,
    cache_creation_input_tokens: write,
    cache_creation: { ephemeral_5m_input_tokens: write, ephemeral_1h_input_tokens: 0 },
    total_input_tokens: input + read + write,
  };
}

describe('utcDay', () => {
  it.each([
    ['2026-10-07T00:30:00+02:00', '2026-10-06'],
    ['2026-10-07T23:59:59Z', '2026-10-07'],
    ['2026-10-07', '2026-10-07'],
    ['not a date', null],
    [null, null],
  ])('%s → %s', (when, day) => expect(utcDay(when)).toBe(day));
});

describe('pricePeriodAt', () => {
  it.each([
    ['2026-09-30', '0.2'],
    ['2026-10-07', '0.1'],
    [null, '0.1'],
  ])('Sonnet 5.5 cache read on %s is $%s', (day, read) => {
    const p = pricePeriodAt(model('claude-sonnet-5-5'), day, AS_OF);
    expect(p && perMTokString(p.rates.cache_read)).toBe(read);
  });

  it('uses the first period for a request dated before it', () => {
    const p = pricePeriodAt(model('claude-haiku-5-5'), '2026-01-01', AS_OF);
    expect(p && perMTokString(p.rates.input)).toBe('0.1');
  });

  it('has no period for a model without a public price', () => {
    expect(pricePeriodAt(model('claude-mythos-preview'), null, AS_OF)).toBeNull();
  });
});

describe('longContextRule', () => {
  it('counts input, cache reads and cache writes, not output', () => {
    expect(longContextTokens({ ...counts(10, 20, 30), output_tokens: 1000 })).toBe(60);
  });

  it.each([
    ['claude-haiku-5-5', counts(100000), '2026-11-01', false],
    ['claude-haiku-5-5', counts(100000, 0, 1), '2026-11-01', true],
    ['claude-haiku-5-5', counts(1, 100000), null, true],
    ['claude-sonnet-4-5', counts(200001), '2026-04-29', true],
    ['claude-sonnet-4-5', counts(200001), '2026-04-30', false],
    ['claude-sonnet-4-5', counts(200001), null, true],
    ['claude-opus-4-6', counts(200001), '2026-03-12', true],
    ['claude-opus-4-6', counts(200001), '2026-03-13', false],
    ['claude-opus-4-6', counts(200001), null, false],
    ['claude-sonnet-4-6', counts(900000), null, false],
  ] as const)('%s with %o on %s: %s', (id, c, day, applies) => {
    expect(longContextRule(model(id), c, day, AS_OF) !== null).toBe(applies);
  });
});

describe('fastRule', () => {
  it.each([
    ['claude-opus-4-6', '2026-06-28', '6'],
    ['claude-opus-4-6', '2026-06-29', null],
    ['claude-opus-4-6', null, '6'],
    ['claude-opus-4-8', '2026-11-29', '2'],
    ['claude-opus-4-8', '2026-11-30', null],
    ['claude-opus-5-5', null, '2'],
    ['claude-fable-5-2', '2026-11-10', '2'],
    ['claude-sonnet-4-6', null, null],
  ] as const)('%s on %s → %s×', (id, day, multiplier) => {
    expect(fastRule(model(id), day)?.multiplier.text ?? null).toBe(multiplier);
  });
});

describe('isBatch', () => {
  it.each([
    ['batch', false, true],
    ['standard', true, true],
    [null, true, true],
    ['standard', false, false],
    ['priority', false, false],
    [null, false, false],
  ] as const)('service_tier %s, from batch results %s → %s', (tier, fromFile, batch) => {
    expect(isBatch(tier, fromFile)).toBe(batch);
  });
});

describe('inferenceGeoFactor', () => {
  it.each([
    ['claude-opus-4-6', 'us', '1.1', false],
    ['claude-haiku-5-5', 'us', '1.1', false],
    ['claude-opus-4-6', 'global', null, false],
    ['claude-opus-4-6', null, null, false],
    ['claude-sonnet-4-5', 'us', null, true],
    ['claude-opus-4-6', 'eu', null, true],
  ] as const)('%s geo %s → factor %s (note %s)', (id, geo, factor, note) => {
    const out = inferenceGeoFactor(model(id), geo);
    expect(out.factor?.text ?? null).toBe(factor);
    expect(out.note !== null).toBe(note);
  });
});

describe('serverToolCharges', () => {
  it('prices web search per request, web fetch at zero, and lists the rest', () => {
    const out = serverToolCharges(
      {
        web_search_requests: 1000,
        web_fetch_requests: 7,
        code_execution_requests: 2,
        tool_search_requests: 0,
      },
      table,
    );
    expect(out.items.map((i) => [i.category, i.quantity, i.amount])).toEqual([
      ['web_search', 1000, 10 * 10 ** 12],
      ['web_fetch', 7, 0],
    ]);
    expect(out.unpriced).toEqual(['code_execution_requests 2']);
  });
});

describe('tokenCategories', () => {
  it('keeps writes without a TTL apart', () => {
    const c: TokenCounts = {
      ...counts(5, 7, 100),
      cache_creation: { ephemeral_5m_input_tokens: 60, ephemeral_1h_input_tokens: null },
      cache_creation_unknown_ttl_tokens: 40,
      output_tokens: 9,
    };
    expect(TOKEN_CATEGORIES.map((k) => [k, categoryTokens(c, k)])).toEqual([
      ['input', 5],
      ['cache_write_5m', 60],
      ['cache_write_1h', 0],
      ['cache_write_unknown_ttl', 40],
      ['cache_read', 7],
      ['output', 9],
    ]);
  });
});

describe('utcDay without parsing a date', () => {
  const viaDate = (s: string) => {
    const t = Date.parse(s);
    return Number.isNaN(t) ? null : new Date(t).toISOString().slice(0, 10);
  };
  const two = fc.integer({ min: 0, max: 99 }).map((n) => String(n).padStart(2, '0'));
  const stamp = fc
    .tuple(
      fc.integer({ min: 0, max: 9999 }).map((n) => String(n).padStart(4, '0')),
      two,
      two,
      two,
      two,
      two,
      fc.constantFrom('', '.000', '.999', '.5', '.1234', '.042'),
      fc.constantFrom('Z', 'z', '+00:00', '+05:30', ''),
    )
    .map(([y, mo, d, h, mi, s, frac, zone]) => `${y}-${mo}-${d}T${h}:${mi}:${s}${frac}${zone}`);

  it('reads a plain UTC time by its first ten characters exactly when Date.parse agrees', () => {
    fc.assert(
      fc.property(stamp, (s) => {
        expect(utcDay(s)).toBe(viaDate(s));
      }),
      { numRuns: 5000 },
    );
  });

  it('gives the milliseconds Date.parse gives, for plain UTC times and the rest', () => {
    fc.assert(
      fc.property(stamp, (s) => {
        expect(utcMillis(s)).toBe(Date.parse(s));
      }),
      { numRuns: 5000 },
    );
    for (const s of ['0099-05-01T00:00:00Z', '1000-01-01T00:00:00.001Z', '2026-11-01T12:34:56.789Z', 'x'])
      expect(utcMillis(s)).toBe(Date.parse(s));
  });

  it('reads other forms through Date.parse', () => {
    expect(utcDay('2026-02-28T23:59:59.999Z')).toBe('2026-02-28');
    expect(utcDay('2026-03-01T01:00:00+02:00')).toBe('2026-02-28');
    expect(utcDay('2026-02-30T00:00:00Z')).toBe(viaDate('2026-02-30T00:00:00Z'));
    expect(utcDay('not a time')).toBeNull();
    expect(utcDay(null)).toBeNull();
  });
});
