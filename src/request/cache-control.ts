import { CACHE_TARGETS, type CacheTarget, type CacheTtl } from '../choices.js';
import { CliError } from '../errors.js';
import { isPlainObject } from '../extract/counts.js';

// Rules for cache_control placement, from https://platform.claude.com/docs/en/build-with-claude/prompt-caching:
// - the cached prefix is built in the order tools → system → messages;
// - at most 4 blocks may carry cache_control; the top-level (automatic) cache_control takes one slot;
// - thinking blocks cannot carry cache_control (they are cached as part of earlier turns);
// - `ttl` is "5m" (the default when absent) or "1h", and 1h entries must come before 5m entries.

export const MAX_BREAKPOINTS = 4;

export type RequestBody = Record<string, unknown>;

export type BreakpointSection = 'tools' | 'system' | 'messages' | 'automatic';

/** One cache_control marker in a request, in the API's prefix order. */
export interface Breakpoint {
  /** 1-based position in prefix order; the automatic (top-level) one comes last. */
  index: number;
  section: BreakpointSection;
  /** Where the marker sits: `tools[2]`, `system[0]`, `messages[3].content[1]`, or `cache_control`. */
  location: string;
  /** The marker's TTL; a marker without `ttl` is 5m. */
  ttl: CacheTtl;
  /** Indices from the section down to the block: [2] for tools[2], [3, 1] for messages[3].content[1]. */
  path: number[];
}

/** Block types that may not carry cache_control. */
const UNCACHEABLE_BLOCKS = new Set(['thinking', 'redacted_thinking']);

function marker(ttl: CacheTtl | null): Record<string, unknown> {
  return ttl ? { type: 'ephemeral', ttl } : { type: 'ephemeral' };
}

function asBlocks(value: unknown): unknown[] | null {
  if (typeof value === 'string') return value === '' ? [] : [{ type: 'text', text: value }];
  return Array.isArray(value) ? value : null;
}

function lastCacheable(blocks: unknown[]): number {
  for (let i = blocks.length - 1; i >= 0; i--) {
    const block = blocks[i];
    if (isPlainObject(block) && !UNCACHEABLE_BLOCKS.has(String(block.type))) return i;
  }
  return -1;
}

function mark(blocks: unknown[], at: number, ttl: CacheTtl | null): unknown[] {
  const copy = [...blocks];
  copy[at] = { ...(copy[at] as Record<string, unknown>), cache_control: marker(ttl) };
  return copy;
}

function placeOne(
  body: RequestBody,
  target: Exclude<CacheTarget, 'none'>,
  ttl: CacheTtl | null,
): RequestBody {
  switch (target) {
    case 'tools': {
      const tools = Array.isArray(body.tools) ? body.tools : [];
      const at = lastCacheable(tools);
      if (at < 0) throw new CliError('--cache tools: the request has no tools (give --tools FILE)');
      return { ...body, tools: mark(tools, at, ttl) };
    }
    case 'system': {
      const blocks = asBlocks(body.system) ?? [];
      const at = lastCacheable(blocks);
      if (at < 0) throw new CliError('--cache system: the request has no system prompt (give --system)');
      return { ...body, system: mark(blocks, at, ttl) };
    }
    case 'messages': {
      const messages = Array.isArray(body.messages) ? [...body.messages] : [];
      const last = messages.length - 1;
      const message = messages[last];
      const blocks = isPlainObject(message) ? (asBlocks(message.content) ?? []) : [];
      const at = lastCacheable(blocks);
      if (at < 0) throw new CliError('--cache messages: the last message has no block that can be cached');
      messages[last] = { ...(message as Record<string, unknown>), content: mark(blocks, at, ttl) };
      return { ...body, messages };
    }
    case 'auto':
      // Automatic caching: a top-level cache_control applies to the last cacheable block.
      return { ...body, cache_control: marker(ttl) };
  }
}

function stripMarkers(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripMarkers);
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) if (key !== 'cache_control') out[key] = stripMarkers(v);
  return out;
}

/** Sets `ttl` on every marker: --ttl applies to the breakpoints placed and to those the request had. */
function setTtl(value: unknown, ttl: CacheTtl): unknown {
  if (Array.isArray(value)) return value.map((v) => setTtl(v, ttl));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = key === 'cache_control' && isPlainObject(v) ? { ...v, ttl } : setTtl(v, ttl);
  }
  return out;
}

/**
 * Places cache_control markers where `targets` ask. With no targets the request is left as it is;
 * `none` removes every marker. `ttl` (when given) is set on every marker of the result.
 */
export function applyCacheOptions(
  body: RequestBody,
  targets: readonly CacheTarget[] | null,
  ttl: CacheTtl | null,
): RequestBody {
  let out = body;
  if (targets?.includes('none')) {
    if (targets.length > 1) throw new CliError('--cache none cannot be combined with other targets');
    out = stripMarkers(out) as RequestBody;
  } else if (targets) {
    // Placed in prefix order so that the listing reads the way the API builds the prefix.
    for (const target of CACHE_TARGETS) {
      if (target !== 'none' && targets.includes(target)) out = placeOne(out, target, ttl);
    }
  }
  return ttl ? (setTtl(out, ttl) as RequestBody) : out;
}

function ttlOf(control: unknown): CacheTtl {
  return isPlainObject(control) && control.ttl === '1h' ? '1h' : '5m';
}

/** Every cache_control marker of a request, in prefix order (tools → system → messages → automatic). */
export function listBreakpoints(body: RequestBody): Breakpoint[] {
  const found: Omit<Breakpoint, 'index'>[] = [];
  const scan = (section: BreakpointSection, blocks: unknown, prefix: string, path: number[]) => {
    if (!Array.isArray(blocks)) return;
    blocks.forEach((block, i) => {
      if (!isPlainObject(block)) return;
      const location = `${prefix}[${i}]`;
      // tool_result blocks may hold their own content blocks, each able to carry a marker.
      if (section === 'messages' && Array.isArray(block.content))
        scan(section, block.content, `${location}.content`, [...path, i]);
      if (isPlainObject(block.cache_control))
        found.push({ section, location, ttl: ttlOf(block.cache_control), path: [...path, i] });
    });
  };
  scan('tools', body.tools, 'tools', []);
  scan('system', body.system, 'system', []);
  if (Array.isArray(body.messages)) {
    body.messages.forEach((message, m) => {
      if (isPlainObject(message)) scan('messages', message.content, `messages[${m}].content`, [m]);
    });
  }
  if (isPlainObject(body.cache_control)) {
    found.push({ section: 'automatic', location: 'cache_control', ttl: ttlOf(body.cache_control), path: [] });
  }
  return found.map((b, i) => ({ ...b, index: i + 1 }));
}

/** What the API would reject or silently ignore about these breakpoints, as one-line messages. */
export function checkBreakpoints(breakpoints: readonly Breakpoint[]): {
  errors: string[];
  warnings: string[];
} {
  const errors: string[] = [];
  const warnings: string[] = [];
  if (breakpoints.length > MAX_BREAKPOINTS) {
    errors.push(
      `the request has ${breakpoints.length} cache_control breakpoints; the API allows at most ${MAX_BREAKPOINTS}`,
    );
  }
  const firstShort = breakpoints.findIndex((b) => b.ttl === '5m');
  const lateLong = breakpoints.find((b, i) => b.ttl === '1h' && firstShort !== -1 && i > firstShort);
  if (lateLong) {
    warnings.push(
      `breakpoint ${lateLong.location} (1h) comes after a 5m breakpoint; the API requires 1h entries before 5m ones`,
    );
  }
  return { errors, warnings };
}
