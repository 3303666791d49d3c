import type { CostCategory, TokenCounts } from '../../core/types.js';

export type TokenCategory = Exclude<CostCategory, 'web_search' | 'web_fetch'>;

/**
 * The separately priced token categories. Uncached input, 5m writes, 1h writes, cache reads and output
 * each have their own rate (https://platform.claude.com/docs/en/about-claude/pricing#model-pricing).
 * Writes whose TTL the response does not give (older responses have no `cache_creation` object) are kept
 * apart and priced at the 5m rate, the lower bound, with a note.
 */
export const TOKEN_CATEGORIES: readonly TokenCategory[] = [
  'input',
  'cache_write_5m',
  'cache_write_1h',
  'cache_write_unknown_ttl',
  'cache_read',
  'output',
];

/** Every cost category: the token categories, then the server tools. */
export const COST_CATEGORIES: readonly CostCategory[] = [...TOKEN_CATEGORIES, 'web_search', 'web_fetch'];

export function categoryTokens(c: TokenCounts, category: TokenCategory): number {
  switch (category) {
    case 'input':
      return c.input_tokens;
    case 'cache_write_5m':
      return c.cache_creation.ephemeral_5m_input_tokens ?? 0;
    case 'cache_write_1h':
      return c.cache_creation.ephemeral_1h_input_tokens ?? 0;
    case 'cache_write_unknown_ttl':
      return c.cache_creation_unknown_ttl_tokens;
    case 'cache_read':
      return c.cache_read_input_tokens;
    default:
      return c.output_tokens;
  }
}
