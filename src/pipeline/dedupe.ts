import type { RequestResult } from '../core/types.js';

/**
 * Claude Code writes one transcript line per content block while a response streams, each with the same
 * `message.id` and `requestId`; early lines can hold partial `output_tokens`. Keeping the first line
 * under-counts, so one entry per pair is kept: the most complete (largest output, then largest input).
 */
export function dedupeKey(r: RequestResult): string | null {
  if (r.kind !== 'claude_code' || (!r.id && !r.request_id)) return null;
  return `${r.id ?? ''}\u0000${r.request_id ?? ''}`;
}

export function moreComplete(candidate: RequestResult, current: RequestResult): boolean {
  const a = candidate.billed_usage;
  const b = current.billed_usage;
  if (!a || !b) return a !== null && b === null;
  if (a.output_tokens !== b.output_tokens) return a.output_tokens > b.output_tokens;
  return a.total_input_tokens > b.total_input_tokens;
}
