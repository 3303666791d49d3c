import { describe, expect, it } from 'vitest';
import {
  applyRatio,
  ExactSum,
  perMTokString,
  ratePerMTok,
  ratio,
  roundedUsd,
  scaledDecimal,
  usdNumber,
  usdString,
} from '../../src/pricing/money.js';
import { BUILT_IN_PRICE_DATA, compileModel } from '../../src/pricing/price-data.js';
import { formatUsd } from '../../src/report/format-money.js';

describe('exact money', () => {
  it.each([
    [3, 6, 3_000_000n],
    ['3.75', 6, 3_750_000n],
    [0.125, 6, 125_000n],
    [1e-6, 6, 1n],
    ['0.000001', 6, 1n],
    [0, 0, 0n],
  ])('scaledDecimal(%s, %i) = %s', (value, scale, expected) => {
    expect(scaledDecimal(value, scale)).toBe(expected);
  });

  it.each([[-1], ['1.5.2'], ['abc'], ['0.0000001'], [Number.NaN], [Number.POSITIVE_INFINITY]])(
    'rejects %s',
    (value) => {
      expect(() => scaledDecimal(value, 6)).toThrow(RangeError);
    },
  );

  it('holds a rate exactly as micro-dollars per million tokens and multiplies without drift', () => {
    const rate = ratePerMTok(0.3); // $0.30 per million tokens = 300,000 picodollars per token
    expect(rate).toBe(300_000);
    expect(usdString(rate * 1)).toBe('0.0000003');
    // A thousand requests of 1,000 tokens sum to exactly $0.30; the float sum of $0.0003 does not.
    const sum = new ExactSum();
    for (let i = 0; i < 1000; i++) sum.add(rate * 1000);
    expect(usdString(sum.value)).toBe('0.3');
    let float = 0;
    for (let i = 0; i < 1000; i++) float += 0.0003;
    expect(float).not.toBe(0.3);
  });

  it('keeps sums exact past 2^53 picodollars', () => {
    const sum = new ExactSum();
    for (let i = 0; i < 3; i++) sum.add(Number.MAX_SAFE_INTEGER);
    expect(sum.value).toBe(3n * BigInt(Number.MAX_SAFE_INTEGER));
  });

  it('applies multipliers as exact fractions', () => {
    const cacheRead = ratePerMTok('0.01'); // Haiku 5.5 cache read
    const batchUs = applyRatio(applyRatio(cacheRead, ratio(0.5)).value, ratio('1.1'));
    expect(batchUs).toEqual({ value: 5500, exact: true });
    expect(perMTokString(batchUs.value)).toBe('0.0055');
    expect(perMTokString(applyRatio(ratePerMTok(25), ratio(6)).value)).toBe('150');
  });

  it('rounds a fraction of a picodollar half up and says so', () => {
    expect(applyRatio(3, ratio(0.5))).toEqual({ value: 2, exact: false });
    expect(applyRatio(1, ratio(0.4))).toEqual({ value: 0, exact: false });
  });

  it('multiplies every built-in rate by every modifier combination exactly', () => {
    for (const [id, entry] of Object.entries(BUILT_IN_PRICE_DATA.models)) {
      const m = compileModel(id, entry, 'built-in');
      const factors = [m.batch, m.usInference, ...m.fast.map((f) => f.multiplier)].filter((f) => f !== null);
      const rates = [...m.periods, ...m.longContext].flatMap((p) => Object.values(p.rates));
      for (const rate of rates) {
        // every subset of the factors, applied in order
        for (let mask = 0; mask < 1 << factors.length; mask++) {
          let r = rate;
          factors.forEach((f, i) => {
            if (!(mask & (1 << i))) return;
            const out = applyRatio(r, f);
            expect(out.exact, `${id} ${r} × ${f.text}`).toBe(true);
            r = out.value;
          });
        }
      }
    }
  });

  it('converts to JSON numbers and display strings', () => {
    expect(usdNumber(ratePerMTok(3.75) * 1165)).toBe(0.00436875);
    expect(usdNumber(4_368_750_000n)).toBe(0.00436875);
    expect(roundedUsd(4_368_750_000, 4)).toBe('0.0044');
    expect(roundedUsd(-4_368_750_000, 4)).toBe('-0.0044');
    expect(roundedUsd(-1, 6)).toBe('0.000000');
  });

  it.each([
    [0, '$0'],
    [18_375_000_000, '$0.018375'],
    [-1_100_000_000, '-$0.0011'],
    [12_345_678_000_000, '$12.3457'],
    [500_000_000_000, '$0.50'],
    [1_234_567_000_000_000n, '$1,234.57'],
    [4, '$0'],
  ])('formatUsd(%s) = %s', (amount, text) => {
    expect(formatUsd(amount)).toBe(text);
  });
});
