import { setTimeout as sleep } from 'node:timers/promises';
import { type ConnectionOptions, openClient } from '../api/client.js';
import { callErrorToCliError, isTransient } from '../api/failures.js';
import { sendMessage } from '../api/messages.js';
import { analyzeRecord, computeTotals } from '../core/analyze.js';
import type { Problem, Report, RequestResult, SourceRef } from '../core/types.js';
import { fromCall } from '../decode/call-record.js';
import { CliError, ExitCode, type ExitCodeValue } from '../errors.js';
import type { CliIO, StopSignal } from '../io.js';
import { loadPricing } from '../pricing/load-pricing.js';
import { builtInPrices } from '../pricing/price-data.js';
import { pricingProblems } from '../pricing/pricing-problems.js';
import { priceRequest } from '../pricing/request-cost.js';
import type { CallError } from '../recording/line.js';
import { RecordingWriter } from '../recording/writer.js';
import { formatSource, printable } from '../report/format.js';
import { LiveTable } from '../report/live-table.js';
import type { PlannedRequest } from '../request/build-request.js';
import { Spinner } from '../terminal/spinner.js';
import { type ReportOutputOptions, tableOptions, writeReport } from './report-output.js';

/** One request to send, and where its row says it came from. */
export interface CallPlan extends PlannedRequest {
  source: SourceRef;
}

/**
 * What a run does after a failed call: `transient` goes on after failures of the moment (429, 529,
 * 5xx, timeouts, dropped connections, broken streams) and stops at one that would repeat (a bad
 * request or key); `always` (--keep-going) never stops; `never` (--stop-on-error) stops at the first.
 */
export type KeepGoing = 'transient' | 'always' | 'never';

export interface RunCallsOptions extends ReportOutputOptions {
  connection: ConnectionOptions;
  keepGoing: KeepGoing;
  /** Pause between calls, so that a cache entry written by one call is readable by the next. */
  delayMs: number;
  /** Recording file to append to; null for none. */
  record: string | null;
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

interface Failure {
  call: number;
  error: CallError;
}

function shouldStop(error: CallError, keepGoing: KeepGoing): boolean {
  return keepGoing === 'never' || (keepGoing === 'transient' && !isTransient(error));
}

/** `3 of 200 calls failed (overloaded_error 2, timeout 1)`. */
function failureSummary(failures: Failure[], calls: number): string {
  const byType = new Map<string, number>();
  for (const f of failures) byType.set(f.error.type, (byType.get(f.error.type) ?? 0) + 1);
  const types = [...byType].map(([type, n]) => `${type} ${n}`).join(', ');
  return `${failures.length} of ${calls} calls failed (${types})`;
}

/** The line that ends a run with failed calls (exit 3). */
function failureError(
  failures: Failure[],
  calls: number,
  stoppedEarly: boolean,
  keepGoing: KeepGoing,
): CliError {
  const last = failures.at(-1) as Failure;
  if (calls === 1) return callErrorToCliError(last.error);
  const summary = failureSummary(failures, calls);
  if (!stoppedEarly) return new CliError(summary, ExitCode.apiError);
  const why =
    keepGoing === 'never'
      ? 'stopped at the first failed call (--stop-on-error)'
      : `stopped after call ${last.call}: its error would repeat (--keep-going sends the rest)`;
  return new CliError(`${summary}; ${why}`, ExitCode.apiError);
}

/**
 * Sends the planned requests one after another and reports them like `inspect` reports files: each
 * response is decoded, analysed and rendered by the same code, rows printed as calls finish. Every
 * call that finishes, failed or not, is recorded and shown. A failed call is announced on stderr; the
 * run then goes on or stops as `keepGoing` says, and exits 3. SIGINT or SIGTERM stop the run: what
 * finished is printed and kept (exit 130 or 143).
 */
export async function runCalls(
  plans: CallPlan[],
  options: RunCallsOptions,
  io: CliIO,
  initialProblems: Problem[] = [],
): Promise<ExitCodeValue> {
  const spinner = new Spinner(io.stderr);
  // Notices quote servers (error messages, SDK warnings), so they are made safe for a terminal.
  const notice = (message: string) => spinner.print(`usage-inspect: ${printable(message)}\n`);
  const api = await openClient(options.connection, io.env, { onRetry: notice, onWarning: notice });
  const writer = options.record ? RecordingWriter.open(options.record, notice) : null;
  const live =
    options.format === 'table'
      ? new LiveTable(await tableOptions(options, io), {
          calls: plans.length,
          models: plans.map((p) => String(p.body.model ?? '')),
          labels: plans.map((p) => formatSource(p.source, true)),
        })
      : null;
  // Aborted with the signal that stopped the run. Listening lasts until the report is out, so that a
  // signal never cuts the report short.
  const stop = new AbortController();
  const stopOn = (signal: StopSignal) => () => {
    if (!stop.signal.aborted) stop.abort(signal);
  };
  const stopListening = [io.onInterrupt?.(stopOn('SIGINT')), io.onTerminate?.(stopOn('SIGTERM'))];
  const requests: RequestResult[] = [];
  const pricing = await loadPricing(options.pricingFiles, builtInPrices());
  const problems: Problem[] = [...pricing.problems, ...initialProblems];
  const failures: Failure[] = [];
  let finished = 0;
  let stoppedEarly = false;
  let unrecorded: CliError | null = null;

  try {
    try {
      for (const [i, plan] of plans.entries()) {
        if (i > 0 && options.delayMs > 0) {
          spinner.start(`waiting ${seconds(options.delayMs)} before call ${i + 1} of ${plans.length}`);
          try {
            await sleep(options.delayMs, undefined, { signal: stop.signal });
          } catch {
            break;
          }
        }
        if (stop.signal.aborted) break;
        spinner.start(`call ${i + 1} of ${plans.length}: waiting for ${String(plan.body.model)}`);
        const outcome = await sendMessage(api, plan, stop.signal);
        spinner.stop();
        if ('interrupted' in outcome) break;
        try {
          writer?.append(outcome.line);
        } catch (err) {
          // A full disk, say: the call is still shown, and the run stops, as nothing more can be kept.
          if (!(err instanceof CliError)) throw err;
          unrecorded = new CliError(
            `${err.message}; stopped after call ${i + 1} of ${plans.length}, which is not in the recording`,
          );
        }
        finished++;
        const decoded = fromCall(outcome.line, plan.source);
        problems.push(...decoded.problems);
        const analysed = analyzeRecord(decoded.record, i + 1);
        problems.push(...analysed.problems);
        if (analysed.result) priceRequest(analysed.result, pricing.table, options.explain);
        if (analysed.result) {
          requests.push(analysed.result);
          if (live) io.stdout.write(live.update(requests));
        }
        const error = outcome.line.error;
        if (error) {
          failures.push({ call: i + 1, error });
          if (plans.length > 1)
            notice(`call ${i + 1} of ${plans.length} failed: ${callErrorToCliError(error).message}`);
          if (i < plans.length - 1 && shouldStop(error, options.keepGoing)) {
            stoppedEarly = true;
            break;
          }
        }
        if (unrecorded) break;
      }
    } finally {
      spinner.stop();
      writer?.close();
    }

    problems.push(...pricingProblems(requests));
    const report: Report = { requests, totals: computeTotals(requests), problems };
    const signal = stop.signal.aborted ? (stop.signal.reason as StopSignal) : null;
    // The exit code the run ends with, when it failed, so that the verdict states it.
    const failedExit =
      signal === 'SIGTERM'
        ? ExitCode.terminated
        : signal === 'SIGINT'
          ? ExitCode.interrupted
          : unrecorded
            ? unrecorded.exitCode
            : failures.length > 0
              ? ExitCode.apiError
              : undefined;
    const code = await writeReport(report, options, io, live?.finish(report), failedExit);
    if (signal) {
      const failed = failures.length > 0 ? `, ${failures.length} failed` : '';
      throw new CliError(
        `${signal === 'SIGTERM' ? 'terminated' : 'interrupted'}: ${finished} of ${plans.length} calls finished${failed}`,
        signal === 'SIGTERM' ? ExitCode.terminated : ExitCode.interrupted,
      );
    }
    if (unrecorded) throw unrecorded;
    if (failures.length > 0) throw failureError(failures, plans.length, stoppedEarly, options.keepGoing);
    return code;
  } finally {
    for (const off of stopListening) off?.();
  }
}
