import type { Money, Report, RequestResult } from '../core/types.js';
import { usdString } from '../pricing/money.js';

const COLUMNS = [
  'index',
  'file',
  'line',
  'event',
  'label',
  'id',
  'request_id',
  'model',
  'status',
  'error_type',
  'input_tokens',
  'cache_write_5m_tokens',
  'cache_write_1h_tokens',
  'cache_write_unknown_ttl_tokens',
  'cache_creation_input_tokens',
  'cache_read_input_tokens',
  'total_input_tokens',
  'output_tokens',
  'thinking_tokens',
  'hit_rate',
  'cache_status',
  'iterations',
  'cost_usd',
  'without_cache_usd',
  'savings_usd',
  'cost_priced',
  'price_confirmed',
] as const;

/** Exact decimal dollars, so spreadsheet sums match the JSON totals. */
function usd(m: Money | null | undefined): string | null {
  return m === null || m === undefined ? null : usdString(m);
}

/**
 * RFC 4180 quoting; a leading = + - @ is prefixed so spreadsheets do not run it as a formula (a plain
 * decimal such as a negative saving cannot be one and is left alone).
 */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  let s = String(value);
  const plainNumber = /^-?\d+(\.\d+)?$/.test(s);
  if (typeof value === 'string' && !plainNumber && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function row(r: RequestResult): (string | number | null)[] {
  const u = r.billed_usage;
  return [
    r.index,
    r.source.file,
    r.source.line,
    r.source.event,
    r.label,
    r.id,
    r.request_id,
    r.model,
    r.status,
    r.error?.type ?? null,
    u?.input_tokens ?? null,
    u?.cache_creation.ephemeral_5m_input_tokens ?? null,
    u?.cache_creation.ephemeral_1h_input_tokens ?? null,
    u?.cache_creation_unknown_ttl_tokens ?? null,
    u?.cache_creation_input_tokens ?? null,
    u?.cache_read_input_tokens ?? null,
    u?.total_input_tokens ?? null,
    u?.output_tokens ?? null,
    u?.thinking_tokens ?? null,
    r.cache?.hit_rate ?? null,
    r.cache?.status ?? null,
    r.iterations.length,
    usd(r.cost?.total),
    usd(r.cost?.without_cache),
    usd(r.cost?.savings),
    r.cost ? String(r.cost.priced) : null,
    r.cost ? String(r.cost.confirmed) : null,
  ];
}

export const CSV_HEADER = `${COLUMNS.join(',')}\r\n`;

/** One CSV row for a request; written as each request is read. */
export function csvRow(r: RequestResult): string {
  return `${row(r).map(csvCell).join(',')}\r\n`;
}

/** One row per request with its billed usage (the sum over iterations when present) and its cost. */
export function renderCsv(report: Report): string {
  return CSV_HEADER + report.requests.map(csvRow).join('');
}
