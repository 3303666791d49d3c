import type {
  CacheStatus,
  CostSummary,
  GroupTotals,
  Iteration,
  MoneySum,
  RequestResult,
  TokenCounts,
  Totals,
} from '../core/types.js';
import { formatInt, formatRate, rowLabel } from './format.js';
import { costCell } from './format-money.js';

/** What one table row shows, whatever renders it (terminal table or Markdown). */
export interface RowData {
  index: string;
  label: string;
  model: string;
  counts: TokenCounts | null;
  /** The cost of exactly the counts shown on the row. */
  cost: CostSummary<MoneySum> | null;
  hitRate: number | null;
  cache: CacheStatus | null;
  status: string;
  kind: 'request' | 'billed' | 'iteration' | 'total';
}

export interface Column {
  header: string;
  align: 'left' | 'right';
  /** Shown in the compact layout for narrow terminals. */
  compact: boolean;
  cell(row: RowData): string;
}

/** A TTL member the input does not give shows as `?`; a partly known one as `n+?`. */
function ttlCell(value: number | null, counts: TokenCounts): string {
  const unknown = counts.cache_creation_unknown_ttl_tokens > 0;
  if (value === null || (value === 0 && unknown)) return '?';
  return unknown ? `${formatInt(value)}+?` : formatInt(value);
}

function countCell(row: RowData, pick: (c: TokenCounts) => string): string {
  return row.counts ? pick(row.counts) : '–';
}

function outputCell(c: TokenCounts): string {
  return c.thinking_tokens === null
    ? formatInt(c.output_tokens)
    : `${formatInt(c.output_tokens)} (${formatInt(c.thinking_tokens)})`;
}

export const COLUMNS: Column[] = [
  { header: '#', align: 'right', compact: true, cell: (r) => r.index },
  { header: 'Source', align: 'left', compact: false, cell: (r) => r.label },
  { header: 'Model', align: 'left', compact: true, cell: (r) => r.model },
  {
    header: 'Input',
    align: 'right',
    compact: true,
    cell: (r) => countCell(r, (c) => formatInt(c.input_tokens)),
  },
  {
    header: 'Write 5m',
    align: 'right',
    compact: false,
    cell: (r) => countCell(r, (c) => ttlCell(c.cache_creation.ephemeral_5m_input_tokens, c)),
  },
  {
    header: 'Write 1h',
    align: 'right',
    compact: false,
    cell: (r) => countCell(r, (c) => ttlCell(c.cache_creation.ephemeral_1h_input_tokens, c)),
  },
  {
    header: 'Write',
    align: 'right',
    compact: true,
    cell: (r) => countCell(r, (c) => formatInt(c.cache_creation_input_tokens)),
  },
  {
    header: 'Read',
    align: 'right',
    compact: true,
    cell: (r) => countCell(r, (c) => formatInt(c.cache_read_input_tokens)),
  },
  {
    header: 'Total in',
    align: 'right',
    compact: false,
    cell: (r) => countCell(r, (c) => formatInt(c.total_input_tokens)),
  },
  { header: 'Output (thinking)', align: 'right', compact: true, cell: (r) => countCell(r, outputCell) },
  {
    header: 'Hit rate',
    align: 'right',
    compact: true,
    cell: (r) => (r.counts ? formatRate(r.hitRate) : '–'),
  },
  { header: 'Cost', align: 'right', compact: true, cell: (r) => costCell(r.cost, (c) => c.total) },
  { header: 'Saved', align: 'right', compact: false, cell: (r) => costCell(r.cost, (c) => c.savings) },
  // Last: the status may be an error type, the widest cell, and narrow layouts shorten it.
  { header: 'Cache', align: 'left', compact: true, cell: (r) => r.status },
];

function statusText(r: RequestResult): string {
  if (r.status === 'error') return `error${r.error ? `: ${r.error.type}` : ''}`;
  const cache = r.cache?.status ?? '–';
  return r.status === 'incomplete' ? `${cache} (incomplete)` : cache;
}

/** Rows for one request: the top level, then the billed sum when iterations make it differ. */
export function requestRows(r: RequestResult): RowData[] {
  const rows: RowData[] = [
    {
      index: String(r.index),
      label: rowLabel(r),
      model: r.model ?? '?',
      counts: r.usage,
      cost: r.top_level_cost ?? r.cost,
      hitRate: r.cache?.hit_rate ?? null,
      cache: r.cache?.status ?? null,
      status: statusText(r),
      kind: 'request',
    },
  ];
  if (r.billed_usage && r.usage && r.billed_usage !== r.usage) {
    rows.push({
      index: '↳',
      label: 'billed: all iterations',
      model: '',
      counts: r.billed_usage,
      cost: r.cost,
      hitRate: r.cache?.hit_rate ?? null,
      cache: r.cache?.status ?? null,
      status: '',
      kind: 'billed',
    });
  }
  return rows;
}

/** A row of sums: the report totals, or one `--group-by` group. */
function sumsRow(t: Totals, index: string, label: string, kind: RowData['kind']): RowData {
  return {
    index,
    label,
    model: '',
    counts: t.requests_with_usage > 0 ? t.billed_usage : null,
    cost: t.requests_with_usage > 0 ? t.cost : null,
    hitRate: t.hit_rate,
    cache: null,
    status: '',
    kind,
  };
}

export function totalRow(t: Totals): RowData {
  return sumsRow(t, 'Σ', `Total: ${t.requests} request${t.requests === 1 ? '' : 's'}`, 'total');
}

export function iterationRow(r: RequestResult, it: Iteration): RowData {
  return {
    index: `${r.index}.${it.index}`,
    label: `${it.type}${it.in_top_level ? '' : ' *'}${it.billed ? '' : ' (not billed)'}`,
    model: it.model ?? '?',
    counts: it,
    cost: it.cost,
    hitRate: it.cache.hit_rate,
    cache: it.cache.status,
    status: it.cache.status,
    kind: 'iteration',
  };
}

/** Columns of the `--group-by` table: the group, its request count, then the token columns. */
export const GROUP_COLUMNS: Column[] = [
  { header: 'Group', align: 'left', compact: true, cell: (r) => r.label },
  { header: 'Requests', align: 'right', compact: true, cell: (r) => r.index },
  ...COLUMNS.filter((c) => !['#', 'Source', 'Model', 'Cache'].includes(c.header)),
];

export function groupRow(g: GroupTotals): RowData {
  return sumsRow(g, formatInt(g.requests), g.key, 'request');
}
