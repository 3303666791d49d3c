import type { Report } from '../core/types.js';
import { COLUMNS, GROUP_COLUMNS, groupRow, iterationRow, requestRows, totalRow } from './columns.js';
import { costFootnotes } from './cost-notes.js';
import { formatProblem, omittedNote } from './format.js';

function escapeCell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
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

/** A Markdown summary: the same tables as the terminal, then the problems. */
export function renderMarkdown(report: Report): string {
  const parts = [
    '## Requests',
    '',
    mdTable([...report.requests.flatMap(requestRows), totalRow(report.totals)]),
  ];
  const omitted = omittedNote(report);
  if (omitted) parts.push('', omitted);
  if (report.groups && report.groups.length > 0) {
    const rows = [...report.groups.map(groupRow), totalRow(report.totals)];
    parts.push('', `## By ${report.group_by}`, '', mdTable(rows, GROUP_COLUMNS));
  }
  const withIterations = report.requests.filter((r) => r.iterations.length > 0);
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
