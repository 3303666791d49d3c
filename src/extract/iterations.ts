import type { Iteration, TokenCounts, Usage } from '../core/types.js';
import { isPlainObject, readOptionalString, UsageFieldError } from './counts.js';
import { addCounts, readTokenCounts, zeroCounts } from './token-counts.js';
import { withExtras } from './usage.js';

export type RawIteration = Omit<Iteration, 'cache' | 'cost'>;

/**
 * Which iterations the top-level `usage` fields include, by iteration type:
 * - `compaction`: "The top-level input_tokens and output_tokens do not include compaction iteration
 *   usage." https://platform.claude.com/docs/en/build-with-claude/compaction#understanding-usage
 * - `advisor_message`: "Top-level usage fields reflect executor tokens only."
 *   https://platform.claude.com/docs/en/agents-and-tools/tool-use/advisor-tool
 * - `fallback_message`: the top level describes only the attempt that produced the returned message;
 *   declined hops produce `message` entries on another model and are reported but not charged.
 *   https://platform.claude.com/docs/en/build-with-claude/refusals-and-fallback (and the SDK's
 *   BetaFallbackMessageIterationUsage doc comment)
 * - `message`: sampling iterations of the executor; all summed into the top level.
 * Unknown types are kept and treated as billed but not in the top level, which the consistency check
 * in analyze.ts then reports.
 */
export function readIterations(
  raw: unknown,
  requestModel: string | null,
  path = 'usage.iterations',
): RawIteration[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new UsageFieldError(`${path} is not an array`);
  const parsed = raw.map((entry, i) => {
    const at = `${path}[${i}]`;
    if (!isPlainObject(entry)) throw new UsageFieldError(`${at} is not an object`);
    const type = readOptionalString(entry, 'type', at) ?? 'message';
    const ownModel = readOptionalString(entry, 'model', at);
    return { index: i + 1, type, ownModel, counts: readTokenCounts(entry, at) };
  });
  const fallbackModel = parsed.find((p) => p.type === 'fallback_message')?.ownModel ?? null;
  return parsed.map((p) => {
    const declinedHop =
      fallbackModel !== null && p.type === 'message' && p.ownModel !== null && p.ownModel !== fallbackModel;
    const inTop = (p.type === 'message' && !declinedHop) || p.type === 'fallback_message';
    return {
      ...p.counts,
      index: p.index,
      type: p.type,
      model: p.ownModel ?? requestModel,
      in_top_level: inTop,
      billed: !declinedHop,
    };
  });
}

export function sumCounts(items: TokenCounts[]): TokenCounts {
  return items.reduce<TokenCounts>((acc, it) => addCounts(acc, it), zeroCounts());
}

/**
 * Usage actually consumed: "To calculate total tokens consumed and billed for a request, sum across all
 * entries in usage.iterations." https://platform.claude.com/docs/en/build-with-claude/compaction#understanding-usage
 * Without iterations the top level is the whole story.
 */
export function billedUsage(top: Usage, iterations: RawIteration[]): Usage {
  if (iterations.length === 0) return top;
  const sum = sumCounts(iterations.filter((it) => it.billed));
  return withExtras(sum, top.server_tool_use, top.service_tier, top.speed, top.inference_geo);
}

/** Describes how the top level differs from the sum of the iterations it should include, or null. */
export function topLevelMismatch(top: Usage, iterations: RawIteration[]): string | null {
  if (iterations.length === 0) return null;
  const sum = sumCounts(iterations.filter((it) => it.in_top_level));
  const fields = [
    'input_tokens',
    'cache_creation_input_tokens',
    'cache_read_input_tokens',
    'output_tokens',
  ] as const;
  const off = fields.filter((f) => sum[f] !== top[f]);
  if (off.length === 0) return null;
  return off.map((f) => `${f} ${top[f]} (iterations give ${sum[f]})`).join(', ');
}
