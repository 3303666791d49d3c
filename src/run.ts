import { CommanderError } from 'commander';
import { translateSdkError } from './api/failures.js';
import { createProgram, type ProgramResult } from './cli.js';
import { CliError, ExitCode, type ExitCodeValue } from './errors.js';
import type { CliIO } from './io.js';

/**
 * The one error boundary: runs the program and maps every outcome to an exit code.
 * User errors print one line; anything unexpected prints one line too, with a stack only under --debug.
 */
export async function run(argv: readonly string[], io: CliIO): Promise<ExitCodeValue> {
  const result: ProgramResult = { exitCode: null };
  const program = createProgram(io, argv, result);
  try {
    await program.parseAsync(argv as string[], { from: 'user' });
    return result.exitCode ?? ExitCode.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version are "errors" under exitOverride; commander has already printed them.
      return err.exitCode === 0 ? ExitCode.ok : ExitCode.badInput;
    }
    const known = err instanceof CliError ? err : translateSdkError(err);
    if (known) {
      io.stderr.write(`usage-inspect: ${known.message}\n`);
      return known.exitCode;
    }
    const debug = argv.includes('--debug');
    const message = err instanceof Error ? err.message : String(err);
    io.stderr.write(
      `usage-inspect: internal error: ${message}${debug ? '' : ' (run with --debug for details)'}\n`,
    );
    if (debug && err instanceof Error && err.stack) io.stderr.write(`${err.stack}\n`);
    return ExitCode.internal;
  }
}
