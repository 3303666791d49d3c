import type { OutputFormat } from '../choices.js';
import type { Cost, CostItem, MoneySum, Report, RequestResult } from '../core/types.js';
import { perMTokString, usdString } from '../pricing/money.js';
import { formatInt, printable, rowLabel } from './format.js';

const LABELS: Record<CostItem['category'], string> = {
  input: 'input',
  cache_write_5m: 'cache write 5m',
  cache_write_1h: 'cache write 1h',
  cache_write_unknown_ttl: 'cache write ?ttl',
  cache_read: 'cache read',
  output: 'output',
  web_search: 'web search',
  web_fetch: 'web fetch',
};

function usd(m: MoneySum | null): string {
  if (m === null) return '?';
  return m < 0 ? `-$${usdString(-m)}` : `$${usdString(m)}`;
}

/** `1,000 × $3/MTok × 0.5 batch × 1.1 US inference = $0.00165` (exact amounts, no display rounding). */
function itemLine(i: CostItem): string {
  const rate =
    i.unit === 'tokens' ? `$${perMTokString(i.base_rate)}/MTok` : `$${usdString(i.base_rate)} each`;
  const factors = i.factors.map((f) => ` × ${f.multiplier} ${f.name}`).join('');
  const label = LABELS[i.category].padEnd(16);
  return `${label} ${formatInt(i.quantity).padStart(11)} × ${rate}${factors} = ${usd(i.amount)}`;
}

function costLines(c: Cost, indent: string): string[] {
  if (!c.priced) return [`${indent}no cost: ${c.notes[0] ?? 'no price'}`];
  const lines = c.items.map((i) => `${indent}${itemLine(i)}`);
  const amounts = c.items.map((i) => usdString(i.amount));
  lines.push(`${indent}= ${usd(c.total)}${amounts.length > 1 ? ` (${amounts.join(' + ')})` : ''}`);
  return lines;
}

function notesOf(c: Cost, indent: string, skipFirst: boolean): string[] {
  return c.notes.slice(skipFirst && !c.priced ? 1 : 0).map((n) => `${indent}note: ${n}`);
}

function iterationLines(r: RequestResult, cost: Cost): string[] {
  const lines: string[] = [];
  for (const it of r.iterations) {
    lines.push(`  iteration ${r.index}.${it.index} ${it.type} · ${it.model ?? '(no model)'}`);
    if (!it.cost) continue;
    lines.push(...(it.billed ? costLines(it.cost, '    ') : ['    not billed']));
    lines.push(...notesOf(it.cost, '    ', true));
  }
  const tools = cost.items.filter((i) => i.iteration === null);
  lines.push(...tools.map((i) => `  ${itemLine(i)}`));
  const parts = [
    ...r.iterations.filter((it) => it.billed).map((it) => it.cost?.total ?? null),
    ...tools.map((i) => i.amount),
  ];
  const sum = cost.priced ? ` (${parts.map((p) => (p === null ? '?' : usdString(p))).join(' + ')})` : '';
  lines.push(
    `  billed: sum of billed iterations${tools.length > 0 ? ' and server tools' : ''} = ${usd(cost.total)}${sum}`,
  );
  if (r.top_level_cost) lines.push(`  top-level usage fields alone: ${usd(r.top_level_cost.total)}`);
  const toolNotes = cost.notes.filter((n) => n.startsWith('server tools'));
  lines.push(...toolNotes.map((n) => `  note: ${n}`));
  return lines;
}

/** One request's explanation, or the empty string when it has no usage. */
export function explainRequest(r: RequestResult): string {
  const cost = r.cost;
  if (!cost) return '';
  const lines = [`#${r.index} ${rowLabel(r)} · ${r.model ?? '(no model)'}`];
  if (r.iterations.length === 0) lines.push(...costLines(cost, '  '), ...notesOf(cost, '  ', true));
  else lines.push(...iterationLines(r, cost));
  if (cost.priced) {
    lines.push(
      `  without cache: ${usd(cost.without_cache)} (every input token at the input rate); saved ${usd(cost.savings)}`,
    );
  }
  // Model names and labels come from inputs: no control character reaches the terminal.
  return `${lines.map(printable).join('\n')}\n\n`;
}

/** Each line made safe for a terminal; the line breaks stay. */
function printableLines(text: string): string {
  return text.split('\n').map(printable).join('\n');
}

export const EXPLAIN_HEADING = 'Cost of each request (USD; token rates per million tokens)\n\n';

/** The closing lines: the total and its notes. */
export function explainTotal(report: Report): string {
  const t = report.totals.cost;
  const out = [
    t.priced
      ? `Total: ${usd(t.total)} over ${t.requests_priced} request${t.requests_priced === 1 ? '' : 's'}; without cache ${usd(t.without_cache)}; saved ${usd(t.savings)}`
      : `Total: unknown (${t.requests_unpriced} request${t.requests_unpriced === 1 ? '' : 's'} without a price)`,
  ];
  const omitted = report.omitted_requests ?? 0;
  if (omitted > 0 && report.requests.length > 0) {
    out.push(
      `(${omitted} more request${omitted === 1 ? '' : 's'} in the total are not explained above; --top all lists every one)`,
    );
  }
  for (const n of t.notes) out.push(`note: ${n}`);
  return `${out.join('\n')}\n`;
}

/**
 * `--explain`: each request's cost as quantity × rate × multipliers = amount, with the exact amounts
 * (no display rounding) so they can be checked by hand against an invoice.
 */
export function renderExplain(report: Report): string {
  return EXPLAIN_HEADING + report.requests.map(explainRequest).join('') + explainTotal(report);
}

/**
 * --explain after the whole report: below a table, as a Markdown section, or on stderr when stdout
 * carries JSON that must stay parseable. Streamed formats (ndjson, csv) explain each request as it
 * passes, so only the total is left.
 */
export function explainAfter(report: Report, format: OutputFormat): { text: string; toStderr: boolean } {
  if (format === 'ndjson' || format === 'csv')
    return { text: printableLines(explainTotal(report)), toStderr: true };
  const text = printableLines(renderExplain(report));
  if (format === 'table') return { text: `\n${text}`, toStderr: false };
  if (format === 'markdown') {
    return { text: `\n## Cost explained\n\n\`\`\`text\n${text}\`\`\`\n`, toStderr: false };
  }
  return { text, toStderr: true };
}
