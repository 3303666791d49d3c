import type { Problem, RequestResult, SourceRef } from '../core/types.js';
import { billedParts } from './request-cost.js';

/** Distinct reasons listed one by one; model names come from the input, so the list is bounded. */
const MAX_REASONS = 50;

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * One warning per reason a cost could not be computed (unknown model, no fast-mode price, …) and one for
 * cache writes priced at the 5m rate for want of a TTL split, rather than one line per request. Fed one
 * request at a time, so it works on streams of any length.
 */
export class PricingWarnings {
  /**
   * `reasons`: how many distinct reasons are listed. A worker's part lists them all (Infinity), so that
   * merging in order applies the limit exactly as one thread would.
   */
  constructor(private readonly reasons = MAX_REASONS) {}

  private readonly unpriced = new Map<string, { source: SourceRef; count: number }>();
  private otherUnpriced = 0;
  private unknownTtl = 0;
  private unknownTtlRequests = 0;
  private unknownTtlSource: SourceRef | null = null;

  add(r: RequestResult): void {
    if (r.cost?.priced !== false && (r.billed_usage?.cache_creation_unknown_ttl_tokens ?? 0) === 0) return;
    const reasons = new Set(
      billedParts(r)
        .filter((p) => !p.cost.priced)
        .map((p) => p.cost.notes[0] ?? 'no price'),
    );
    for (const reason of reasons) {
      const seen = this.unpriced.get(reason);
      if (seen) seen.count++;
      else if (this.unpriced.size < this.reasons) this.unpriced.set(reason, { source: r.source, count: 1 });
      else this.otherUnpriced++;
    }
    const tokens = r.billed_usage?.cache_creation_unknown_ttl_tokens ?? 0;
    if (tokens > 0) {
      this.unknownTtl += tokens;
      this.unknownTtlRequests++;
      this.unknownTtlSource ??= r.source;
    }
  }

  /**
   * Adds the warnings of requests that came after those added so far, from a structured clone of another
   * collector (as worker threads send them): the same as having added those requests here.
   */
  merge(other: PricingWarnings): void {
    for (const [reason, seen] of other.unpriced) {
      const mine = this.unpriced.get(reason);
      if (mine) mine.count += seen.count;
      else if (this.unpriced.size < this.reasons) this.unpriced.set(reason, { ...seen });
      else this.otherUnpriced += seen.count;
    }
    this.otherUnpriced += other.otherUnpriced;
    this.unknownTtl += other.unknownTtl;
    this.unknownTtlRequests += other.unknownTtlRequests;
    this.unknownTtlSource ??= other.unknownTtlSource;
  }

  /** Every source this collector holds, for worker threads' line numbers to be moved to the whole file's. */
  sources(): SourceRef[] {
    const out = [...this.unpriced.values()].map((s) => s.source);
    if (this.unknownTtlSource) out.push(this.unknownTtlSource);
    return out;
  }

  problems(): Problem[] {
    const problems: Problem[] = [...this.unpriced].map(([reason, { source, count }]) => ({
      source,
      severity: 'warning',
      message: `${reason} (${plural(count, 'request')} left without a cost)`,
    }));
    if (this.otherUnpriced > 0) {
      const first = [...this.unpriced.values()][0];
      problems.push({
        source: first?.source ?? { file: '(all inputs)', line: null, event: null },
        severity: 'warning',
        message: `${plural(this.otherUnpriced, 'more request')} left without a cost for other reasons (see each request's cost notes)`,
      });
    }
    if (this.unknownTtlSource) {
      problems.push({
        source: this.unknownTtlSource,
        severity: 'warning',
        message: `${this.unknownTtl.toLocaleString('en-US')} cache-write tokens in ${plural(this.unknownTtlRequests, 'request')} have no 5m/1h split: priced at the 5m rate, so their cost is a lower bound`,
      });
    }
    return problems;
  }
}

/** The warnings for a list of requests (for callers that hold them all). */
export function pricingProblems(requests: RequestResult[]): Problem[] {
  const w = new PricingWarnings();
  for (const r of requests) w.add(r);
  return w.problems();
}
