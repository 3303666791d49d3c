import type { BreakCause } from '../core/types.js';
import { isPlainObject } from '../extract/counts.js';
import {
  breakpointPositions,
  hasImages,
  type PromptBlock,
  type PromptPrefix,
  type PromptSection,
} from './prompt-blocks.js';

export interface PrefixFinding {
  cause: BreakCause;
  detail: string;
  /** `changed`: the prefix differs; `breakpoints`: same prefix, but no breakpoint could reach the old entry. */
  kind: 'changed' | 'breakpoints';
}

/**
 * "The system checks at most 20 positions per breakpoint, counting the breakpoint itself as the first":
 * https://platform.claude.com/docs/en/build-with-claude/prompt-caching#how-automatic-prefix-checking-works
 */
export const LOOKBACK_BLOCKS = 20;

const SECTION_ORDER: Record<PromptSection, number> = { tools: 0, system: 1, messages: 2 };
const SECTION_CAUSE: Record<PromptSection, BreakCause> = {
  tools: 'tools_changed',
  system: 'system_changed',
  messages: 'messages_changed',
};

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Where two JSON values first differ, as a path suffix: `.text changed`, `.input_schema key order changed`.
 * Key order counts: the cache compares serialized bytes, so reordered keys are a different prefix.
 */
export function describeDifference(a: unknown, b: unknown, path = ''): string {
  if (isPlainObject(a) && isPlainObject(b)) {
    for (const key of Object.keys(a)) if (!(key in b)) return `${path}.${key} removed`;
    for (const key of Object.keys(b)) if (!(key in a)) return `${path}.${key} added`;
    for (const key of Object.keys(a)) {
      if (!sameJson(a[key], b[key])) return describeDifference(a[key], b[key], `${path}.${key}`);
    }
    return `${path} key order changed`;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      if (!sameJson(a[i], b[i])) return describeDifference(a[i], b[i], `${path}[${i}]`);
    }
    return `${path}[${n}] ${a.length > b.length ? 'removed' : 'added'}`;
  }
  return `${path} changed`;
}

function messageIndex(path: string): number {
  const m = path.match(/^messages\[(\d+)\]/);
  return m ? Number(m[1]) : -1;
}

function toolLabel(b: PromptBlock): string {
  return b.name ? ` (tool ${b.name})` : '';
}

/** The first block that differs at one position, named for people. */
function blockDifference(prev: PromptBlock | undefined, next: PromptBlock | undefined): PrefixFinding {
  const changed = (section: PromptSection, detail: string): PrefixFinding => ({
    cause: SECTION_CAUSE[section],
    detail,
    kind: 'changed',
  });
  if (!prev && next) return changed(next.section, `${next.path} added${toolLabel(next)}`);
  if (prev && !next) return changed(prev.section, `${prev.path} removed${toolLabel(prev)}`);
  const a = prev as PromptBlock;
  const b = next as PromptBlock;
  if (SECTION_ORDER[a.section] < SECTION_ORDER[b.section])
    return changed(a.section, `${a.path} removed${toolLabel(a)}`);
  if (SECTION_ORDER[b.section] < SECTION_ORDER[a.section])
    return changed(b.section, `${b.path} added${toolLabel(b)}`);
  if (a.path !== b.path && a.section === 'messages') {
    return messageIndex(a.path) < messageIndex(b.path)
      ? changed('messages', `${a.path} removed`)
      : changed('messages', `${b.path} added`);
  }
  if (a.role !== b.role) return changed(a.section, `${a.path.replace(/\.content.*$/, '')}.role changed`);
  if (a.fromString && b.fromString) return changed(a.section, `${a.path} changed`);
  return changed(a.section, `${a.path}${describeDifference(a.content, b.content)}${toolLabel(a)}`);
}

/**
 * Request settings that invalidate every cache level from `level` on: tool_choice, speed and images
 * invalidate the system and messages caches; thinking and effort the messages cache.
 * https://platform.claude.com/docs/en/build-with-claude/prompt-caching#what-invalidates-the-cache
 */
function settingChange(
  prev: PromptPrefix,
  next: PromptPrefix,
  level: 'system' | 'messages',
): PrefixFinding | null {
  const found = (detail: string): PrefixFinding => ({ cause: SECTION_CAUSE[level], detail, kind: 'changed' });
  if (level === 'system') {
    for (const key of ['tool_choice', 'speed'] as const) {
      if (!sameJson(prev.body[key], next.body[key])) return found(`${key} changed`);
    }
    const before = hasImages(prev);
    if (before !== hasImages(next))
      return found(
        `images ${before ? 'removed from' : 'added to'} the prompt (this invalidates the system cache)`,
      );
    return null;
  }
  if (!sameJson(prev.body.thinking, next.body.thinking)) return found('thinking changed');
  const effort = (body: Record<string, unknown>) =>
    isPlainObject(body.output_config) ? body.output_config.effort : undefined;
  if (!sameJson(effort(prev.body), effort(next.body)))
    return found('output_config.effort changed (no effect if it equals the model default)');
  return null;
}

function breakpointFinding(prev: PromptPrefix, next: PromptPrefix, limit: number): PrefixFinding | null {
  const positions = breakpointPositions(next);
  const finding = (detail: string): PrefixFinding => ({ cause: 'unknown', detail, kind: 'breakpoints' });
  if (positions.length === 0) return finding('the request has no cache_control breakpoint');
  if (positions.some((p) => p >= limit && p - limit < LOOKBACK_BLOCKS)) return null;
  const last = Math.max(...positions);
  const prevPath = prev.blocks[limit]?.path ?? 'the last block';
  if (last < limit) {
    return finding(
      `the last breakpoint moved back to ${next.blocks[last]?.path} (the previous request's was at ${prevPath})`,
    );
  }
  return finding(
    `no breakpoint within ${LOOKBACK_BLOCKS} blocks after ${prevPath}, where the previous request wrote the cache; ` +
      'each breakpoint looks back at most 20 blocks',
  );
}

/**
 * Compares the part of `prev` that was cached (up to its last breakpoint) with `next`, in the cache's own
 * order: tools, then settings that invalidate the system level, system, settings that invalidate the
 * messages level, messages. The cause names the first level that no longer matches; the detail names
 * the block or setting. Null when the cached prefix is intact and a breakpoint could reach it.
 */
export function comparePrefixes(prev: PromptPrefix, next: PromptPrefix): PrefixFinding | null {
  const prevBreakpoints = breakpointPositions(prev);
  const limit = prevBreakpoints.length > 0 ? Math.max(...prevBreakpoints) : prev.blocks.length - 1;
  let first: PrefixFinding | null = null;
  let firstSection: PromptSection | null = null;
  for (let i = 0; i <= limit; i++) {
    const a = prev.blocks[i];
    const b = next.blocks[i];
    if (a && b && a.path === b.path && a.role === b.role && a.key === b.key) continue;
    first = blockDifference(a, b);
    firstSection =
      first.cause === 'tools_changed' ? 'tools' : first.cause === 'system_changed' ? 'system' : 'messages';
    break;
  }
  const reached = prev.blocks[limit]?.section ?? 'tools';
  if (firstSection === 'tools') return first;
  if (SECTION_ORDER[reached] >= SECTION_ORDER.system) {
    const setting = settingChange(prev, next, 'system');
    if (setting) return setting;
  }
  if (firstSection === 'system') return first;
  if (reached === 'messages') {
    const setting = settingChange(prev, next, 'messages');
    if (setting) return setting;
  }
  if (first) return first;
  return breakpointFinding(prev, next, limit);
}
