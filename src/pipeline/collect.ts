import type { GroupBy } from '../choices.js';
import { TotalsAccumulator } from '../core/totals.js';
import type { GroupTotals, Problem, Report, RequestResult } from '../core/types.js';

export { GROUP_BY, type GroupBy } from '../choices.js';

/** Which requests a report keeps: all of them, the N most expensive, or none (streamed elsewhere). */
export type Keep = { all: true } | { top: number } | { none: true };

/** Problems kept for the report; past this they are counted, not stored. */
export const MAX_KEPT_PROBLEMS = 1000;

export function groupKey(r: RequestResult, by: GroupBy): string {
  switch (by) {
    case 'model':
      return r.model ?? '(unknown model)';
    case 'file':
      return r.source.file;
    case 'session':
      return r.kind === 'claude_code' && r.label ? r.label : r.source.file;
    case 'day':
      return r.timestamp ? r.timestamp.slice(0, 10) : '(no date)';
    default:
      return 'all';
  }
}

/** How expensive a request was, for --top: billed tokens in and out. */
export function expense(r: RequestResult): number {
  const u = r.billed_usage;
  return u ? u.total_input_tokens + u.output_tokens : -1;
}

/** A binary min-heap on expense, so the N most expensive requests are kept in O(N) memory. */
class TopHeap {
  /** The heap itself; read by ReportCollector.merge from a worker's clone. */
  readonly items: RequestResult[] = [];
  constructor(private readonly size: number) {}

  /** Adds r; returns true when something (r or an older entry) had to be dropped. */
  add(r: RequestResult): boolean {
    if (this.size === 0) return true;
    const h = this.items;
    if (h.length < this.size) {
      h.push(r);
      this.up(h.length - 1);
      return false;
    }
    if (expense(r) <= expense(h[0] as RequestResult)) return true;
    h[0] = r;
    this.down(0);
    return true;
  }

  sorted(): RequestResult[] {
    return [...this.items].sort((a, b) => a.index - b.index);
  }

  private less(i: number, j: number): boolean {
    const a = this.items[i] as RequestResult;
    const b = this.items[j] as RequestResult;
    const d = expense(a) - expense(b);
    return d < 0 || (d === 0 && a.index > b.index);
  }

  private swap(i: number, j: number): void {
    const t = this.items[i] as RequestResult;
    this.items[i] = this.items[j] as RequestResult;
    this.items[j] = t;
  }

  private up(i: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) return;
      this.swap(i, p);
      i = p;
    }
  }

  private down(i: number): void {
    const n = this.items.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.less(l, m)) m = l;
      if (r < n && this.less(r, m)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }
}

/**
 * Builds a Report from the request stream in bounded memory: totals and groups are running sums,
 * and only the requests `keep` asks for are stored.
 */
export class ReportCollector {
  private readonly totals = new TotalsAccumulator();
  private readonly groups = new Map<string, TotalsAccumulator>();
  private readonly all: RequestResult[] = [];
  private readonly top: TopHeap | null;
  private omitted = 0;
  private readonly problems: Problem[] = [];
  private droppedProblems = 0;

  constructor(
    private readonly keep: Keep,
    private readonly groupBy: GroupBy = 'none',
  ) {
    this.top = 'top' in keep ? new TopHeap(keep.top) : null;
  }

  add(r: RequestResult): void {
    this.totals.add(r);
    if (this.groupBy !== 'none') {
      const key = groupKey(r, this.groupBy);
      let acc = this.groups.get(key);
      if (!acc) {
        acc = new TotalsAccumulator();
        this.groups.set(key, acc);
      }
      acc.add(r);
    }
    if ('all' in this.keep) this.all.push(r);
    else if (this.top) {
      if (this.top.add(r)) this.omitted++;
    } else this.omitted++;
  }

  /**
   * Adds what another collector (a structured clone of one, as worker threads send them, numbered and
   * placed already) saw of the requests that came after those added here: the same report as having
   * added those requests and problems one by one. Its top requests are offered in input order, which is
   * how the heap breaks ties between equally expensive requests; they include every one of its requests
   * that can be among the top here.
   */
  merge(other: ReportCollector): void {
    this.totals.merge(other.totals);
    for (const [key, acc] of other.groups) {
      let mine = this.groups.get(key);
      if (!mine) {
        mine = new TotalsAccumulator();
        this.groups.set(key, mine);
      }
      mine.merge(acc);
    }
    this.omitted += other.omitted;
    if (other.top && this.top) {
      for (const r of [...other.top.items].sort((a, b) => a.index - b.index))
        if (this.top.add(r)) this.omitted++;
    }
    for (const p of other.problems) this.addProblem(p);
    this.droppedProblems += other.droppedProblems;
  }

  /** The requests and problems held, for a worker's numbering and line numbers to be made the run's. */
  held(): { requests: RequestResult[]; problems: Problem[] } {
    return { requests: this.top ? this.top.items : this.all, problems: this.problems };
  }

  addProblem(p: Problem): void {
    if (this.problems.length < MAX_KEPT_PROBLEMS) this.problems.push(p);
    else this.droppedProblems++;
  }

  get hasErrors(): boolean {
    return this.problems.some((p) => p.severity === 'error');
  }

  report(): Report {
    const problems = [...this.problems];
    if (this.droppedProblems > 0) {
      problems.push({
        source: { file: '(all inputs)', line: null, event: null },
        severity: 'warning',
        message: `${this.droppedProblems} more problems not listed`,
      });
    }
    const groups: GroupTotals[] = [...this.groups.entries()]
      .map(([key, acc]) => ({ key, ...acc.result() }))
      .sort(
        (a, b) =>
          b.billed_usage.total_input_tokens +
          b.billed_usage.output_tokens -
          (a.billed_usage.total_input_tokens + a.billed_usage.output_tokens),
      );
    return {
      requests: this.top ? this.top.sorted() : this.all,
      totals: this.totals.result(),
      problems,
      omitted_requests: this.omitted,
      ...(this.groupBy !== 'none' ? { group_by: this.groupBy, groups } : {}),
    };
  }
}
