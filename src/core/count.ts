import type { Breakpoint } from '../request/cache-control.js';

/**
 * Whether a prefix can be cached. Below the model's minimum cacheable length a breakpoint is ignored
 * without an error, so it is never cached:
 * https://platform.claude.com/docs/en/build-with-claude/prompt-caching#cache-limitations
 */
export type PrefixVerdict = 'cacheable' | 'below_minimum' | 'unknown_minimum';

export interface BreakpointCount {
  breakpoint: Breakpoint;
  /** count_tokens for the request cut after this breakpoint. */
  prefix_tokens: number;
  /** The count includes a one-character placeholder user turn (the endpoint needs a message). */
  includes_placeholder: boolean;
  verdict: PrefixVerdict;
}

export interface CountReport {
  model: string;
  input_tokens: number;
  minimum_cacheable_tokens: number | null;
  breakpoints: BreakpointCount[];
}

export function prefixVerdict(tokens: number, minimum: number | null): PrefixVerdict {
  if (minimum === null) return 'unknown_minimum';
  return tokens >= minimum ? 'cacheable' : 'below_minimum';
}
