import type { CacheCreationSplit, TokenCounts } from '../core/types.js';
import { readCount, readOptionalCount, readOptionalObject } from './counts.js';

/**
 * Reads the counters shared by `usage` and each `usage.iterations[]` entry.
 *
 * Total input = input_tokens + cache_creation_input_tokens + cache_read_input_tokens; `input_tokens`
 * counts only the tokens after the last cache breakpoint:
 * https://platform.claude.com/docs/en/build-with-claude/prompt-caching#tracking-cache-performance
 */
export function readTokenCounts(obj: Record<string, unknown>, path: string): TokenCounts {
  const input = readCount(obj, 'input_tokens', path);
  const creation = readCount(obj, 'cache_creation_input_tokens', path);
  const read = readCount(obj, 'cache_read_input_tokens', path);
  const output = readCount(obj, 'output_tokens', path);
  const details = readOptionalObject(obj, 'output_tokens_details', path);
  const thinking = details
    ? readOptionalCount(details, 'thinking_tokens', `${path}.output_tokens_details`)
    : null;
  const split = readSplit(obj, creation, path);
  return {
    input_tokens: input,
    cache_creation_input_tokens: creation,
    cache_read_input_tokens: read,
    cache_creation: split,
    cache_creation_unknown_ttl_tokens: unknownTtlTokens(creation, split),
    output_tokens: output,
    thinking_tokens: thinking,
    total_input_tokens: input + creation + read,
  };
}

/**
 * `cache_creation` splits writes by TTL, and `cache_creation_input_tokens` equals the sum of its values:
 * https://platform.claude.com/docs/en/build-with-claude/prompt-caching#1-hour-cache-duration
 * Older responses have no `cache_creation` object: the split is then unknown, except that no writes
 * means none of either TTL.
 */
function readSplit(obj: Record<string, unknown>, creation: number, path: string): CacheCreationSplit {
  const split = readOptionalObject(obj, 'cache_creation', path);
  if (!split) {
    return creation === 0
      ? { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 }
      : { ephemeral_5m_input_tokens: null, ephemeral_1h_input_tokens: null };
  }
  const sub = `${path}.cache_creation`;
  return {
    ephemeral_5m_input_tokens: readOptionalCount(split, 'ephemeral_5m_input_tokens', sub),
    ephemeral_1h_input_tokens: readOptionalCount(split, 'ephemeral_1h_input_tokens', sub),
  };
}

/** Write tokens not covered by the TTL split (the whole write when the split is missing). */
export function unknownTtlTokens(creation: number, split: CacheCreationSplit): number {
  const known = (split.ephemeral_5m_input_tokens ?? 0) + (split.ephemeral_1h_input_tokens ?? 0);
  return Math.max(0, creation - known);
}

export function zeroCounts(): TokenCounts {
  return {
    input_tokens: 0,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
    cache_creation_unknown_ttl_tokens: 0,
    output_tokens: 0,
    thinking_tokens: null,
    total_input_tokens: 0,
  };
}

function addNullable(a: number | null, b: number | null): number | null {
  return a === null && b === null ? null : (a ?? 0) + (b ?? 0);
}

/** Sums counts. A TTL member stays unknown only if it is unknown on both sides and the sum is non-zero. */
export function addCounts(a: TokenCounts, b: TokenCounts): TokenCounts {
  const creation = a.cache_creation_input_tokens + b.cache_creation_input_tokens;
  const split: CacheCreationSplit = {
    ephemeral_5m_input_tokens: addNullable(
      a.cache_creation.ephemeral_5m_input_tokens,
      b.cache_creation.ephemeral_5m_input_tokens,
    ),
    ephemeral_1h_input_tokens: addNullable(
      a.cache_creation.ephemeral_1h_input_tokens,
      b.cache_creation.ephemeral_1h_input_tokens,
    ),
  };
  return {
    input_tokens: a.input_tokens + b.input_tokens,
    cache_creation_input_tokens: creation,
    cache_read_input_tokens: a.cache_read_input_tokens + b.cache_read_input_tokens,
    cache_creation: split,
    cache_creation_unknown_ttl_tokens:
      a.cache_creation_unknown_ttl_tokens + b.cache_creation_unknown_ttl_tokens,
    output_tokens: a.output_tokens + b.output_tokens,
    thinking_tokens: addNullable(a.thinking_tokens, b.thinking_tokens),
    total_input_tokens: a.total_input_tokens + b.total_input_tokens,
  };
}
