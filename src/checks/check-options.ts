/**
 * The assertions a CI run can make (README "CI"). Limits are null when not asked for. Cache assertions
 * (`minHitRate`, `expectHit`) skip the first `warmup` requests; cost and token limits cover every request.
 */
export interface CheckOptions {
  warmup: number;
  minHitRate: number | null;
  /** Every request after the warm-up reads from the cache, up to `maxMisses` exceptions. */
  expectHit: boolean;
  maxMisses: number;
  maxCost: number | null;
  maxTotalCost: number | null;
  maxInputTokens: number | null;
  maxTotalInputTokens: number | null;
  maxOutputTokens: number | null;
  maxTotalOutputTokens: number | null;
  noCacheBreaks: boolean;
}

export const DEFAULT_WARMUP = 1;

export function noChecks(): CheckOptions {
  return {
    warmup: DEFAULT_WARMUP,
    minHitRate: null,
    expectHit: false,
    maxMisses: 0,
    maxCost: null,
    maxTotalCost: null,
    maxInputTokens: null,
    maxTotalInputTokens: null,
    maxOutputTokens: null,
    maxTotalOutputTokens: null,
    noCacheBreaks: false,
  };
}

export function hasChecks(o: CheckOptions): boolean {
  return (
    o.minHitRate !== null ||
    o.expectHit ||
    o.maxCost !== null ||
    o.maxTotalCost !== null ||
    o.maxInputTokens !== null ||
    o.maxTotalInputTokens !== null ||
    o.maxOutputTokens !== null ||
    o.maxTotalOutputTokens !== null ||
    o.noCacheBreaks
  );
}
