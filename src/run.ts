import { CommanderError } from 'commander';
import { createProgram, type ProgramResult } from './cli.js';
import { CliError, ExitCode, type ExitCodeValue } from './errors.js';
import type { CliIO } from './io.js';
import { printable } from './report/format.js';
import { redactingWriter, secretsFromEnv } from './secrets.js';

/**
 * The one error boundary: runs the program and maps every outcome to an exit code.
 * User errors print one line; anything unexpected prints one line too, with a stack only under --debug.
 * Whatever is printed, by us, the SDK or a stack trace, passes through a filter that blanks out the
 * credentials in the environment.
 */
export async function run(argv: readonly string[], rawIO: CliIO): Promise<ExitCodeValue> {
  const secrets = secretsFromEnv(rawIO.env);
  const io: CliIO = {
    ...rawIO,
    stdout: redactingWriter(rawIO.stdout, secrets),
    stderr: redactingWriter(rawIO.stderr, secrets),
  };
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
    // Loaded only on failure: a run that succeeds never needs the API error mapping (start-up, bench/).
    const known = err instanceof CliError ? err : (await import('./api/failures.js')).translateSdkError(err);
    // Messages may quote inputs or servers, so they are made safe for a terminal.
    if (known) {
      io.stderr.write(`usage-inspect: ${printable(known.message)}\n`);
      return known.exitCode;
    }
    const debug = argv.includes('--debug');
    const message = err instanceof Error ? err.message : String(err);
    io.stderr.write(
      `usage-inspect: internal error: ${printable(message)}${debug ? '' : ' (run with --debug for details)'}\n`,
    );
    if (debug && err instanceof Error && err.stack)
      io.stderr.write(`${err.stack.split('\n').map(printable).join('\n')}\n`);
    return ExitCode.internal;
  }
}
