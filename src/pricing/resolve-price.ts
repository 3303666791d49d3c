import { canonicalModelId, resolveModel } from '../models/resolve-model.js';
import type { ModelPrice, PriceTable } from './price-data.js';

function lookup(table: PriceTable, id: string): ModelPrice | null {
  return table.models.get(id) ?? table.models.get(table.aliases.get(id) ?? '') ?? null;
}

/**
 * The price entry for a model as the response names it: API ids, dated ids and aliases, Bedrock
 * `anthropic.` ids and Vertex `@` ids (canonicalModelId), then the aliases of src/data/models.json.
 * Null when the table has no entry: the cost is then unknown, never zero.
 */
export function resolvePrice(model: string | null | undefined, table: PriceTable): ModelPrice | null {
  if (!model) return null;
  let memo = resolved.get(table);
  if (!memo) {
    memo = new Map();
    resolved.set(table, memo);
  }
  const hit = memo.get(model);
  if (hit !== undefined) return hit;
  const found = findPrice(model, table);
  if (memo.size < MEMO_LIMIT) memo.set(model, found);
  return found;
}

// Memoised per table: a table is complete before its first request is priced (load-pricing.ts builds
// its own with findPrice), and a response names the same few models many times.
const resolved = new WeakMap<PriceTable, Map<string, ModelPrice | null>>();
/** Model names come from the input: past this many distinct ones, resolve without remembering. */
export const MEMO_LIMIT = 10_000;

/** resolvePrice without the memo, for a table still being built. */
export function findPrice(model: string, table: PriceTable): ModelPrice | null {
  const id = canonicalModelId(model);
  const undated = id.replace(/-\d{8}$/, '').replace(/-latest$/, '');
  const known = resolveModel(model)?.id;
  return lookup(table, id) ?? lookup(table, undated) ?? (known ? lookup(table, known) : null);
}

/** Whether two model names resolve to the same price entry (or are the same unknown name). */
export function samePricedModel(a: string | null, b: string | null, table: PriceTable): boolean {
  if (a === b) return true;
  const pa = resolvePrice(a, table);
  return pa !== null && pa === resolvePrice(b, table);
}
