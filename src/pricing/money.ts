import type { Money, MoneySum } from '../core/types.js';

/**
 * Exact money without floating point. A rate is an integer number of picodollars (1e-12 USD) per token,
 * which is the same as micro-dollars per million tokens: $3.75/MTok is 3,750,000. A price written with up
 * to six decimals in $/MTok is therefore held exactly, and tokens × rate is an exact integer.
 *
 * One request's amounts are JavaScript numbers: exact integers up to 2^53 picodollars ($9,007), far above
 * any single request (1M input tokens at the dearest rate on record is under $100); anything larger is
 * refused rather than rounded (see `safeAmount`). Sums over many requests (totals, groups) are bigint, so
 * they never overflow or drift. Floating point appears only at the edges: the JSON number (the double
 * nearest the exact value) and rounding for display.
 */

const USD_DIGITS = 12;
const PER_MTOK_DIGITS = 6;
const TEN = 10n;

/** A multiplier as an exact fraction in lowest terms, e.g. 1.1 = 11/10. */
export interface Ratio {
  num: number;
  den: number;
  /** How the multiplier was written, for explanations. */
  text: string;
}

const DECIMAL = /^(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/i;

/**
 * Parses a non-negative decimal (a JSON number or a string) into value × 10^scale. Throws RangeError when
 * the value is negative, not a finite decimal, or has more fractional digits than `scale` can hold.
 */
export function scaledDecimal(value: number | string, scale: number): bigint {
  const text = typeof value === 'number' ? String(value) : value.trim();
  const m = DECIMAL.exec(text);
  if (!m) throw new RangeError(`${JSON.stringify(value)} is not a non-negative decimal number`);
  const whole = m[1] ?? '0';
  const frac = m[2] ?? '';
  const exp = Number(m[3] ?? '0');
  const shift = scale + exp - frac.length;
  const digits = BigInt(whole + frac);
  if (shift >= 0) return digits * TEN ** BigInt(shift);
  const div = TEN ** BigInt(-shift);
  if (digits % div !== 0n) throw new RangeError(`${text} has more than ${scale} decimal places`);
  return digits / div;
}

function safe(n: bigint, what: string): number {
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`${what} is too large`);
  return Number(n);
}

/** A price in USD per million tokens → picodollars per token (= micro-dollars per million tokens). */
export function ratePerMTok(value: number | string): Money {
  return safe(scaledDecimal(value, PER_MTOK_DIGITS), `${value} per million tokens`);
}

/** A price in USD per unit (e.g. per web search) → picodollars. */
export function usdAmount(value: number | string): Money {
  return safe(scaledDecimal(value, USD_DIGITS), `$${value}`);
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

export function ratio(value: number | string): Ratio {
  const num = safe(scaledDecimal(value, PER_MTOK_DIGITS), `multiplier ${value}`);
  const den = 10 ** PER_MTOK_DIGITS;
  const g = gcd(num, den) || 1;
  return { num: num / g, den: den / g, text: typeof value === 'number' ? String(value) : value.trim() };
}

/**
 * rate × multiplier, and whether that was exact. Every built-in rate and multiplier combination is
 * (test/pricing/money.test.ts); a --pricing rate with six decimals could leave a fraction of a picodollar
 * per token, which is rounded half up and reported.
 */
export function applyRatio(rate: Money, r: Ratio): { value: Money; exact: boolean } {
  const product = rate * r.num;
  const q = Math.floor(product / r.den);
  const rem = product - q * r.den;
  if (rem === 0) return { value: q, exact: true };
  return { value: rem * 2 >= r.den ? q + 1 : q, exact: false };
}

/** An amount is usable only while it is an exact integer. */
export function safeAmount(n: number): boolean {
  return Number.isSafeInteger(n);
}

/** value / 10^digits as an exact decimal string without trailing zeros: 18375n, 6 → "0.018375". */
function exactDecimal(value: bigint, digits: number): string {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const base = TEN ** BigInt(digits);
  const whole = abs / base;
  const frac = (abs % base).toString().padStart(digits, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${frac ? `.${frac}` : ''}`;
}

/** Exact USD as a decimal string ("0.018375"); for CSV and explanations. */
export function usdString(amount: MoneySum): string {
  return exactDecimal(BigInt(amount), USD_DIGITS);
}

/** USD as a JSON number: the double nearest the exact value (division of exact doubles rounds correctly). */
export function usdNumber(amount: MoneySum): number {
  return typeof amount === 'number' ? amount / 1e12 : Number(usdString(amount));
}

/** A per-token rate back in USD per million tokens, exactly ("3.75"). */
export function perMTokString(rate: Money): string {
  return exactDecimal(BigInt(rate), PER_MTOK_DIGITS);
}

export function perMTokNumber(rate: Money): number {
  return rate / 1e6;
}

/** USD rounded half away from zero to `decimals` places, for display only: (18375e6, 4) → "0.0184". */
export function roundedUsd(amount: MoneySum, decimals: number): string {
  const big = BigInt(amount);
  const negative = big < 0n;
  const abs = negative ? -big : big;
  const div = TEN ** BigInt(USD_DIGITS - decimals);
  let q = abs / div;
  if ((abs % div) * 2n >= div) q += 1n;
  const text = exactDecimal(q, decimals);
  const [whole, frac = ''] = text.split('.');
  const padded = decimals > 0 ? `${whole}.${frac.padEnd(decimals, '0')}` : (whole ?? '0');
  return q === 0n || !negative ? padded : `-${padded}`;
}

/**
 * Sums integer amounts exactly in constant time per add: a number while it stays exact, folded into a
 * bigint before it could lose precision.
 */
export class ExactSum {
  private small = 0;
  private big = 0n;

  add(n: number): void {
    if (Math.abs(this.small) > Number.MAX_SAFE_INTEGER - Math.abs(n)) {
      this.big += BigInt(this.small);
      this.small = 0;
    }
    this.small += n;
  }

  get value(): bigint {
    return this.big + BigInt(this.small);
  }

  /** Adds another sum: a structured clone of one, as worker threads send them (its fields, no methods). */
  merge(other: ExactSum): void {
    this.big += other.big;
    this.add(other.small);
  }
}
