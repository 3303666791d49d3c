import { isPlainObject } from '../extract/counts.js';
import type { Breakpoint, RequestBody } from './cache-control.js';

/**
 * Fields the token counting endpoint takes (MessageCountTokensParams in the SDK, standard and beta):
 * https://platform.claude.com/docs/en/api/messages/count_tokens. Everything else in a create
 * body (max_tokens, stream, temperature, metadata, …) is left out.
 */
const COUNT_FIELDS = [
  'model',
  'messages',
  'system',
  'tools',
  'tool_choice',
  'thinking',
  'output_config',
  'cache_control',
  'speed',
  'context_management',
  'mcp_servers',
  'compaction',
  'output_format',
] as const;

/**
 * The endpoint needs at least one message, so a prefix that ends in tools or system is counted with
 * this one-character user turn after it; the count is then a few tokens above the prefix alone.
 */
export const PLACEHOLDER_MESSAGE = { role: 'user', content: '.' } as const;

/** The create body reduced to what count_tokens accepts, and the names of the fields left out. */
export function countBody(body: RequestBody): { body: RequestBody; dropped: string[] } {
  const out: RequestBody = {};
  const dropped: string[] = [];
  for (const [key, value] of Object.entries(body)) {
    if ((COUNT_FIELDS as readonly string[]).includes(key)) out[key] = value;
    else dropped.push(key);
  }
  return { body: out, dropped };
}

function upTo(list: unknown, last: number): unknown[] {
  return Array.isArray(list) ? list.slice(0, last + 1) : [];
}

/** The content of one message cut after the block at `path` (nested for tool_result content). */
function cutContent(content: unknown, path: number[]): unknown[] {
  const [at = 0, ...rest] = path;
  const blocks = upTo(content, at);
  if (rest.length === 0) return blocks;
  const inner = blocks[at];
  if (!isPlainObject(inner)) return blocks;
  blocks[at] = { ...inner, content: cutContent(inner.content, rest) };
  return blocks;
}

/**
 * The count_tokens body for the prompt prefix that ends at `breakpoint`: what the cache entry written
 * there would hold. Prefix order is tools → system → messages
 * (https://platform.claude.com/docs/en/build-with-claude/prompt-caching).
 */
export function prefixCountBody(body: RequestBody, breakpoint: Breakpoint): RequestBody {
  return withoutUndefined(prefixOf(body, breakpoint));
}

function withoutUndefined(body: RequestBody): RequestBody {
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
}

function prefixOf(body: RequestBody, breakpoint: Breakpoint): RequestBody {
  const { model, tools, system, messages, tool_choice } = body;
  const [first = 0, ...rest] = breakpoint.path;
  switch (breakpoint.section) {
    case 'tools':
      return { model, tools: upTo(tools, first), messages: [PLACEHOLDER_MESSAGE] };
    case 'system':
      return { model, tools, tool_choice, system: upTo(system, first), messages: [PLACEHOLDER_MESSAGE] };
    case 'messages': {
      const kept = upTo(messages, first);
      const last = kept[first];
      if (isPlainObject(last)) kept[first] = { ...last, content: cutContent(last.content, rest) };
      return { model, tools, tool_choice, system, messages: kept };
    }
    case 'automatic':
      return countBody(body).body;
  }
}

/** Whether counting this prefix needs the placeholder turn (its count then slightly overstates it). */
export function usesPlaceholder(breakpoint: Breakpoint): boolean {
  return breakpoint.section === 'tools' || breakpoint.section === 'system';
}
