import type { Report } from '../core/types.js';
import { COLUMNS, GROUP_COLUMNS, groupRow, iterationRow, requestRows, totalRow } from './columns.js';
import { costFootnotes } from './cost-notes.js';
import { formatInt, formatProblem, omittedNote } from './format.js';
import { breaksMarkdown, checksMarkdown, escapeCell } from './markdown-sections.js';

export interface MarkdownOptions {
  /** The verdict line (src/checks/verdict.ts), shown as the heading when checks ran. */
  verdict?: string | null;
  /** Show at most this many request rows (the GitHub step summary has a size limit). */
  maxRequestRows?: number;
}

function mdTable(rows: ReturnType<typeof requestRows>, columns = COLUMNS): string {
  const head = `| ${columns.map((c) => c.header).join(' | ')} |`;
  const rule = `|${columns.map((c) => (c.align === 'right' ? ' ---: ' : ' --- ')).join('|')}|`;
  const body = rows.map((r) => {
    const cells = columns.map((c) => escapeCell(c.cell(r)));
    return `| ${r.kind === 'total' ? cells.map((c) => (c ? `**${c}**` : c)).join(' | ') : cells.join(' | ')} |`;
  });
  return [head, rule, ...body].join('\n');
}

/**
 * A Markdown summary: the verdict and checks first, then cache breaks, the same tables as the terminal,
 * and the problems. The GitHub step summary is this text.
 */
export function renderMarkdown(report: Report, options: MarkdownOptions = {}): string {
  const parts: string[] = [];
  if (options.verdict)
    parts.push(`## ${options.verdict.startsWith('PASS') ? '✅' : '❌'} ${escapeCell(options.verdict)}`, '');
  if (report.checks && report.checks.length > 0)
    parts.push('## Checks', '', checksMarkdown(report.checks), '');
  if (report.breaks && report.breaks.length > 0)
    parts.push('## Cache breaks', '', breaksMarkdown(report.breaks), '');
  const shown = report.requests.slice(0, options.maxRequestRows ?? report.requests.length);
  parts.push('## Requests', '', mdTable([...shown.flatMap(requestRows), totalRow(report.totals)]));
  const omitted = omittedNote(report);
  if (omitted) parts.push('', omitted);
  const cut = report.requests.length - shown.length;
  if (cut > 0) {
    parts.push('', `${formatInt(cut)} more listed requests left out to fit; the totals cover all of them.`);
  }
  if (report.groups && report.groups.length > 0) {
    const rows = [...report.groups.map(groupRow), totalRow(report.totals)];
    parts.push('', `## By ${report.group_by}`, '', mdTable(rows, GROUP_COLUMNS));
  }
  const withIterations = shown.filter((r) => r.iterations.length > 0);
  if (withIterations.length > 0) {
    parts.push(
      '',
      '## Iterations',
      '',
      mdTable(withIterations.flatMap((r) => r.iterations.map((it) => iterationRow(r, it)))),
    );
    parts.push('', '\\* not included in the top-level usage fields');
  }
  for (const note of costFootnotes(report.totals)) parts.push('', escapeCell(note));
  if (report.problems.length > 0) {
    parts.push('', '## Problems', '', ...report.problems.map((p) => `- ${escapeCell(formatProblem(p))}`));
  }
  return `${parts.join('\n')}\n`;
}
