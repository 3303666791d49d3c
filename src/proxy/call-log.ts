import { callErrorToCliError } from '../api/failures.js';
import { analyzeRecord, computeTotals } from '../core/analyze.js';
import type { CacheBreak, Problem, Report, RequestResult, SourceRef } from '../core/types.js';
import { fromCall } from '../decode/call-record.js';
import { BreakLog } from '../diagnose/break-log.js';
import { BreakDetector } from '../diagnose/breaks.js';
import { pricingProblems } from '../pricing/pricing-problems.js';
import type { RecordingWriter } from '../recording/writer.js';
import { breakLine } from '../report/ci-text.js';
import { formatProblem } from '../report/format.js';
import type { ProxiedCallResult } from './exchange.js';

/** What one finished call adds: its analysed row (null when its usage could not be read) and notices. */
export interface LoggedCall {
  result: RequestResult | null;
  /** One-line messages for stderr: failures, cache breaks, unreadable responses. */
  notices: string[];
}

/**
 * The proxy's run: every finished Messages call, numbered in the order calls finish (the order of the
 * table and of the recording), recorded, decoded by the recording reader (as `inspect` and `replay`
 * read the file later), analysed, priced, and checked for a cache break against the previous call of
 * its model.
 */
export class ProxyCallLog {
  private calls = 0;
  private failures = 0;
  private readonly requests: RequestResult[] = [];
  private readonly problems: Problem[] = [];
  // The calls of one proxy run are one sequence, as a recording of them is (src/diagnose/breaks.ts).
  private readonly detector = new BreakDetector({ ordered: true });
  private readonly breaks = new BreakLog();

  /** `price` sets a request's cost; `initialProblems` are those found before any call (a --pricing file). */
  constructor(
    private readonly writer: RecordingWriter | null,
    private readonly price: (r: RequestResult) => void,
    initialProblems: Problem[] = [],
  ) {
    this.problems.push(...initialProblems);
  }

  add(call: ProxiedCallResult): LoggedCall {
    const index = ++this.calls;
    const source: SourceRef = { file: 'proxy', line: index, event: null };
    this.writer?.append(call.line, call.secrets);
    const decoded = fromCall(call.line, source);
    const analysed = analyzeRecord(decoded.record, index);
    const problems: Problem[] = [
      ...call.problems.map((message) => ({ source, severity: 'warning' as const, message })),
      ...decoded.problems,
      ...analysed.problems,
    ];
    this.problems.push(...problems);
    const notices = problems.map(formatProblem);
    if (call.line.error) {
      this.failures++;
      notices.push(`#${index}: ${callErrorToCliError(call.line.error).message}`);
    }
    if (!analysed.result) return { result: null, notices };
    // Priced before the break check: a break says what writing the lost tokens again cost.
    this.price(analysed.result);
    const found = this.detector.add(analysed.result);
    if (found) {
      this.breaks.add(found);
      notices.push(`cache break: ${breakLine(found)}`);
    }
    // Request bodies can be large: only the break detector keeps one, the last of each model.
    const { request: _body, ...result } = analysed.result;
    this.requests.push(result);
    return { result, notices };
  }

  /** Finished calls so far (every one, failed ones included), for the live table. */
  get finished(): readonly RequestResult[] {
    return this.requests;
  }

  summary(): { calls: number; failures: number; breaks: number } {
    return { calls: this.calls, failures: this.failures, breaks: this.breaks.count };
  }

  /** The run's report; its cache breaks are those found live (the request bodies they need are gone). */
  report(): Report & { breaks: CacheBreak[] } {
    return {
      requests: this.requests,
      totals: computeTotals(this.requests),
      problems: [...this.problems, ...pricingProblems(this.requests)],
      breaks: this.breaks.kept,
    };
  }
}
