import type { CheckResult, MoneySum, Report, RequestResult, SourceRef, Totals } from '../core/types.js';
import { BreakLog } from '../diagnose/break-log.js';
import { diagnoseBreaks } from '../diagnose/breaks.js';
import { usdAmount, usdNumber } from '../pricing/money.js';
import { formatInt, formatRate, formatSource } from '../report/format.js';
import { formatUsd } from '../report/format-money.js';
import type { CheckOptions } from './check-options.js';
import { costOf } from './cost.js';

/** Requests named in a message before "and N more". */
const LISTED = 3;

/** Floating-point slack for comparing a computed rate with the limit given (0.9 must pass 9/10). */
const EPSILON = 1e-9;

/** A measured amount: tokens, or picodollars (exact money; sums may be bigint). */
type Amount = number | bigint;

interface Ref {
  index: number;
  source: SourceRef;
  model: string | null;
  value: Amount;
}

function refOf(r: RequestResult, value: Amount = 0): Ref {
  return { index: r.index, source: r.source, model: r.model, value };
}

function refText(r: Ref): string {
  return `#${r.index} (${formatSource({ ...r.source, event: null }, true)})`;
}

/** The first few of a set of requests, and how many there are. */
class Listed {
  readonly first: Ref[] = [];
  count = 0;

  add(ref: Ref): void {
    this.count++;
    if (this.first.length < LISTED) this.first.push(ref);
  }

  text(show: (r: Ref) => string = refText): string {
    const shown = this.first.map(show).join(', ');
    return this.count > this.first.length ? `${shown} and ${this.count - this.first.length} more` : shown;
  }
}

function plural(n: number, word: string): string {
  return `${formatInt(n)} ${word}${n === 1 ? '' : 's'}`;
}

function result(name: string, passed: boolean, actual: number | null, expected: number, message: string) {
  return { name, passed, actual, expected, message };
}

type LimitKey =
  | 'maxCost'
  | 'maxTotalCost'
  | 'maxInputTokens'
  | 'maxTotalInputTokens'
  | 'maxOutputTokens'
  | 'maxTotalOutputTokens';

/** The `--max-X` / `--max-total-X` pairs: one measure, limited per request and on the sum. */
interface LimitSpec {
  name: string;
  what: string;
  perRequest: LimitKey;
  total: LimitKey;
  /** A request's amount; null when it cannot be known (an unpriced model). */
  value(r: RequestResult): Amount | null;
  sum(totals: Totals): Amount | null;
  /** The limit as given on the command line (USD, tokens) in the unit of `value`. */
  toAmount(limit: number): Amount;
  /** An amount back in the unit of the command line, for JSON `actual`. */
  toNumber(a: Amount): number;
  format(a: Amount): string;
}

const tokens = {
  toAmount: (limit: number) => limit,
  toNumber: (a: Amount) => Number(a),
  format: (a: Amount) => formatInt(Number(a)),
};

const LIMITS: LimitSpec[] = [
  {
    name: 'cost',
    what: 'cost',
    perRequest: 'maxCost',
    total: 'maxTotalCost',
    value: costOf,
    sum: costOf,
    // Costs are exact picodollars; the limit is converted exactly, so equal means equal.
    toAmount: (limit) => usdAmount(limit),
    toNumber: (a) => usdNumber(a as MoneySum),
    format: (a) => formatUsd(a as MoneySum),
  },
  {
    name: 'input-tokens',
    what: 'input tokens',
    perRequest: 'maxInputTokens',
    total: 'maxTotalInputTokens',
    value: (r) => r.billed_usage?.total_input_tokens ?? 0,
    sum: (t) => t.billed_usage.total_input_tokens,
    ...tokens,
  },
  {
    name: 'output-tokens',
    what: 'output tokens',
    perRequest: 'maxOutputTokens',
    total: 'maxTotalOutputTokens',
    value: (r) => r.billed_usage?.output_tokens ?? 0,
    sum: (t) => t.billed_usage.output_tokens,
    ...tokens,
  },
];

/** a > b for whole amounts, number or bigint. */
function above(a: Amount, b: Amount): boolean {
  return BigInt(a) > BigInt(b);
}

/** What one per-request limit has seen so far. */
class LimitState {
  largest: Ref | null = null;
  readonly over = new Listed();
  readonly unpriced = new Listed();
  private readonly amount: Amount;

  constructor(
    readonly spec: LimitSpec,
    readonly limit: number,
  ) {
    this.amount = spec.toAmount(limit);
  }

  add(r: RequestResult): void {
    const v = this.spec.value(r);
    if (v === null) this.unpriced.add(refOf(r));
    else {
      if (!this.largest || above(v, this.largest.value)) this.largest = refOf(r, v);
      if (above(v, this.amount)) this.over.add(refOf(r, v));
    }
  }

  result(unpricedModels: string): CheckResult {
    const { spec, limit } = this;
    const name = `max-${spec.name}`;
    const shown = spec.format(this.amount);
    if (this.unpriced.count > 0) {
      return result(
        name,
        false,
        null,
        limit,
        `model ${unpricedModels} is unpriced, so ${this.unpriced.text()} cannot be checked against ${shown}`,
      );
    }
    if (!this.largest) return result(name, false, null, limit, 'no requests with usage');
    const actual = spec.toNumber(this.largest.value);
    if (this.over.count === 0) {
      return result(
        name,
        true,
        actual,
        limit,
        `largest ${spec.what} ${spec.format(this.largest.value)} at ${refText(this.largest)}; at most ${shown}`,
      );
    }
    return result(
      name,
      false,
      actual,
      limit,
      `${plural(this.over.count, 'request')} over ${shown} ${spec.what}: ${this.over.text((x) => `${refText(x)} ${spec.format(x.value)}`)}`,
    );
  }
}

function totalResult(spec: LimitSpec, limit: number, totals: Totals, unpricedModels: string): CheckResult {
  const name = `max-total-${spec.name}`;
  const amount = spec.toAmount(limit);
  const v = spec.sum(totals);
  if (v === null) {
    return result(
      name,
      false,
      null,
      limit,
      `model ${unpricedModels || '(unknown)'} is unpriced, so the total cannot be checked against ${spec.format(amount)}`,
    );
  }
  const passed = !above(v, amount);
  return result(
    name,
    passed,
    spec.toNumber(v),
    limit,
    `total ${spec.what} ${spec.format(v)} over ${plural(totals.requests_with_usage, 'request')}; ${passed ? 'at most' : 'over'} ${spec.format(amount)}`,
  );
}

/**
 * Evaluates the assertions over a stream of requests in bounded memory: running sums, the largest
 * value and the first few offenders of each limit. Feed every request in input order with `add`, then
 * `finish` with the totals and the cache breaks.
 */
export class CheckAccumulator {
  private withUsage = 0;
  private measured = 0;
  private read = 0;
  private totalInput = 0;
  private readonly misses = new Listed();
  private readonly limits: LimitState[];
  private readonly unpricedModels = new Set<string>();

  constructor(private readonly o: CheckOptions) {
    this.limits = LIMITS.flatMap((spec) => {
      const limit = o[spec.perRequest];
      return limit === null ? [] : [new LimitState(spec, limit)];
    });
  }

  add(r: RequestResult): void {
    const u = r.billed_usage;
    // Requests without usage (errors, unbilled batch entries) consumed nothing to check.
    if (!u) return;
    this.withUsage++;
    if (costOf(r) === null) this.unpricedModels.add(r.model ?? '(no model)');
    for (const l of this.limits) l.add(r);
    if (this.withUsage <= this.o.warmup) return;
    this.measured++;
    this.read += u.cache_read_input_tokens;
    this.totalInput += u.total_input_tokens;
    if (u.cache_read_input_tokens === 0) this.misses.add(refOf(r));
  }

  finish(totals: Totals, breaks: BreakLog): CheckResult[] {
    const o = this.o;
    const out: CheckResult[] = [];
    if (o.minHitRate !== null) out.push(this.minHitRate(o.minHitRate));
    if (o.expectHit) out.push(this.expectHit(o.maxMisses));
    const models = [...this.unpricedModels].join(', ');
    for (const spec of LIMITS) {
      const state = this.limits.find((l) => l.spec === spec);
      if (state) out.push(state.result(models));
      const limit = o[spec.total];
      if (limit !== null) out.push(totalResult(spec, limit, totals, models));
    }
    if (o.noCacheBreaks) out.push(noCacheBreaks(breaks));
    return out;
  }

  private nothingMeasured(): string {
    const w = this.o.warmup;
    return `no requests after the warm-up: ${plural(this.withUsage, 'request')} with usage, --warmup ${w} (use --warmup 0 to measure every request)`;
  }

  private scope(): string {
    return `${plural(this.measured, 'request')} after ${formatInt(this.o.warmup)} warm-up`;
  }

  private minHitRate(limit: number): CheckResult {
    if (this.measured === 0) return result('min-hit-rate', false, null, limit, this.nothingMeasured());
    const rate = this.totalInput === 0 ? null : this.read / this.totalInput;
    const passed = rate !== null && rate + EPSILON >= limit;
    return result(
      'min-hit-rate',
      passed,
      rate,
      limit,
      `hit rate ${formatRate(rate)} over ${this.scope()} (${formatInt(this.read)} of ${formatInt(this.totalInput)} input tokens read from the cache); ${passed ? 'at least' : 'below'} ${formatRate(limit)}`,
    );
  }

  private expectHit(maxMisses: number): CheckResult {
    if (this.measured === 0) return result('expect-hit', false, null, maxMisses, this.nothingMeasured());
    const misses = this.misses.count;
    const message =
      misses === 0
        ? `${this.measured === 1 ? 'the' : 'all'} ${this.scope()} read from the cache`
        : `${formatInt(misses)} of ${this.scope()} read nothing from the cache: ${this.misses.text()}; at most ${formatInt(maxMisses)} allowed`;
    return result('expect-hit', misses <= maxMisses, misses, maxMisses, message);
  }
}

function noCacheBreaks(breaks: BreakLog): CheckResult {
  if (breaks.count === 0) return result('no-cache-breaks', true, 0, 0, 'no cache breaks');
  const shown = breaks.kept
    .slice(0, LISTED)
    .map((b) => `#${b.index} ${b.cause} (${b.detail})`)
    .join(', ');
  const more = breaks.count > LISTED ? ` and ${breaks.count - LISTED} more` : '';
  return result(
    'no-cache-breaks',
    false,
    breaks.count,
    0,
    `${plural(breaks.count, 'cache break')} (${formatInt(breaks.lostTokens)} cached tokens not read): ${shown}${more}`,
  );
}

/**
 * Evaluates the assertions asked for, in a fixed order, over a report that lists every request. Pure:
 * the report's `breaks` are used when present and diagnosed here otherwise.
 */
export function evaluateChecks(report: Report, o: CheckOptions): CheckResult[] {
  const acc = new CheckAccumulator(o);
  for (const r of report.requests) acc.add(r);
  return acc.finish(report.totals, BreakLog.of(report.breaks ?? diagnoseBreaks(report.requests)));
}
