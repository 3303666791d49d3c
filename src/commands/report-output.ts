import type { CiOptions } from '../checks/cli-flags.js';
import type { OutputFormat } from '../choices.js';
import type { Report } from '../core/types.js';
import type { ExitCodeValue } from '../errors.js';
import { type CliIO, terminalWidth } from '../io.js';
import { stylesFor } from '../report/styles.js';
import type { TableOptions } from '../report/table.js';
import { finishReport } from './finish-report.js';

// The output stage of the commands that make a report from API calls (send, replay --send): the same
// renderers and exit status as `inspect`, for a report gathered in memory rather than streamed.

/** Flags that shape the report output, whichever command made the report, and its assertions. */
export interface ReportOutputOptions extends CiOptions {
  format: OutputFormat;
  color: boolean | undefined;
  /** --pricing files, applied in order over the built-in prices. */
  pricingFiles: string[];
  /** --explain: each request's cost formula (and `items` in JSON costs). */
  explain: boolean;
}

/** Table settings for this terminal; chalk loads here, only when a table is drawn in colour. */
export async function tableOptions(
  options: Pick<ReportOutputOptions, 'color'>,
  io: CliIO,
): Promise<TableOptions> {
  return { width: terminalWidth(io), chalk: await stylesFor(options.color, io) };
}

/**
 * Prints a finished report of calls made in this run (stdout), its cache breaks, checks and verdict,
 * and its problems (stderr), and returns its exit status. `tableText` replaces the rendered table when
 * the caller has already printed it live; `failedExit` is the exit code of a run that stopped on an
 * API error or an interrupt, which the verdict then states.
 */
export async function writeReport(
  report: Report,
  options: ReportOutputOptions,
  io: CliIO,
  tableText?: string,
  failedExit?: ExitCodeValue,
): Promise<ExitCodeValue> {
  return finishReport(
    report,
    {
      ...options,
      // The calls of one run are a sequence whatever kind their responses decode as.
      ordered: true,
      ...(options.format === 'table' && tableText !== undefined ? { tableText } : {}),
      ...(failedExit === undefined ? {} : { failedExit }),
    },
    io,
  );
}
