import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MODEL_DATA } from '../../src/models/model-data.js';
import { BUILT_IN_PRICE_DATA, builtInPrices, CONFIRMED } from '../../src/pricing/price-data.js';
import { normalizeEntry, validateEntry, validateFile } from '../../src/pricing/price-schema.js';
import { resolvePrice } from '../../src/pricing/resolve-price.js';
import { ROOT } from '../support/run-cli.js';

const data = BUILT_IN_PRICE_DATA;
const table = builtInPrices();
const defaults = {
  cache_write_5m: data.modifiers.cache.write_5m,
  cache_write_1h: data.modifiers.cache.write_1h,
  cache_read: data.modifiers.cache.read,
  batch: data.modifiers.batch.multiplier,
};

/** Every id of the SDK's `Model` union, read from the installed type definitions. */
function sdkModelIds(): string[] {
  const dts = readFileSync(
    join(ROOT, 'node_modules/@anthropic-ai/sdk/resources/messages/messages.d.ts'),
    'utf8',
  );
  const union = /export type Model = ([^;]+);/.exec(dts)?.[1] ?? '';
  return [...union.matchAll(/'([^']+)'/g)].map((m) => m[1] as string);
}

describe('src/data/prices.json', () => {
  it('is dated and names its unit', () => {
    expect(data.as_of).toBe('2026-11-21');
    expect(data.unit).toBe('USD per million tokens');
  });

  it('is in the form a --pricing file uses, each entry complete', () => {
    expect(Array.isArray(validateFile(data))).toBe(false);
    for (const [id, entry] of Object.entries(data.models)) {
      const checked = validateEntry(entry);
      expect(checked, id).not.toHaveProperty('issues');
      if ('entry' in checked)
        expect(normalizeEntry(id, checked.entry, null, 'x', defaults), id).toEqual(entry);
    }
  });

  it('gives every price, long-context and fast-mode rule a source URL and a confidence', () => {
    for (const [id, m] of Object.entries(data.models)) {
      for (const rule of [...m.prices, ...m.long_context, ...m.fast]) {
        expect(rule.source, id).toMatch(/^https:\/\/platform\.claude\.com\/docs\//);
        expect(['documented', 'historic', 'reported', 'inferred'], id).toContain(rule.confidence);
      }
    }
  });

  it('has one entry per model of src/data/models.json', () => {
    expect(Object.keys(data.models).sort()).toEqual(MODEL_DATA.models.map((m) => m.id).sort());
  });

  it('prices every model id of the SDK Model type, and their dated, Bedrock and Vertex forms', () => {
    const ids = sdkModelIds();
    expect(ids.length).toBeGreaterThan(20);
    for (const id of ids) {
      const entry = resolvePrice(id, table);
      expect(entry, id).not.toBeNull();
      if (id === 'claude-mythos-preview') continue; // listed, with no public price
      expect(entry?.periods.length, id).toBeGreaterThan(0);
      const undated = entry?.id as string;
      for (const form of [
        `anthropic.${undated}-v1:0`,
        `global.anthropic.${undated}-v1:0`,
        `${undated}@20260101`,
      ]) {
        expect(resolvePrice(form, table)?.id, form).toBe(undated);
      }
    }
  });

  it('flags exactly the prices that are not confirmed on the official pricing page', () => {
    const unconfirmed = [...table.models.values()]
      .filter((m) => [...m.periods, ...m.longContext, ...m.fast].some((r) => !CONFIRMED.has(r.confidence)))
      .map((m) => m.id)
      .sort();
    expect(unconfirmed).toEqual([
      'claude-fable-5-1',
      'claude-fable-5-2',
      'claude-haiku-5-5',
      'claude-mythos-5-1',
      'claude-mythos-5-2',
      'claude-opus-4-6',
      'claude-opus-5-5',
      'claude-sonnet-5-5',
    ]);
  });

  it('lists cache reads that are not 0.1× input where the pricing page says so', () => {
    const readRatio = (id: string) => {
      const p = table.models.get(id)?.periods.at(-1);
      return p ? Number(p.rates.cache_read) / Number(p.rates.input) : null;
    };
    expect(readRatio('claude-opus-5-5')).toBe(0.05);
    expect(readRatio('claude-sonnet-5-5')).toBe(0.05);
    expect(readRatio('claude-fable-5-1')).toBe(0.025);
    expect(readRatio('claude-fable-5-2')).toBe(0.025);
    expect(readRatio('claude-opus-5')).toBe(0.1);
  });
});

describe('start-up cost', () => {
  it('imports zod only from the lazily loaded --pricing schema', () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const full = join(dir, name);
        if (statSync(full).isDirectory()) walk(full);
        else if (full.endsWith('.ts')) files.push(full);
      }
    };
    walk(join(ROOT, 'src'));
    const importers = files.filter((f) => /from 'zod'/.test(readFileSync(f, 'utf8')));
    expect(importers.map((f) => relative(ROOT, f))).toEqual(['src/pricing/price-schema.ts']);
    const staticSchemaImports = files.filter((f) =>
      /from '\.\/price-schema\.js'/.test(readFileSync(f, 'utf8')),
    );
    expect(staticSchemaImports).toEqual([]);
    expect(readFileSync(join(ROOT, 'src/pricing/load-pricing.ts'), 'utf8')).toContain(
      "await import('./price-schema.js')",
    );
  });
});
