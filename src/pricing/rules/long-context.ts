import type { TokenCounts } from '../../core/types.js';
import type { LongContextRule, ModelPrice } from '../price-data.js';
import { inEffect } from './dates.js';

/**
 * Tokens that count toward a long-context threshold: "The 200k threshold is based solely on input tokens
 * (including cache reads/writes)". Output does not count.
 * https://platform.claude.com/docs/en/about-claude/pricing#long-context-pricing
 */
export function longContextTokens(counts: TokenCounts): number {
  return counts.input_tokens + counts.cache_read_input_tokens + counts.cache_creation_input_tokens;
}

/**
 * The long-context rule a request (or one iteration) falls under, or null. Over the threshold "all tokens
 * incur premium pricing": the rule's rates replace the standard ones for every category, output included
 * (pricing page above; Haiku 5.5 prices prompts over 100,000 tokens the same way:
 * https://platform.claude.com/docs/en/models/haiku-5-5/overview).
 *
 * Without a timestamp the rules in force on `asOf` apply, plus rules whose longer requests are rejected
 * once they end (Sonnet 4 / 4.5 after the 1M beta was retired), since such a request must predate them.
 */
export function longContextRule(
  model: ModelPrice,
  counts: TokenCounts,
  day: string | null,
  asOf: string,
): LongContextRule | null {
  // A loop rather than filters: this runs for every request, and most have no rule to find.
  let found: LongContextRule | null = null;
  if (model.longContext.length === 0) return found;
  const tokens = longContextTokens(counts);
  for (const r of model.longContext) {
    if (tokens <= r.threshold) continue;
    if (day !== null ? inEffect(r, day) : inEffect(r, asOf) || r.afterUntil === 'rejected') found = r;
  }
  return found;
}

/** A rule that would have applied to an undated request on some other day (for a note). */
export function longContextElsewhen(model: ModelPrice, counts: TokenCounts): LongContextRule | null {
  const tokens = longContextTokens(counts);
  let found: LongContextRule | null = null;
  for (const r of model.longContext) if (tokens > r.threshold) found = r;
  return found;
}
