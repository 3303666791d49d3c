import type { Report, RequestResult } from '../core/types.js';
import { BreakLog } from '../diagnose/break-log.js';
import { BreakDetector } from '../diagnose/breaks.js';
import { type CheckOptions, hasChecks } from './check-options.js';
import type { CheckAccumulator } from './evaluate.js';

/**
 * The CI side of a run, fed each request as the pipeline streams it: cache breaks and the assertions,
 * in bounded memory, so that they cover every request even when the report lists only some.
 */
export class CiCollector {
  private readonly detector = new BreakDetector();
  private readonly breaks = new BreakLog();
  private constructor(private readonly checks: CheckAccumulator | null) {}

  /** The assertions' code loads only when there are assertions: start-up counts (bench/). */
  static async create(options: CheckOptions): Promise<CiCollector> {
    if (!hasChecks(options)) return new CiCollector(null);
    const { CheckAccumulator } = await import('./evaluate.js');
    return new CiCollector(new CheckAccumulator(options));
  }

  add(r: RequestResult): void {
    if (this.breaks.full) {
      const lost = this.detector.addCounted(r);
      if (lost !== null) this.breaks.addCounted(lost);
    } else {
      const found = this.detector.add(r);
      if (found) this.breaks.add(found);
    }
    this.checks?.add(r);
  }

  /** The report with its cache breaks and check results. */
  complete(report: Report): Report {
    const problems = [...report.problems];
    const unlisted = this.breaks.count - this.breaks.kept.length;
    if (unlisted > 0) {
      problems.push({
        source: { file: '(all inputs)', line: null, event: null },
        severity: 'warning',
        message: `${unlisted} more cache breaks not listed`,
      });
    }
    return {
      ...report,
      problems,
      breaks: this.breaks.kept,
      ...(this.checks ? { checks: this.checks.finish(report.totals, this.breaks) } : {}),
    };
  }
}
