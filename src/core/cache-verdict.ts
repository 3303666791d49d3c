import type { CacheVerdict, TokenCounts } from './types.js';

/**
 * Classifies one request's (or iteration's) cache use from its counts.
 * "If both cache_creation_input_tokens and cache_read_input_tokens are 0, the prompt was not cached";
 * a prompt under the model's minimum is processed without caching and no error is returned:
 * https://platform.claude.com/docs/en/build-with-claude/prompt-caching#cache-limitations
 */
export function cacheVerdict(counts: TokenCounts, minimumCacheableTokens: number | null): CacheVerdict {
  const read = counts.cache_read_input_tokens;
  const write = counts.cache_creation_input_tokens;
  const total = counts.total_input_tokens;
  let status: CacheVerdict['status'];
  if (read > 0) status = write > 0 ? 'partial' : 'hit';
  else if (write > 0) status = 'write';
  else if (minimumCacheableTokens !== null && total < minimumCacheableTokens) status = 'below_minimum';
  else status = 'miss';
  return { status, hit_rate: hitRate(read, total), minimum_cacheable_tokens: minimumCacheableTokens };
}

/** cache_read / total_input, or null when nothing was input (no rate to speak of). */
export function hitRate(read: number, totalInput: number): number | null {
  return totalInput === 0 ? null : read / totalInput;
}
