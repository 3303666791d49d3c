import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MODEL_DATA } from '../src/models/model-data.js';
import { canonicalModelId, minimumCacheableTokens, resolveModel } from '../src/models/resolve-model.js';

/** Every model id the installed SDK's `Model` union names. */
function sdkModelIds(): string[] {
  const require = createRequire(import.meta.url);
  const entry = require.resolve('@anthropic-ai/sdk');
  const dts = readFileSync(join(dirname(entry), 'resources/messages/messages.d.ts'), 'utf8');
  const union = dts.match(/export type Model = ([^;]+);/)?.[1] ?? '';
  return [...union.matchAll(/'([^']+)'/g)].map((m) => m[1] as string);
}

describe('model data', () => {
  it('has a date, and a source and confidence for every minimum', () => {
    expect(MODEL_DATA.as_of).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const m of MODEL_DATA.models) {
      expect(m.cache_minimum.source, m.id).toMatch(/^https:\/\//);
      expect(['documented', 'reported', 'inferred', 'historic', 'unknown'], m.id).toContain(
        m.cache_minimum.confidence,
      );
      for (const step of m.cache_minimum.history) {
        expect(step.tokens, m.id).toBeGreaterThan(0);
        if (step.since !== null) expect(step.since).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      }
    }
  });

  it('covers every model id of the installed SDK', () => {
    const ids = sdkModelIds();
    expect(ids.length).toBeGreaterThan(10);
    for (const id of ids) expect(resolveModel(id), id).not.toBeNull();
  });

  it.each([
    ['claude-sonnet-4-5-20250929', 'claude-sonnet-4-5'],
    ['anthropic.claude-sonnet-4-5-20250929-v1:0', 'claude-sonnet-4-5'],
    ['us.anthropic.claude-haiku-4-5-20251001-v1:0', 'claude-haiku-4-5'],
    ['claude-sonnet-4-5@20250929', 'claude-sonnet-4-5'],
    ['claude-3-5-sonnet-20240620', 'claude-3-5-sonnet'],
    ['claude-opus-4-6', 'claude-opus-4-6'],
  ])('resolves %s to %s', (given, id) => {
    expect(resolveModel(given)?.id).toBe(id);
  });

  it('leaves unknown models unresolved', () => {
    expect(resolveModel('gpt-5')).toBeNull();
    expect(minimumCacheableTokens('claude-unknown-9')).toBeNull();
    expect(canonicalModelId('Claude-Opus-4-6')).toBe('claude-opus-4-6');
  });

  it('uses the minimum in effect at the request time', () => {
    expect(minimumCacheableTokens('claude-sonnet-4-6', '2026-05-01T00:00:00Z')).toBe(2048);
    expect(minimumCacheableTokens('claude-sonnet-4-6', '2026-05-13T10:00:00Z')).toBe(1024);
    expect(minimumCacheableTokens('claude-sonnet-4-6')).toBe(1024);
    expect(minimumCacheableTokens('claude-opus-4-7', '2026-05-01')).toBe(4096);
    expect(minimumCacheableTokens('claude-haiku-5-5')).toBeNull();
  });
});
