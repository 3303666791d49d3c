import type { CacheBreak } from '../core/types.js';

/** Breaks kept for the report; past this they are counted, not stored (as problems are). */
export const MAX_KEPT_BREAKS = 1000;

/** The breaks of a run: the first MAX_KEPT_BREAKS, and counts over all of them. */
export class BreakLog {
  readonly kept: CacheBreak[] = [];
  count = 0;
  lostTokens = 0;

  add(b: CacheBreak): void {
    this.count++;
    this.lostTokens += b.lost_tokens;
    if (this.kept.length < MAX_KEPT_BREAKS) this.kept.push(b);
  }

  /** Whether a further break would only be counted: the caller need not describe it. */
  get full(): boolean {
    return this.kept.length >= MAX_KEPT_BREAKS;
  }

  /** Counts a break that is not kept, by the tokens it lost. */
  addCounted(lostTokens: number): void {
    this.count++;
    this.lostTokens += lostTokens;
  }

  static of(breaks: CacheBreak[]): BreakLog {
    const log = new BreakLog();
    for (const b of breaks) log.add(b);
    return log;
  }
}
