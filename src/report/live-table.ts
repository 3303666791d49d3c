import { computeTotals } from '../core/analyze.js';
import type { Report, RequestResult } from '../core/types.js';
import { type Column, requestRows } from './columns.js';
import { formatInt } from './format.js';
import { layoutColumns, renderRequestsTable, renderTable, type TableOptions } from './table.js';

/** What is known about a run before it starts, to size the columns. */
export interface LiveTableHints {
  /** How many calls the run will make; null for a run of unknown length (the proxy). */
  calls: number | null;
  /** Models the requests name (responses may add a date suffix). */
  models: string[];
  /** Row labels (the Source column). */
  labels: string[];
}

/** Room for a dated model id (`-20250929`) after the name the request used. */
const DATE_SUFFIX = 9;
/**
 * A request's token counts stay within its context window (at most 1M tokens for current models,
 * src/data/models.json), so the total row of a run stays within calls × 1M; wider cells are cut with `…`.
 */
const MAX_TOKENS_PER_CALL = 1_000_000;
/** The # column of a run of unknown length makes room for this many calls. */
const OPEN_RUN_CALLS = 99_999;
/** `100.0%`. */
const RATE_WIDTH = 6;
/** The longest status most rows show: `below_minimum (incomplete)`, `error: invalid_request_error`. */
const STATUS_WIDTH = 28;
/** The least a status gets on narrow terminals: `below_minimum` fits; longer error types are cut (stderr has them whole). */
const NARROW_STATUS_WIDTH = 13;
/** `~-$0.011739`: six decimals under $1, a sign and the not-confirmed mark (src/report/format-money.ts). */
const MONEY_WIDTH = 11;
const PADDING = 2;

function widths(hints: LiveTableHints, statusWidth: number): (column: Column) => number {
  const longest = (values: string[]) => Math.max(0, ...values.map((v) => v.length));
  // A run of unknown length draws its total apart (TableOptions.totalsApart): its rows hold one call each.
  const countWidth = formatInt(Math.max(1, hints.calls ?? 1) * MAX_TOKENS_PER_CALL).length;
  return (column) => {
    const header = column.header.length;
    switch (column.header) {
      case '#':
        return Math.max(header, String(hints.calls ?? OPEN_RUN_CALLS).length) + PADDING;
      case 'Source':
        return Math.max(header, longest(hints.labels)) + PADDING;
      case 'Model':
        return Math.max(header, longest(hints.models) + DATE_SUFFIX) + PADDING;
      case 'Cache':
        return Math.max(header, statusWidth) + PADDING;
      case 'Hit rate':
        return Math.max(header, RATE_WIDTH) + PADDING;
      case 'Cost':
      case 'Saved':
        return Math.max(header, MONEY_WIDTH) + PADDING;
      default:
        return Math.max(header, countWidth) + PADDING;
    }
  };
}

function tableWidth(columns: Column[], colWidths: (c: Column) => number): number {
  return columns.reduce((sum, c) => sum + colWidths(c), 0) + columns.length + 1;
}

/**
 * The Requests table printed a row at a time while calls finish. Columns get fixed widths up front so
 * that rows printed earlier stay aligned with later ones; the layout (full or compact) is chosen once
 * for the terminal width. When the run is over, `finish` returns the rest of what `renderTable` prints.
 */
export class LiveTable {
  private printed: string[] = [];
  /** Requests whose rows are printed. */
  private shown = 0;
  private readonly options: TableOptions;

  constructor(base: TableOptions, hints: LiveTableHints) {
    let colWidths = widths(hints, STATUS_WIDTH);
    let layout: 'full' | 'compact' = 'full';
    if (tableWidth(layoutColumns('full'), colWidths) > base.width) layout = 'compact';
    const over = tableWidth(layoutColumns(layout), colWidths) - base.width;
    // On a narrow terminal the status column gives up what it must, and no more.
    if (over > 0) colWidths = widths(hints, Math.max(NARROW_STATUS_WIDTH, STATUS_WIDTH - over));
    this.options = { ...base, layout, colWidths, totalsApart: hints.calls === null };
  }

  /**
   * New lines to print now that `requests` have finished: the header the first time, then the rows of
   * the requests not printed yet. Columns are fixed, so a row drawn alone is the very line it is in the
   * whole table; drawing only the new rows keeps a long run (the proxy) from slowing down as it grows.
   */
  update(requests: readonly RequestResult[]): string {
    const fresh = requests.slice(this.shown);
    if (fresh.length === 0) return '';
    this.shown = requests.length;
    const report: Report = { requests: fresh, totals: computeTotals(fresh), problems: [] };
    const lines = renderRequestsTable(report, this.options, false).split('\n').slice(0, -1);
    const rows = this.printed.length === 0 ? lines : lines.slice(-fresh.flatMap(requestRows).length);
    this.printed.push(...rows);
    return `${rows.join('\n')}\n`;
  }

  /** The rest of the table for the finished run: total row, bottom border, iterations and notes. */
  finish(report: Report): string {
    if (report.requests.length === 0 && this.printed.length === 0) return '';
    const lines = renderTable(report, this.options).replace(/\n$/, '').split('\n');
    return this.take(lines);
  }

  private take(lines: string[]): string {
    const continues = this.printed.every((line, i) => lines[i] === line);
    // Rows never change once printed; should that ever fail, the whole table is printed again.
    const fresh = continues ? lines.slice(this.printed.length) : lines;
    this.printed = lines;
    return fresh.length > 0 ? `${fresh.join('\n')}\n` : '';
  }
}
