import { setTimeout as sleep } from 'node:timers/promises';
import { type ConnectionOptions, openClient } from '../api/client.js';
import { callErrorToCliError } from '../api/failures.js';
import { sendMessage } from '../api/messages.js';
import { analyzeRecord, computeTotals } from '../core/analyze.js';
import type { Problem, Report, RequestResult, SourceRef } from '../core/types.js';
import { fromCall } from '../decode/call-record.js';
import { CliError, ExitCode, type ExitCodeValue } from '../errors.js';
import type { CliIO } from '../io.js';
import { loadPricing } from '../pricing/load-pricing.js';
import { builtInPrices } from '../pricing/price-data.js';
import { pricingProblems } from '../pricing/pricing-problems.js';
import { priceRequest } from '../pricing/request-cost.js';
import type { CallError } from '../recording/line.js';
import { RecordingWriter } from '../recording/writer.js';
import { formatSource } from '../report/format.js';
import { LiveTable } from '../report/live-table.js';
import type { PlannedRequest } from '../request/build-request.js';
import { Spinner } from '../terminal/spinner.js';
import { type ReportOutputOptions, tableOptions, writeReport } from './report-output.js';

/** One request to send, and where its row says it came from. */
export interface CallPlan extends PlannedRequest {
  source: SourceRef;
}

export interface RunCallsOptions extends ReportOutputOptions {
  connection: ConnectionOptions;
  /** Pause between calls, so that a cache entry written by one call is readable by the next. */
  delayMs: number;
  /** Recording file to append to; null for none. */
  record: string | null;
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/**
 * Sends the planned requests one after another and reports them like `inspect` reports files: each
 * response is decoded, analysed and rendered by the same code, rows printed as calls finish. The run
 * stops at the first failed call (shown as an error row, then explained on stderr, exit 3) or at
 * Ctrl-C (what finished is printed and kept, exit 130).
 */
export async function runCalls(
  plans: CallPlan[],
  options: RunCallsOptions,
  io: CliIO,
  initialProblems: Problem[] = [],
): Promise<ExitCodeValue> {
  const spinner = new Spinner(io.stderr);
  const notice = (message: string) => spinner.print(`usage-inspect: ${message}\n`);
  const api = await openClient(options.connection, io.env, { onRetry: notice, onWarning: notice });
  const writer = options.record ? RecordingWriter.open(options.record) : null;
  const live =
    options.format === 'table'
      ? new LiveTable(await tableOptions(options, io), {
          calls: plans.length,
          models: plans.map((p) => String(p.body.model ?? '')),
          labels: plans.map((p) => formatSource(p.source, true)),
        })
      : null;
  const stop = new AbortController();
  const stopListening = io.onInterrupt?.(() => stop.abort()) ?? (() => {});
  const requests: RequestResult[] = [];
  const pricing = await loadPricing(options.pricingFiles, builtInPrices());
  const problems: Problem[] = [...pricing.problems, ...initialProblems];
  let failure: CallError | null = null;

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
      writer?.append(outcome.line);
      const decoded = fromCall(outcome.line, plan.source);
      problems.push(...decoded.problems);
      const analysed = analyzeRecord(decoded.record, i + 1);
      problems.push(...analysed.problems);
      if (analysed.result) priceRequest(analysed.result, pricing.table, options.explain);
      if (analysed.result) {
        requests.push(analysed.result);
        if (live) io.stdout.write(live.update(requests));
      }
      if (outcome.line.error) {
        failure = outcome.line.error;
        break;
      }
    }
  } finally {
    spinner.stop();
    stopListening();
    writer?.close();
  }

  problems.push(...pricingProblems(requests));
  const report: Report = { requests, totals: computeTotals(requests), problems };
  const failedExit = stop.signal.aborted ? ExitCode.interrupted : failure ? ExitCode.apiError : undefined;
  const code = await writeReport(report, options, io, live?.finish(report), failedExit);
  if (stop.signal.aborted) {
    throw new CliError(
      `interrupted: ${requests.length} of ${plans.length} calls finished`,
      ExitCode.interrupted,
    );
  }
  if (failure) throw callErrorToCliError(failure);
  return code;
}
