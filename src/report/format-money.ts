import type { CostSummary, MoneySum } from '../core/types.js';
import { roundedUsd } from '../pricing/money.js';

const DOLLAR = 10n ** 12n;

/**
 * Display rounding only (amounts stay exact underneath): six decimals under $1 so small requests do not
 * show as $0.00, four under $100, then cents; trailing zeros dropped down to cents.
 * `$1,234.57`, `$0.018375`, `-$0.0011`, `$0.50`.
 */
export function formatUsd(m: MoneySum): string {
  const big = BigInt(m);
  const abs = big < 0n ? -big : big;
  if (roundedUsd(abs, 6) === '0.000000') return '$0';
  const decimals = abs < DOLLAR ? 6 : abs < 100n * DOLLAR ? 4 : 2;
  const text = roundedUsd(abs, decimals);
  const [whole = '0', digits = ''] = text.split('.');
  const frac = digits.replace(/0+$/, '').padEnd(2, '0');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const sign = big < 0n && /[1-9]/.test(text) ? '-' : '';
  return `${sign}$${grouped}.${frac}`;
}

/** Marks: `?` no price, `~` a price not confirmed on the official pricing page. */
export function costCell(
  c: CostSummary<MoneySum> | null,
  pick: (c: CostSummary<MoneySum>) => MoneySum | null,
): string {
  if (!c) return '–';
  const value = pick(c);
  if (!c.priced || value === null) return '?';
  return `${c.confirmed ? '' : '~'}${formatUsd(value)}`;
}
