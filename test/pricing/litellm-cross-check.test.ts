import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { minimumCacheableTokens, resolveModel } from '../../src/models/resolve-model.js';
import { perMTokNumber, usdNumber } from '../../src/pricing/money.js';
import { BUILT_IN_PRICE_DATA, builtInPrices } from '../../src/pricing/price-data.js';
import { resolvePrice } from '../../src/pricing/resolve-price.js';
import { fastRule } from '../../src/pricing/rules/fast-mode.js';
import { pricePeriodAt } from '../../src/pricing/rules/price-period.js';
import { ROOT } from '../support/run-cli.js';

// A copy of LiteLLM's public price table (fixtures/litellm-claude-prices.json, see its _meta) checked
// against ours for every model both cover. Every difference must be fixed or explained in
// src/data/prices.json under cross_checks.litellm.explained_differences, and every explanation must
// still be needed.

interface LiteEntry {
  _derived_usd_per_mtok?: Record<string, number>;
  provider_specific_entry?: { us?: number; fast?: number };
  search_context_cost_per_query?: Record<string, number>;
  prompt_cache_min_tokens?: number;
  max_input_tokens?: number;
}

interface Difference {
  key: string;
  field: string;
  ours: number | null;
  litellm: number | null;
}

interface Explained extends Difference {
  why: string;
}

const lite = JSON.parse(readFileSync(join(ROOT, 'fixtures/litellm-claude-prices.json'), 'utf8')) as {
  entries: Record<string, LiteEntry>;
};
const table = builtInPrices();
const explained = (BUILT_IN_PRICE_DATA.cross_checks as { litellm: { explained_differences: Explained[] } })
  .litellm.explained_differences;

function close(a: number | null, b: number | null): boolean {
  if (a === null || b === null) return a === b;
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a));
}

function compare(key: string, e: LiteEntry): Difference[] {
  const model = resolvePrice(key, table);
  if (!model) return [{ key, field: 'entry', ours: null, litellm: null }];
  const out: Difference[] = [];
  const check = (field: string, ours: number | null, theirs: number | undefined) => {
    if (theirs !== undefined && !close(ours, theirs)) out.push({ key, field, ours, litellm: theirs });
  };
  const d = e._derived_usd_per_mtok ?? {};
  const p = pricePeriodAt(model, null, table.as_of);
  const rate = (r: number | undefined) => (r === undefined ? null : perMTokNumber(r));
  check('input', rate(p?.rates.input), d.input_cost_per_token);
  check('output', rate(p?.rates.output), d.output_cost_per_token);
  check('cache_write_5m', rate(p?.rates.cache_write_5m), d.cache_creation_input_token_cost);
  check('cache_write_1h', rate(p?.rates.cache_write_1h), d.cache_creation_input_token_cost_above_1hr);
  check('cache_read', rate(p?.rates.cache_read), d.cache_read_input_token_cost);
  const long = model.longContext.find((l) => l.threshold === 200000);
  check('long_context.input', rate(long?.rates.input), d.input_cost_per_token_above_200k_tokens);
  check('long_context.output', rate(long?.rates.output), d.output_cost_per_token_above_200k_tokens);
  check(
    'long_context.cache_write_5m',
    rate(long?.rates.cache_write_5m),
    d.cache_creation_input_token_cost_above_200k_tokens,
  );
  check(
    'long_context.cache_write_1h',
    rate(long?.rates.cache_write_1h),
    d.cache_creation_input_token_cost_above_1hr_above_200k_tokens,
  );
  check(
    'long_context.cache_read',
    rate(long?.rates.cache_read),
    d.cache_read_input_token_cost_above_200k_tokens,
  );
  const us = model.usInference ? Number(model.usInference.text) : null;
  check('inference_geo_us_multiplier', us, e.provider_specific_entry?.us ?? (us === null ? undefined : 1));
  const fast = fastRule(model, table.as_of);
  check('fast_multiplier', fast ? Number(fast.multiplier.text) : null, e.provider_specific_entry?.fast);
  const search = table.serverTools.get('web_search_requests');
  for (const [size, perQuery] of Object.entries(e.search_context_cost_per_query ?? {})) {
    check(`web_search.${size}`, search ? usdNumber(search.perRequest) : null, perQuery);
  }
  check('cache_minimum_tokens', minimumCacheableTokens(model.id, table.as_of), e.prompt_cache_min_tokens);
  check('context_window', resolveModel(model.id)?.context_window ?? null, e.max_input_tokens);
  return out;
}

const differences = Object.entries(lite.entries).flatMap(([key, e]) => compare(key, e));
const sameDifference = (a: Difference, b: Difference) =>
  a.key === b.key && a.field === b.field && close(a.ours, b.ours) && close(a.litellm, b.litellm);

describe('cross-check against LiteLLM', () => {
  it('covers every Claude model the LiteLLM table lists', () => {
    expect(differences.filter((d) => d.field === 'entry')).toEqual([]);
  });

  it('explains every difference in src/data/prices.json', () => {
    const unexplained = differences.filter((d) => !explained.some((x) => sameDifference(x, d)));
    expect(unexplained).toEqual([]);
  });

  it('has no stale explanations', () => {
    const stale = explained.filter((x) => !differences.some((d) => sameDifference(x, d)));
    expect(stale).toEqual([]);
    for (const x of explained) expect(x.why.length).toBeGreaterThan(20);
  });

  it('agrees on the rates of the models both cover, apart from the explained ones', () => {
    // A sanity floor: most compared fields agree.
    const compared = Object.keys(lite.entries).length;
    expect(compared).toBe(23);
    expect(differences.length).toBeLessThan(compared);
  });
});
