import { hasChecks } from '../checks/check-options.js';
import type { CiOptions } from '../checks/cli-flags.js';
import { type CheckFormat, DEFAULT_TOP, type InputFormat } from '../choices.js';
import { CliError, type ExitCodeValue } from '../errors.js';
import type { CliIO } from '../io.js';
import type { Keep } from '../pipeline/collect.js';
import { finishReport } from './finish-report.js';
import { collectReport } from './inspect.js';

export { CHECK_FORMATS, type CheckFormat } from '../choices.js';

export interface CheckCommandOptions extends CiOptions {
  files: string[];
  inputFormat: InputFormat;
  format: CheckFormat;
  strict: boolean;
  color: boolean | undefined;
  workers: number | 'auto';
  /** --pricing files, applied in order over the built-in prices (for --max-cost). */
  pricingFiles: string[];
}

/**
 * The verdict needs no request listed; JSON lists them all; Markdown, and the GitHub step summary, the
 * most expensive as inspect does.
 */
function keepFor(options: CheckCommandOptions, io: CliIO): Keep {
  if (options.format === 'json') return { all: true };
  const github = options.github || io.env.GITHUB_ACTIONS === 'true';
  if (options.format === 'markdown' || github) return { top: DEFAULT_TOP };
  return { none: true };
}

/** `check`: reads like `inspect`, prints only the assertions and the verdict, and exits 0, 1 or 2. */
export async function checkCommand(options: CheckCommandOptions, io: CliIO): Promise<ExitCodeValue> {
  if (!hasChecks(options.checks)) {
    throw new CliError(
      'check needs at least one assertion: --min-hit-rate, --expect-hit, --max-misses, --max-cost, ' +
        '--max-input-tokens, --max-output-tokens, their --max-total-* forms, or --no-cache-breaks',
    );
  }
  const report = await collectReport(
    { ...options, keep: keepFor(options, io), groupBy: 'none', stream: null, explain: false },
    io,
  );
  return finishReport(report, options, io);
}
