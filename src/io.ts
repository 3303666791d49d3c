/** The edges a command may touch, passed in so that tests can run commands in-process. */
export interface CliIO {
  stdout: { write(chunk: string): unknown; isTTY?: boolean; columns?: number };
  stderr: { write(chunk: string): unknown; isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: Record<string, string | undefined>;
}

export function processIO(): CliIO {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };
}

/** Terminal width for table layout: $COLUMNS, then the TTY's width, then 120 for pipes. */
export function terminalWidth(io: CliIO): number {
  const fromEnv = Number.parseInt(io.env.COLUMNS ?? '', 10);
  if (Number.isFinite(fromEnv) && fromEnv > 0) return fromEnv;
  return io.stdout.columns && io.stdout.columns > 0 ? io.stdout.columns : 120;
}
