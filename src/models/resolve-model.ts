import { MODEL_DATA, type ModelEntry } from './model-data.js';

const byId = new Map<string, ModelEntry>();
for (const entry of MODEL_DATA.models) {
  byId.set(entry.id, entry);
  for (const alias of entry.aliases) byId.set(alias, entry);
}

/**
 * Reduces the forms users see to the API's model id:
 * - Bedrock: `anthropic.claude-sonnet-4-5-20250929-v1:0`, with an optional region prefix (`us.`, `global.`, …)
 * - Vertex AI: `claude-sonnet-4-5@20250929`
 * - dated API ids: `claude-sonnet-4-5-20250929`
 */
export function canonicalModelId(model: string): string {
  let id = model.trim().toLowerCase();
  const bedrock = id.match(/(?:^|\.)anthropic\.(claude-[a-z0-9.-]+?)(?:-v\d+(?::\d+)?)?$/);
  if (bedrock?.[1]) id = bedrock[1];
  const at = id.indexOf('@');
  if (at > 0) id = id.slice(0, at);
  return id;
}

const resolved = new Map<string, ModelEntry | null>();

/** The model's data entry, or null when we have none for it. Memoised: a run sees few distinct ids. */
export function resolveModel(model: string | null | undefined): ModelEntry | null {
  if (!model) return null;
  // A run names a few models over and over: comparing with the last few beats hashing each freshly parsed
  // name for the map.
  for (let i = 0; i < RECENT; i++) if (recentNames[i] === model) return recentEntries[i] as ModelEntry | null;
  let entry = resolved.get(model);
  if (entry === undefined) {
    entry = lookup(model);
    if (resolved.size < 10_000) resolved.set(model, entry);
  }
  recentNames[nextRecent] = model;
  recentEntries[nextRecent] = entry;
  nextRecent = (nextRecent + 1) % RECENT;
  return entry;
}

const RECENT = 4;
const recentNames: (string | null)[] = new Array(RECENT).fill(null);
const recentEntries: (ModelEntry | null)[] = new Array(RECENT).fill(null);
let nextRecent = 0;

function lookup(model: string): ModelEntry | null {
  const id = canonicalModelId(model);
  const direct = byId.get(id);
  if (direct) return direct;
  const undated = id.replace(/-\d{8}$/, '').replace(/-latest$/, '');
  return byId.get(undated) ?? null;
}

/**
 * Minimum cacheable prompt length in effect for the model at `when` (ISO time; now when absent).
 * Below it a `cache_control` breakpoint is ignored without an error:
 * https://platform.claude.com/docs/en/build-with-claude/prompt-caching#cache-limitations
 */
export function minimumCacheableTokens(
  model: string | null | undefined,
  when?: string | null,
): number | null {
  const entry = resolveModel(model);
  if (!entry) return null;
  const at = when ? when.slice(0, 10) : null;
  let tokens: number | null = null;
  for (const step of entry.cache_minimum.history) {
    if (step.since === null || at === null || step.since <= at) tokens = step.tokens;
  }
  return tokens;
}
