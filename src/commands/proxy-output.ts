import type { Report, RequestResult } from '../core/types.js';
import type { CliIO } from '../io.js';
import { CSV_HEADER, csvRow } from '../report/csv.js';
import { ndjsonRequestLine } from '../report/json.js';
import { LiveTable } from '../report/live-table.js';
import { DEFAULT_MODEL } from '../request/defaults.js';
import { type ReportOutputOptions, tableOptions } from './report-output.js';

/** How the proxy's stdout is written while calls finish; the rest is finishReport's. */
export interface LiveOutput {
  /** Printed once listening (the CSV header). */
  start: string;
  /** What to print now that the last of `finished` has finished. */
  row(finished: readonly RequestResult[]): string;
  /** The rest of the live table (its border, the totals, iterations); undefined when no table is drawn. */
  tableText(report: Report): string | undefined;
  /** Request lines (NDJSON) or rows (CSV) went out live. */
  streamed: boolean;
}

/**
 * The table, NDJSON and CSV are written a call at a time, as `inspect` streams them; JSON and Markdown
 * are one document, written when the proxy stops.
 */
export async function openLiveOutput(options: ReportOutputOptions, io: CliIO): Promise<LiveOutput> {
  const none = { start: '', row: () => '', tableText: () => undefined, streamed: false };
  switch (options.format) {
    case 'table': {
      const live = new LiveTable(await tableOptions(options, io), {
        calls: null,
        // Columns are sized before any call: room for a current model id with its date, and for a
        // run of up to 99,999 calls (src/report/live-table.ts); longer cells are cut with `…`.
        models: [DEFAULT_MODEL],
        labels: ['proxy:99999'],
      });
      return {
        ...none,
        row: (finished) => live.update(finished),
        tableText: (report) => live.finish(report),
      };
    }
    case 'ndjson':
      return {
        ...none,
        row: (finished) => ndjsonRequestLine(finished.at(-1) as RequestResult),
        streamed: true,
      };
    case 'csv':
      return {
        ...none,
        start: CSV_HEADER,
        row: (finished) => csvRow(finished.at(-1) as RequestResult),
        streamed: true,
      };
    default:
      return none;
  }
}
