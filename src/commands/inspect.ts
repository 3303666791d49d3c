import { type CheckOptions, hasChecks } from '../checks/check-options.js';
import { CiCollector } from '../checks/ci-collector.js';
import type { CiOptions } from '../checks/cli-flags.js';
import type { GroupBy, InputFormat, OutputFormat } from '../choices.js';
import type { Problem, Report } from '../core/types.js';
import { scanCounts, scannerProblem } from '../decode/fast-json-line.js';
import { CliError, type ExitCodeValue } from '../errors.js';
import type { CliIO } from '../io.js';
import { type Keep, ReportCollector } from '../pipeline/collect.js';
import { streamRequests } from '../pipeline/request-stream.js';
import { type LoadedPricing, loadPricing } from '../pricing/load-pricing.js';
import { builtInPrices } from '../pricing/price-data.js';
import { ndjsonRequestLine } from '../report/json.js';
import { type InputSpec, resolveInputs } from '../sources/inputs.js';
import { finishReport } from './finish-report.js';
import { ProgressMeter } from './progress-meter.js';

export { reportExitCode } from '../checks/verdict.js';

export { DEFAULT_TOP, OUTPUT_FORMATS, type OutputFormat } from '../choices.js';

/**
 * Characters of streamed output gathered before each write. Kept well under 128 KiB: V8 keeps a longer
 * string in its large-object space, and making one cost about 1 ms each here (sources/byte-lines.ts).
 */
const OUT_BLOCK = 64 * 1024;

export interface InspectOptions extends CiOptions {
  files: string[];
  inputFormat: InputFormat;
  format: OutputFormat;
  strict: boolean;
  color: boolean | undefined;
  /** The table and Markdown list the N most expensive requests; null lists every one. */
  top: number | null;
  groupBy: GroupBy;
  /** Worker threads for many files ('auto' decides); 0 decodes in this thread only. */
  workers: number | 'auto';
  /** --pricing files, applied in order over the built-in prices. */
  pricingFiles: string[];
  /** --explain: each request's cost formula (and `items` in JSON costs). */
  explain: boolean;
  /** --debug: say on stderr whether worker threads read the inputs, and how JSON lines were read. */
  debug?: boolean;
}

/** Writes to stdout, waiting for the pipe to drain so that a slow reader never makes output pile up. */
export function writeOut(io: CliIO, text: string): Promise<void> | undefined {
  const stdout = io.stdout as CliIO['stdout'] & { once?: (ev: 'drain', fn: () => void) => void };
  if (io.stdout.write(text) !== false || !stdout.once) return undefined;
  return new Promise((resolve) => stdout.once?.('drain', resolve));
}

function keepFor(options: InspectOptions): Keep {
  if (options.format === 'ndjson' || options.format === 'csv') return { none: true };
  if (options.format === 'json' || options.top === null) return { all: true };
  return { top: options.top };
}

export interface CollectOptions {
  files: string[];
  inputFormat: InputFormat;
  strict: boolean;
  keep: Keep;
  groupBy: GroupBy;
  checks: CheckOptions;
  workers: number | 'auto';
  pricingFiles: string[];
  /** Price each line for --explain, and explain each streamed request on stderr. */
  explain: boolean;
  /** Write each request to stdout as it is read (NDJSON and CSV). */
  stream: 'ndjson' | 'csv' | null;
  /** --debug: say on stderr whether worker threads read the inputs, and how JSON lines were read. */
  debug?: boolean;
}

/**
 * The report from worker threads, for a summary (the top requests and the totals) of big JSONL inputs
 * whose responses stand alone; null when the run is not one of those (pipeline/parallel.ts).
 */
async function collectInParallel(
  options: CollectOptions,
  inputs: InputSpec[],
  prices: LoadedPricing,
  problems: Problem[],
  io: CliIO,
  progress: ProgressMeter | null,
): Promise<Report | null> {
  const eligible =
    'top' in options.keep &&
    !options.stream &&
    !options.strict &&
    !options.explain &&
    !hasChecks(options.checks) &&
    options.workers !== 0;
  if (!eligible) return null;
  const { planParallel, summarizeInParallel } = await import('../pipeline/parallel.js');
  const plan = await planParallel(inputs, options.workers, options.inputFormat);
  if (!plan) return null;
  const top = (options.keep as { top: number }).top;
  const merged = await summarizeInParallel(
    plan,
    { format: options.inputFormat, top, groupBy: options.groupBy, pricingFiles: options.pricingFiles },
    [...prices.problems, ...problems],
    prices.table,
    { onBytes: progress?.onBytes, onRequests: (n) => progress?.onRequests(n) },
  );
  if (options.debug) {
    io.stderr.write(
      merged
        ? `usage-inspect: debug: read in ${plan.parts.length} parts by ${plan.workers} worker threads\n`
        : 'usage-inspect: debug: a response depends on the ones before it; reading again in one thread\n',
    );
  }
  if (!merged) return null;
  for (const p of merged.warnings.problems()) merged.collector.addProblem(p);
  return merged.collector.report();
}

/**
 * Reads the inputs (files, folders, or stdin when none are given) into a report in bounded memory:
 * totals, cache breaks and assertions cover every request, the report lists those `keep` asks for.
 */
export async function collectReport(options: CollectOptions, io: CliIO): Promise<Report> {
  let files = options.files;
  if (files.length === 0) {
    if (io.stdin.isTTY)
      throw new CliError('no input: give files or folders, or pipe a response on stdin (see --help)');
    files = ['-'];
  }
  const pricing = await loadPricing(options.pricingFiles, builtInPrices());
  const { inputs, problems } = await resolveInputs(files, io.stdin);
  const progress = await ProgressMeter.create(io, inputs);
  const ci = await CiCollector.create(options.checks);
  const parallel = await collectInParallel(options, inputs, pricing, problems, io, progress);
  if (parallel) {
    progress?.done();
    return finishCollected(parallel, files, ci);
  }
  const collector = new ReportCollector(options.keep, options.groupBy);
  // Parts this thread read for workers, before they found a reason to read in one thread, are not counted.
  scanCounts.read = 0;
  scanCounts.handedBack = 0;
  // CSV and --explain load only when asked for: start-up counts for one response on stdin (bench/).
  const csv = options.stream === 'csv' ? await import('../report/csv.js') : null;
  const explain = options.explain ? await import('../report/explain.js') : null;
  if (csv) io.stdout.write(csv.CSV_HEADER);

  let pending = '';
  /** Set when stdout asked us to wait: the next batch is read once it has drained. */
  let wait: Promise<void> | undefined;
  const stream = streamRequests(
    inputs,
    {
      format: options.inputFormat,
      strict: options.strict,
      onBytes: progress?.onBytes,
      prices: pricing.table,
      costItems: options.explain,
    },
    [...pricing.problems, ...problems],
  );
  const jsonOptions = { costItems: options.explain };
  if (explain && options.stream) io.stderr.write(explain.EXPLAIN_HEADING);
  for await (const events of stream) {
    for (const event of events) {
      if ('problem' in event) {
        collector.addProblem(event.problem);
        continue;
      }
      collector.add(event.request);
      ci.add(event.request);
      progress?.onRequest();
      if (options.stream) {
        pending += csv === null ? ndjsonRequestLine(event.request, jsonOptions) : csv.csvRow(event.request);
        if (explain) io.stderr.write(explain.explainRequest(event.request));
        // Lines go out in blocks: one write per line costs more than producing the line. A block is
        // written as soon as it is full, inside a batch too: see OUT_BLOCK.
        // One drain wait at most per batch: a listener a block would pile up on a slow reader.
        if (pending.length >= OUT_BLOCK) {
          if (wait) io.stdout.write(pending);
          else wait = writeOut(io, pending);
          pending = '';
        }
      }
    }
    if (wait) {
      await wait;
      wait = undefined;
    }
  }
  if (pending) await writeOut(io, pending);
  progress?.done();
  if (options.debug) io.stderr.write(scanDebugLine());

  return finishCollected(collector.report(), files, ci);
}

/** --debug: how many JSON lines the WebAssembly scan read, or why it could not load (nothing without JSON lines). */
function scanDebugLine(): string {
  if (scanCounts.read + scanCounts.handedBack === 0 && scannerProblem === null) return '';
  if (scannerProblem !== null)
    return `usage-inspect: debug: JSON lines read by JSON.parse only; the scan did not load: ${scannerProblem}\n`;
  const { read, handedBack } = scanCounts;
  return `usage-inspect: debug: JSON lines: ${read} read by the scan, ${handedBack} handed to JSON.parse\n`;
}

function finishCollected(report: Report, files: string[], ci: CiCollector): Report {
  if (report.totals.requests_with_usage === 0) {
    report.problems.push({
      source: { file: files.join(', '), line: null, event: null },
      severity: 'error',
      message: 'no usage found',
    });
  }
  return ci.complete(report);
}

export async function inspectCommand(options: InspectOptions, io: CliIO): Promise<ExitCodeValue> {
  const stream = options.format === 'ndjson' || options.format === 'csv' ? options.format : null;
  const report = await collectReport({ ...options, keep: keepFor(options), stream }, io);
  return finishReport(report, { ...options, streamed: stream !== null }, io);
}
