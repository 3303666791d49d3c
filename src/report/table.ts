import type { ChalkInstance } from 'chalk';
import Table from 'cli-table3';
import type { CacheStatus, Report } from '../core/types.js';
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
import { omittedNote } from './format.js';

export interface TableOptions {
  /** Terminal width; the compact layout is used when the full one does not fit. */
  width: number;
  chalk: ChalkInstance;
}

function statusColor(chalk: ChalkInstance, status: CacheStatus | null): (s: string) => string {
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

function draw(rows: RowData[], columns: Column[], chalk: ChalkInstance, title?: string): string {
  const table = new Table({
    head: columns.map((c) => chalk.bold(c.header)),
    colAligns: columns.map((c) => c.align),
    style: { head: [], border: [], compact: true },
  });
  for (const row of rows) {
    const cells = columns.map((c) => {
      const text = c.cell(row);
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

/** Draws with the full columns, or the compact ones when the full table is wider than the terminal. */
function fitToWidth(
  rows: RowData[],
  options: TableOptions,
  title: string,
  keepLabel = false,
  columns = COLUMNS,
): string {
  const full = draw(rows, columns, options.chalk, title);
  if (widthOf(full) <= options.width) return full;
  const compact = columns.filter((c) => c.compact || (keepLabel && c.header === 'Source'));
  return draw(rows, compact, options.chalk, title);
}

export function renderTable(report: Report, options: TableOptions): string {
  const parts: string[] = [];
  const rows = report.requests.flatMap(requestRows);
  if (report.requests.length > 1 || rows.length > 1) rows.push(totalRow(report.totals));
  if (report.requests.length > 0) parts.push(fitToWidth(rows, options, 'Requests'));
  const omitted = omittedNote(report);
  if (omitted) {
    parts.push(options.chalk.dim(omitted));
    if (report.requests.length === 0) parts.push(fitToWidth([totalRow(report.totals)], options, 'Totals'));
  }
  if (report.groups && report.groups.length > 0) {
    const groupRows = [...report.groups.map(groupRow), totalRow(report.totals)];
    parts.push(fitToWidth(groupRows, options, `By ${report.group_by}`, false, GROUP_COLUMNS));
  }
  const withIterations = report.requests.filter((r) => r.iterations.length > 0);
  if (withIterations.length > 0) {
    const itRows = withIterations.flatMap((r) => r.iterations.map((it) => iterationRow(r, it)));
    parts.push(fitToWidth(itRows, options, 'Iterations', true));
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
  return `${parts.join('\n')}\n`;
}
