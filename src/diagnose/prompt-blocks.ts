import { isPlainObject } from '../extract/counts.js';

export type PromptSection = 'tools' | 'system' | 'messages';

/** One block of a request's cacheable prefix, in the order the cache sees it. */
export interface PromptBlock {
  section: PromptSection;
  /** Where it sits in the request body, e.g. `system[1]`, `messages[2].content[0]`. */
  path: string;
  /** The block with every `cache_control` marker removed: markers place breakpoints, they are not content. */
  content: unknown;
  /** `content` serialized once, for comparing long conversations quickly. */
  key: string;
  /** The message role, for blocks of `messages`. */
  role: string | null;
  /** A label for people: the tool's name. */
  name: string | null;
  /** Whether the block carries `cache_control` (a breakpoint). */
  breakpoint: boolean;
  /** The block was a plain string (`system` or message `content`), not a content block. */
  fromString: boolean;
}

/** A request body flattened for prefix comparison, plus the request-level settings that invalidate caches. */
export interface PromptPrefix {
  blocks: PromptBlock[];
  /** Top-level `cache_control`: automatic caching puts the breakpoint on the last block. */
  automatic: boolean;
  body: Record<string, unknown>;
}

/** Drops `cache_control` at any depth: moving a breakpoint does not change the cached content. */
export function withoutCacheControl(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutCacheControl);
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (key !== 'cache_control') out[key] = withoutCacheControl(v);
  }
  return out;
}

function block(
  section: PromptSection,
  path: string,
  raw: unknown,
  options: { role?: string | null; name?: string | null; fromString?: boolean } = {},
): PromptBlock {
  const content = withoutCacheControl(raw);
  return {
    section,
    path,
    content,
    key: JSON.stringify(content) ?? '',
    role: options.role ?? null,
    name: options.name ?? null,
    breakpoint: isPlainObject(raw) && isPlainObject(raw.cache_control),
    fromString: options.fromString === true,
  };
}

/** A string `system` or message `content` is one text block. */
function textBlocks(value: unknown): unknown[] | null {
  if (typeof value === 'string') return [{ type: 'text', text: value }];
  return Array.isArray(value) ? value : null;
}

/**
 * The cache prefix in its documented order, tools → system → messages:
 * https://platform.claude.com/docs/en/build-with-claude/prompt-caching#how-prompt-caching-works
 * Returns null when the body is not a Messages request (no `messages` array).
 */
export function promptPrefix(body: unknown): PromptPrefix | null {
  if (!isPlainObject(body) || !Array.isArray(body.messages)) return null;
  const blocks: PromptBlock[] = [];
  if (Array.isArray(body.tools)) {
    body.tools.forEach((tool, i) => {
      const name = isPlainObject(tool) && typeof tool.name === 'string' ? tool.name : null;
      blocks.push(block('tools', `tools[${i}]`, tool, { name }));
    });
  }
  const system = textBlocks(body.system);
  if (system) {
    const single = typeof body.system === 'string';
    system.forEach((b, i) => {
      blocks.push(block('system', single ? 'system' : `system[${i}]`, b, { fromString: single }));
    });
  }
  body.messages.forEach((message, i) => {
    if (!isPlainObject(message)) return;
    const role = typeof message.role === 'string' ? message.role : null;
    const single = typeof message.content === 'string';
    (textBlocks(message.content) ?? []).forEach((b, j) => {
      const path = single ? `messages[${i}].content` : `messages[${i}].content[${j}]`;
      blocks.push(block('messages', path, b, { role, fromString: single }));
    });
  });
  return { blocks, automatic: isPlainObject(body.cache_control), body };
}

/** Positions of the prefix's breakpoints: marked blocks, and the last block under automatic caching. */
export function breakpointPositions(prefix: PromptPrefix): number[] {
  const positions = prefix.blocks.flatMap((b, i) => (b.breakpoint ? [i] : []));
  const last = prefix.blocks.length - 1;
  if (prefix.automatic && last >= 0 && !positions.includes(last)) positions.push(last);
  return positions;
}

/** Whether any image block appears anywhere in the messages. */
export function hasImages(prefix: PromptPrefix): boolean {
  const walk = (value: unknown): boolean => {
    if (Array.isArray(value)) return value.some(walk);
    if (!isPlainObject(value)) return false;
    if (value.type === 'image') return true;
    return Object.values(value).some(walk);
  };
  return prefix.blocks.some((b) => b.section === 'messages' && walk(b.content));
}
