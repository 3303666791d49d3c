import type { Totals } from '../core/types.js';

/** Legends for the `~` and `?` marks of the Cost and Saved columns, when they appear. */
export function costFootnotes(totals: Totals): string[] {
  const lines: string[] = [];
  const { unconfirmed_models: unconfirmed, unpriced_models: unpriced } = totals.cost;
  if (unconfirmed.length > 0) {
    lines.push(
      `~ price not confirmed on the official pricing page: ${unconfirmed.join(', ')} (usage-inspect pricing MODEL shows the source)`,
    );
  }
  if (unpriced.length > 0) {
    lines.push(
      `? cost unknown for ${unpriced.join(', ')} (the warnings say why); --pricing FILE adds prices (usage-inspect pricing --help)`,
    );
  }
  return lines;
}
