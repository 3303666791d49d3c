import type { CacheBreak, CheckResult } from '../core/types.js';
import { breakSource, breakTokens, formatCheckValue } from './ci-text.js';
import { printable } from './format.js';

/** A Markdown table cell, with control characters from inputs shown rather than sent raw. */
export function escapeCell(s: string): string {
  return printable(s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' '));
}

function table(head: string[], align: ('left' | 'right')[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map(escapeCell).join(' | ')} |`;
  const rule = `|${align.map((a) => (a === 'right' ? ' ---: ' : ' --- ')).join('|')}|`;
  return [line(head), rule, ...rows.map(line)].join('\n');
}

export function checksMarkdown(checks: CheckResult[]): string {
  return table(
    ['Result', 'Check', 'Actual', 'Limit', 'Details'],
    ['left', 'left', 'right', 'right', 'left'],
    checks.map((c) => [
      c.passed ? '✅ pass' : '❌ fail',
      c.name,
      formatCheckValue(c.name, c.actual),
      formatCheckValue(c.name, c.expected),
      c.message,
    ]),
  );
}

export function breaksMarkdown(breaks: CacheBreak[]): string {
  return table(
    ['#', 'Source', 'Model', 'Cause', 'Tokens', 'Detail'],
    ['right', 'left', 'left', 'left', 'left', 'left'],
    breaks.map((b) => [
      `${b.index} (vs ${b.previous_index})`,
      breakSource(b),
      b.model ?? '?',
      b.cause,
      breakTokens(b),
      b.detail,
    ]),
  );
}
