import Table from 'cli-table3';
import type { BreakpointCount, CountReport } from '../core/count.js';
import { breakpointJson } from './dry-run.js';
import { formatInt } from './format.js';
import { SCHEMA_VERSION } from './json.js';
import type { Styles } from './styles.js';

function verdictText(b: BreakpointCount, minimum: number | null): string {
  switch (b.verdict) {
    case 'cacheable':
      return 'can be cached';
    case 'below_minimum':
      return `never cached: below the ${formatInt(minimum ?? 0)}-token minimum`;
    default:
      return 'minimum unknown for this model';
  }
}

/** `count`: input tokens, then each breakpoint's prefix against the model's minimum. */
export function renderCountTable(report: CountReport, chalk: Styles): string {
  const minimum =
    report.minimum_cacheable_tokens === null
      ? 'minimum cacheable prompt unknown'
      : `minimum cacheable prompt ${formatInt(report.minimum_cacheable_tokens)} tokens`;
  const lines = [`${chalk.bold('Model')} ${report.model} (${minimum})`];
  lines.push(`${chalk.bold('Input tokens')} ${formatInt(report.input_tokens)} (token counting estimate)`);
  if (report.breakpoints.length === 0) {
    lines.push('No cache_control breakpoints: nothing in this request can be cached (see --cache).');
    return `${lines.join('\n')}\n`;
  }
  const table = new Table({
    head: ['#', 'Breakpoint', 'TTL', 'Prefix tokens', 'Cache'].map((h) => chalk.bold(h)),
    colAligns: ['right', 'left', 'left', 'right', 'left'],
    style: { head: [], border: [], compact: true },
  });
  for (const b of report.breakpoints) {
    const text = verdictText(b, report.minimum_cacheable_tokens);
    table.push([
      String(b.breakpoint.index),
      b.breakpoint.section === 'automatic' ? 'cache_control (automatic)' : b.breakpoint.location,
      b.breakpoint.ttl,
      `${b.includes_placeholder ? '≈' : ''}${formatInt(b.prefix_tokens)}`,
      b.verdict === 'below_minimum'
        ? chalk.magenta(text)
        : b.verdict === 'cacheable'
          ? chalk.green(text)
          : text,
    ]);
  }
  lines.push(chalk.bold('Breakpoints'), table.toString());
  if (report.breakpoints.some((b) => b.includes_placeholder)) {
    lines.push(
      chalk.dim('≈ counted with a one-character user turn after it: a few tokens above the prefix alone'),
    );
  }
  return `${lines.join('\n')}\n`;
}

export function renderCountJson(report: CountReport): string {
  const doc = {
    schema_version: SCHEMA_VERSION,
    model: report.model,
    input_tokens: report.input_tokens,
    minimum_cacheable_tokens: report.minimum_cacheable_tokens,
    breakpoints: report.breakpoints.map((b) => ({
      ...breakpointJson(b.breakpoint),
      prefix_input_tokens: b.prefix_tokens,
      includes_placeholder: b.includes_placeholder,
      cacheable: b.verdict === 'unknown_minimum' ? null : b.verdict === 'cacheable',
    })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
