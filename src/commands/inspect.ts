import type { OutputFormat } from '../choices.js';
import type { Report } from '../core/types.js';
import type { InputFormat } from '../decode/decode-file.js';
import { CliError, ExitCode, type ExitCodeValue } from '../errors.js';
import { type CliIO, terminalWidth } from '../io.js';
import { type GroupBy, type Keep, ReportCollector } from '../pipeline/collect.js';
import { streamRequests } from '../pipeline/request-stream.js';
import { loadPricing } from '../pricing/load-pricing.js';
import { builtInPrices } from '../pricing/price-data.js';
import { resolveColorLevel } from '../report/color.js';
import { CSV_HEADER, csvRow, renderCsv } from '../report/csv.js';
import { EXPLAIN_HEADING, explainAfter, explainRequest } from '../report/explain.js';
import { formatProblem } from '../report/format.js';
import { ndjsonRequestLine, ndjsonTrailer, renderJson, renderNdjson } from '../report/json.js';
import { renderMarkdown } from '../report/markdown.js';
import { resolveInputs } from '../sources/inputs.js';
import { ProgressMeter } from './progress-meter.js';

export { DEFAULT_TOP, OUTPUT_FORMATS, type OutputFormat } from '../choices.js';

/** Bytes of streamed output gathered before each write. */
const OUT_BLOCK = 64 * 1024;

export interface InspectOptions {
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
}

export async function renderReport(
  report: Report,
  options: Pick<InspectOptions, 'format' | 'color'> & { explain?: boolean },
  io: CliIO,
): Promise<string> {
  switch (options.format) {
    case 'json':
      return renderJson(report, { costItems: options.explain === true });
    case 'ndjson':
      return renderNdjson(report, { costItems: options.explain === true });
    case 'csv':
      return renderCsv(report);
    case 'markdown':
      return renderMarkdown(report);
    default: {
      // The table code (cli-table3, chalk) loads only when a table is drawn: it costs start-up time.
      const [{ renderTable }, { makeChalk }] = await Promise.all([
        import('../report/table.js'),
        import('../report/chalk.js'),
      ]);
      const level = resolveColorLevel(options.color, io.env, io.stdout.isTTY === true);
      return renderTable(report, { width: terminalWidth(io), chalk: makeChalk(level) });
    }
  }
}

/** Exit status of a report: 2 when any input was unusable or nothing had usage. */
export function reportExitCode(report: Report): ExitCodeValue {
  if (report.problems.some((p) => p.severity === 'error')) return ExitCode.badInput;
  if (report.totals.requests_with_usage === 0) return ExitCode.badInput;
  return ExitCode.ok;
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

export async function inspectCommand(options: InspectOptions, io: CliIO): Promise<ExitCodeValue> {
  let files = options.files;
  if (files.length === 0) {
    if (io.stdin.isTTY)
      throw new CliError('no input: give files or folders, or pipe a response on stdin (see --help)');
    files = ['-'];
  }
  const pricing = await loadPricing(options.pricingFiles, builtInPrices());
  const { inputs, problems } = await resolveInputs(files, io.stdin);
  const progress = await ProgressMeter.create(io, inputs);
  const collector = new ReportCollector(keepFor(options), options.groupBy);
  const streamed = options.format === 'ndjson' || options.format === 'csv';
  if (options.format === 'csv') io.stdout.write(CSV_HEADER);

  let pending = '';
  const stream = streamRequests(
    inputs,
    {
      format: options.inputFormat,
      strict: options.strict,
      onBytes: progress?.onBytes,
      workers: options.workers,
      prices: pricing.table,
      costItems: options.explain,
    },
    [...pricing.problems, ...problems],
  );
  const jsonOptions = { costItems: options.explain };
  if (options.explain && streamed) io.stderr.write(EXPLAIN_HEADING);
  for await (const event of stream) {
    if ('problem' in event) {
      collector.addProblem(event.problem);
      continue;
    }
    collector.add(event.request);
    progress?.onRequest();
    if (streamed) {
      pending +=
        options.format === 'ndjson' ? ndjsonRequestLine(event.request, jsonOptions) : csvRow(event.request);
      if (options.explain) io.stderr.write(explainRequest(event.request));
      // Lines go out in blocks: one write per line costs more than producing the line.
      if (pending.length >= OUT_BLOCK) {
        const wait = writeOut(io, pending);
        pending = '';
        if (wait) await wait;
      }
    }
  }
  if (pending) await writeOut(io, pending);
  progress?.done();

  const report = collector.report();
  if (report.totals.requests_with_usage === 0) {
    report.problems.push({
      source: { file: files.join(', '), line: null, event: null },
      severity: 'error',
      message: 'no usage found',
    });
  }
  if (options.format === 'ndjson') io.stdout.write(ndjsonTrailer(report));
  else if (!streamed && (report.totals.requests > 0 || options.format !== 'table'))
    io.stdout.write(await renderReport(report, options, io));
  if (options.explain && report.totals.requests > 0) {
    const { text, toStderr } = explainAfter(report, options.format);
    (toStderr ? io.stderr : io.stdout).write(text);
  }
  for (const p of report.problems) io.stderr.write(`${formatProblem(p)}\n`);
  return reportExitCode(report);
}
