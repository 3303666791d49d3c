import { CliError, type ExitCodeValue } from '../errors.js';
import type { CliIO } from '../io.js';
import { readRecordedRequests } from '../recording/read-requests.js';
import { formatProblem } from '../report/format.js';
import { DEFAULT_TOP, inspectCommand } from './inspect.js';
import { type RunCallsOptions, runCalls } from './run-calls.js';

export interface ReplayOptions extends RunCallsOptions {
  files: string[];
  /** Re-send the recorded requests instead of reading the recorded responses. */
  send: boolean;
}

/**
 * Offline, a replay is `inspect` restricted to recordings: no key, no network. With --send the
 * recorded requests go out again, in order, and are reported like `send`.
 */
export async function replayCommand(options: ReplayOptions, io: CliIO): Promise<ExitCodeValue> {
  if (!options.send) {
    if (options.record !== null)
      throw new CliError('--record needs --send (a replay without it sends nothing)');
    return inspectCommand(
      {
        files: options.files,
        inputFormat: 'recording',
        strict: false,
        top: DEFAULT_TOP,
        groupBy: 'none',
        workers: 0,
        format: options.format,
        color: options.color,
        pricingFiles: options.pricingFiles,
        explain: options.explain,
        checks: options.checks,
        junit: options.junit,
        github: options.github,
      },
      io,
    );
  }
  const { requests, problems } = await readRecordedRequests(options.files);
  if (requests.length === 0) {
    for (const p of problems) io.stderr.write(`${formatProblem(p)}\n`);
    throw new CliError(`no recorded requests to send in ${options.files.join(', ')}`);
  }
  return runCalls(requests, options, io, problems);
}
