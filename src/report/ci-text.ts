import type { CacheBreak, CheckResult, Report } from '../core/types.js';
import { formatInt, formatRate, formatSource } from './format.js';
import { formatUsd } from './format-money.js';
import type { Styles } from './styles.js';

/** Dollars as JSON carries them (checks, breaks), shown as the cost columns show money. */
function formatDollars(usd: number): string {
  return formatUsd(Math.round(usd * 1e12));
}

/** A check's actual or expected value in the unit its name implies. */
export function formatCheckValue(name: string, value: number | null): string {
  if (value === null) return 'n/a';
  if (name === 'min-hit-rate') return formatRate(value);
  if (name.endsWith('-cost')) return formatDollars(value);
  return formatInt(value);
}

/** What a break cost in tokens (and dollars, when priced), e.g. `read 0 of 12,345 cached tokens, …`. */
export function breakTokens(b: CacheBreak): string {
  const cost =
    b.rewrite_cost_usd !== null && b.rewritten_tokens > 0 ? ` (${formatDollars(b.rewrite_cost_usd)})` : '';
  return `read ${formatInt(b.read_tokens)} of ${formatInt(b.previous_cached_tokens)} cached tokens, ${formatInt(b.rewritten_tokens)} written again${cost}`;
}

export function breakSource(b: CacheBreak): string {
  return formatSource({ ...b.source, event: null }, true);
}

export function breakLine(b: CacheBreak): string {
  return `#${b.index} ${breakSource(b)} vs #${b.previous_index}: ${breakTokens(b)}; ${b.cause}: ${b.detail}`;
}

export function checkLine(c: CheckResult): string {
  return `${c.passed ? 'PASS' : 'FAIL'}  ${c.name}: ${c.message}`;
}

/** The sections printed under the terminal tables: cache breaks, then checks. */
export function renderCiText(report: Report, chalk: Styles): string[] {
  const parts: string[] = [];
  const breaks = report.breaks ?? [];
  if (breaks.length > 0) {
    parts.push(chalk.bold('Cache breaks'), ...breaks.map((b) => `  ${chalk.yellow(breakLine(b))}`));
  }
  const checks = report.checks ?? [];
  if (checks.length > 0) {
    parts.push(
      chalk.bold('Checks'),
      ...checks.map((c) => `  ${c.passed ? chalk.green(checkLine(c)) : chalk.red(checkLine(c))}`),
    );
  }
  return parts;
}
