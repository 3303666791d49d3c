import type { CostItem } from '../../core/types.js';
import type { PriceTable } from '../price-data.js';

export interface ServerToolCharges {
  items: CostItem[];
  /** Tools used but without a price, e.g. `code_execution_requests 2`. */
  unpriced: string[];
}

const CATEGORY = { web_search_requests: 'web_search', web_fetch_requests: 'web_fetch' } as const;

/**
 * Server tools are billed per use on top of their tokens: web search $10 per 1,000 searches, web fetch
 * at no extra charge (https://platform.claude.com/docs/en/about-claude/pricing#server-tools). Other
 * counters (code execution is billed per container-hour, which usage does not report) are listed, not priced.
 * The fee is not discounted by batch, fast mode or data residency, which apply to tokens.
 */
export function serverToolCharges(use: Record<string, number>, table: PriceTable): ServerToolCharges {
  let found: ServerToolCharges | null = null;
  // for…in rather than Object.entries: most requests use no server tool, and this runs for each.
  for (const key in use) {
    const count = use[key] as number;
    if (count === 0) continue;
    found ??= { items: [], unpriced: [] };
    const price = table.serverTools.get(key);
    const category = CATEGORY[key as keyof typeof CATEGORY];
    if (!price || !category) {
      found.unpriced.push(`${key} ${count}`);
      continue;
    }
    found.items.push({
      category,
      iteration: null,
      model: null,
      quantity: count,
      unit: 'requests',
      base_rate: price.perRequest,
      factors: [],
      rate: price.perRequest,
      amount: price.perRequest * count,
    });
  }
  return found ?? NONE;
}

/** No server tool used: shared, since charges are only read. */
const NONE: ServerToolCharges = Object.freeze({ items: [], unpriced: [] }) as unknown as ServerToolCharges;
