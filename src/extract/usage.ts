import type { TokenCounts, Usage } from '../core/types.js';
import {
  isPlainObject,
  readCount,
  readOptionalObject,
  readOptionalString,
  UsageFieldError,
} from './counts.js';
import { readTokenCounts, zeroCounts } from './token-counts.js';

/**
 * Reads a Messages API `usage` object (Usage or BetaUsage) from untrusted JSON.
 * Field list: https://platform.claude.com/docs/en/api/messages/create (response `usage`)
 * Throws UsageFieldError naming the first bad field.
 */
export function readUsage(raw: unknown, path = 'usage'): Usage {
  if (!isPlainObject(raw)) throw new UsageFieldError(`${path} is not an object`);
  return withExtras(
    readTokenCounts(raw, path),
    readServerToolUse(raw, path),
    readOptionalString(raw, 'service_tier', path),
    readOptionalString(raw, 'speed', path),
    readOptionalString(raw, 'inference_geo', path),
  );
}

/**
 * `server_tool_use` counts server tool calls (web search, web fetch, …). The API adds keys over time
 * (`code_execution_requests` appears in the pricing docs before the SDK types), so every numeric key is kept:
 * https://platform.claude.com/docs/en/about-claude/pricing#server-tools
 */
/**
 * Builds a Usage from counts and extras with a literal of fixed shape: object spread here was the single
 * largest cost per request on large inputs (see bench/).
 */
export function withExtras(
  c: TokenCounts,
  serverToolUse: Record<string, number>,
  serviceTier: string | null,
  speed: string | null,
  inferenceGeo: string | null,
): Usage {
  return {
    input_tokens: c.input_tokens,
    cache_creation_input_tokens: c.cache_creation_input_tokens,
    cache_read_input_tokens: c.cache_read_input_tokens,
    cache_creation: c.cache_creation,
    cache_creation_unknown_ttl_tokens: c.cache_creation_unknown_ttl_tokens,
    output_tokens: c.output_tokens,
    thinking_tokens: c.thinking_tokens,
    total_input_tokens: c.total_input_tokens,
    server_tool_use: serverToolUse,
    service_tier: serviceTier,
    speed,
    inference_geo: inferenceGeo,
  };
}

/**
 * Most responses have no `server_tool_use`: they share one empty, frozen object (a request's usage is never
 * changed once read; totals sum into objects of their own).
 */
export const NO_SERVER_TOOLS: Record<string, number> = Object.freeze({}) as Record<string, number>;

function readServerToolUse(raw: Record<string, unknown>, path: string): Record<string, number> {
  const obj = readOptionalObject(raw, 'server_tool_use', path);
  if (!obj) return NO_SERVER_TOOLS;
  const out: Record<string, number> = {};
  for (const key of Object.keys(obj)) {
    if (obj[key] === null || obj[key] === undefined) continue;
    if (typeof obj[key] === 'object') continue;
    out[key] = readCount(obj, key, `${path}.server_tool_use`);
  }
  return out;
}

export function zeroUsage(): Usage {
  return { ...zeroCounts(), server_tool_use: {}, service_tier: null, speed: null, inference_geo: null };
}
