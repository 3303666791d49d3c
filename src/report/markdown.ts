import type { Report } from '../core/types.js';
import { COLUMNS, iterationRow, requestRows, totalRow } from './columns.js';
import { formatProblem } from './format.js';

function escapeCell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function mdTable(rows: ReturnType<typeof requestRows>): string {
  const head = `| ${COLUMNS.map((c) => c.header).join(' | ')} |`;
  const rule = `|${COLUMNS.map((c) => (c.align === 'right' ? ' ---: ' : ' --- ')).join('|')}|`;
  const body = rows.map((r) => {
    const cells = COLUMNS.map((c) => escapeCell(c.cell(r)));
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
  if (report.problems.length > 0) {
    parts.push('', '## Problems', '', ...report.problems.map((p) => `- ${escapeCell(formatProblem(p))}`));
  }
  return `${parts.join('\n')}\n`;
}
