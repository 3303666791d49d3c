import Table from 'cli-table3';
import type { CacheStatus, Report } from '../core/types.js';
import { renderCiText } from './ci-text.js';
import {
  COLUMNS,
  type Column,
  GROUP_COLUMNS,
  groupRow,
  iterationRow,
  type RowData,
  requestRows,
  totalRow,
} from './columns.js';
import { costFootnotes } from './cost-notes.js';
import { omittedNote, printable } from './format.js';
import type { Styles } from './styles.js';

export interface TableOptions {
  /** Terminal width; the compact layout is used when the full one does not fit. */
  width: number;
  chalk: Styles;
  /** A layout chosen beforehand, instead of the one that fits `width`. */
  layout?: 'full' | 'compact';
  /** Fixed column widths (padding included), so that rows printed one at a time line up. */
  colWidths?: (column: Column) => number;
  /**
   * The total goes in a table of its own under the Requests table, laid out for its own numbers (a run
   * of unknown length, whose fixed columns are sized for one call).
   */
  totalsApart?: boolean;
}

function statusColor(chalk: Styles, status: CacheStatus | null): (s: string) => string {
  switch (status) {
    case 'hit':
      return chalk.green;
    case 'partial':
      return chalk.cyan;
    case 'write':
      return chalk.yellow;
    case 'miss':
      return chalk.red;
    case 'below_minimum':
      return chalk.magenta;
    default:
      return (s) => s;
  }
}

function draw(
  rows: RowData[],
  columns: Column[],
  chalk: Styles,
  title?: string,
  colWidths?: TableOptions['colWidths'],
): string {
  const table = new Table({
    head: columns.map((c) => chalk.bold(c.header)),
    colAligns: columns.map((c) => c.align),
    style: { head: [], border: [], compact: true },
    ...(colWidths ? { colWidths: columns.map(colWidths) } : {}),
  });
  for (const row of rows) {
    const cells = columns.map((c) => {
      const text = printable(c.cell(row));
      if (c.header === 'Cache')
        return row.status.startsWith('error') ? chalk.red(text) : statusColor(chalk, row.cache)(text);
      if (row.kind === 'total') return chalk.bold(text);
      if (row.kind === 'billed') return chalk.dim(text);
      return text;
    });
    table.push(cells);
  }
  return title ? `${chalk.bold(title)}\n${table.toString()}` : table.toString();
}

function widthOf(text: string): number {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: strips ANSI colour codes before measuring
  return Math.max(...text.split('\n').map((l) => l.replace(/\u001b\[[0-9;]*m/g, '').length));
}

/** The columns of a layout; `keepLabel` keeps Source in the compact one (the Iterations table). */
export function layoutColumns(layout: 'full' | 'compact', keepLabel = false, columns = COLUMNS): Column[] {
  return layout === 'full'
    ? columns
    : columns.filter((c) => c.compact || (keepLabel && c.header === 'Source'));
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * How wide `draw` makes a table when every cell is printable ASCII (one terminal column per character):
 * each column as wide as its widest cell plus one space each side, and a border before each column and
 * after the last. Null otherwise (wide characters and the like), when only drawing tells.
 */
function asciiWidth(rows: RowData[], columns: Column[], title: string): number | null {
  let width = 1;
  for (const c of columns) {
    let widest = c.header.length;
    for (const row of rows) {
      const text = printable(c.cell(row));
      if (!PRINTABLE_ASCII.test(text)) return null;
      widest = Math.max(widest, text.length);
    }
    width += widest + 3;
  }
  return Math.max(width, title.length);
}

/** Draws with the full columns, or the compact ones when the full table is wider than the terminal. */
function fitToWidth(
  rows: RowData[],
  options: TableOptions,
  title: string,
  keepLabel = false,
  columns = COLUMNS,
): string {
  if (options.layout) {
    return draw(
      rows,
      layoutColumns(options.layout, keepLabel, columns),
      options.chalk,
      title,
      options.colWidths,
    );
  }
  // Drawing costs far more than measuring: the full table is drawn only to be measured when its cells
  // alone cannot tell.
  const known = asciiWidth(rows, columns, title);
  const compact = () => draw(rows, layoutColumns('compact', keepLabel, columns), options.chalk, title);
  if (known !== null) return known <= options.width ? draw(rows, columns, options.chalk, title) : compact();
  const full = draw(rows, columns, options.chalk, title);
  return widthOf(full) <= options.width ? full : compact();
}

/** The Requests table; `withTotal` false leaves out the total row (a run still in progress). */
export function renderRequestsTable(report: Report, options: TableOptions, withTotal = true): string {
  const rows = report.requests.flatMap(requestRows);
  if (withTotal && (report.requests.length > 1 || rows.length > 1)) rows.push(totalRow(report.totals));
  return fitToWidth(rows, options, 'Requests');
}

export function renderTable(report: Report, options: TableOptions): string {
  const parts: string[] = [];
  const apart = options.totalsApart === true;
  if (report.requests.length > 0) parts.push(renderRequestsTable(report, options, !apart));
  // The other tables are laid out on their own: a fixed layout is for the live Requests table.
  const own: TableOptions = { width: options.width, chalk: options.chalk };
  const omitted = omittedNote(report);
  if (omitted) parts.push(options.chalk.dim(omitted));
  if (omitted && report.requests.length === 0)
    parts.push(fitToWidth([totalRow(report.totals)], own, 'Totals'));
  // Kept in the compact layout too: the label says how many requests the total covers.
  else if (apart && report.requests.length > 0)
    parts.push(fitToWidth([totalRow(report.totals)], own, 'Totals', true));
  if (report.groups && report.groups.length > 0) {
    const groupRows = [...report.groups.map(groupRow), totalRow(report.totals)];
    parts.push(fitToWidth(groupRows, own, `By ${report.group_by}`, false, GROUP_COLUMNS));
  }
  const withIterations = report.requests.filter((r) => r.iterations.length > 0);
  if (withIterations.length > 0) {
    const itRows = withIterations.flatMap((r) => r.iterations.map((it) => iterationRow(r, it)));
    parts.push(fitToWidth(itRows, own, 'Iterations', true));
    parts.push(
      options.chalk.dim(
        '* not included in the top-level usage fields; billed usage sums every billed iteration',
      ),
    );
  }
  const unknownTtl = report.totals.billed_usage.cache_creation_unknown_ttl_tokens;
  if (unknownTtl > 0) {
    parts.push(
      options.chalk.dim(
        `? the input does not give the 5m/1h split of ${unknownTtl.toLocaleString('en-US')} cache-write tokens`,
      ),
    );
  }
  for (const line of costFootnotes(report.totals)) parts.push(options.chalk.dim(printable(line)));
  parts.push(...renderCiText(report, options.chalk));
  return `${parts.join('\n')}\n`;
}
