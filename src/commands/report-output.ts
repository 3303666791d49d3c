import type { OutputFormat } from '../choices.js';
import type { Report } from '../core/types.js';
import type { ExitCodeValue } from '../errors.js';
import { type CliIO, terminalWidth } from '../io.js';
import { resolveColorLevel } from '../report/color.js';
import { explainAfter } from '../report/explain.js';
import { formatProblem } from '../report/format.js';
import type { TableOptions } from '../report/table.js';
import { renderReport, reportExitCode } from './inspect.js';

// The output stage of the commands that make a report from API calls (send, replay --send): the same
// renderers and exit status as `inspect`, for a report gathered in memory rather than streamed.

/** Flags that shape the report output, whichever command made the report. */
export interface ReportOutputOptions {
  format: OutputFormat;
  color: boolean | undefined;
  /** --pricing files, applied in order over the built-in prices. */
  pricingFiles: string[];
  /** --explain: each request's cost formula (and `items` in JSON costs). */
  explain: boolean;
}

/** Table settings for this terminal; chalk loads here, only when a table is drawn. */
export async function tableOptions(
  options: Pick<ReportOutputOptions, 'color'>,
  io: CliIO,
): Promise<TableOptions> {
  const { makeChalk } = await import('../report/chalk.js');
  const level = resolveColorLevel(options.color, io.env, io.stdout.isTTY === true);
  return { width: terminalWidth(io), chalk: makeChalk(level) };
}

/**
 * Prints a finished report (stdout) and its problems (stderr) and returns its exit status.
 * `tableText` replaces the rendered table when the caller has already printed part of it live.
 */
export async function writeReport(
  report: Report,
  options: ReportOutputOptions,
  io: CliIO,
  tableText?: string,
): Promise<ExitCodeValue> {
  if (options.format === 'table' && tableText !== undefined) io.stdout.write(tableText);
  else if (options.format !== 'table' || report.requests.length > 0)
    io.stdout.write(await renderReport(report, options, io));
  if (options.explain && report.requests.length > 0) {
    const { text, toStderr } = explainAfter(report, options.format);
    (toStderr ? io.stderr : io.stdout).write(text);
  }
  for (const p of report.problems) io.stderr.write(`${formatProblem(p)}\n`);
  return reportExitCode(report);
}
