/**
 * Exit codes (README "Exit codes"). Keep this table and the README's in step.
 */
export const ExitCode = {
  ok: 0,
  checksFailed: 1,
  badInput: 2,
  apiError: 3,
  internal: 70,
  interrupted: 130,
  /** 128 + 15, the status of a process ended by SIGTERM. */
  terminated: 143,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** An error meant for the user: printed as one line, mapped to an exit code, never a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue = ExitCode.badInput,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
