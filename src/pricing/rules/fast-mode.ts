import type { FastRule, ModelPrice } from '../price-data.js';
import { inEffect, last } from './dates.js';

/**
 * Fast mode (`usage.speed: "fast"`) is "priced at a multiplier on standard rates across the full context
 * window"; prompt caching and data-residency multipliers stack on top:
 * https://platform.claude.com/docs/en/build-with-claude/fast-mode
 *
 * Returns the model's fast rule in force on `day`, or null when the model has none then (the cost is
 * then unknown, not standard). A response that reports `speed: "fast"` ran in fast mode, so an undated
 * one takes the model's latest fast rule.
 */
export function fastRule(model: ModelPrice, day: string | null): FastRule | null {
  if (day === null) return last(model.fast);
  return last(model.fast.filter((r) => inEffect(r, day)));
}

export function isFast(speed: string | null): boolean {
  return speed === 'fast';
}
