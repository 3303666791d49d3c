/** The edges a command may touch, passed in so that tests can run commands in-process. */
export interface CliIO {
  stdout: { write(chunk: string): unknown; isTTY?: boolean; columns?: number };
  stderr: { write(chunk: string): unknown; isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: Record<string, string | undefined>;
  /**
   * Calls `handler` on the first Ctrl-C (SIGINT) instead of exiting, until the returned function is
   * called. A second Ctrl-C exits as usual. Absent where there is no terminal to interrupt (tests).
   */
  onInterrupt?(handler: () => void): () => void;
  /** Calls `handler` on SIGTERM instead of exiting, until the returned function is called (proxy, send, replay --send). */
  onTerminate?(handler: () => void): () => void;
}

/** The signals that stop a run of API calls gracefully (README "Exit codes": 130 and 143). */
export type StopSignal = 'SIGINT' | 'SIGTERM';

export function processIO(): CliIO {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    onInterrupt(handler) {
      process.once('SIGINT', handler);
      return () => process.off('SIGINT', handler);
    },
    onTerminate(handler) {
      process.once('SIGTERM', handler);
      return () => process.off('SIGTERM', handler);
    },
  };
}

/** Terminal width for table layout: $COLUMNS, then the TTY's width, then 120 for pipes. */
export function terminalWidth(io: CliIO): number {
  const fromEnv = Number.parseInt(io.env.COLUMNS ?? '', 10);
  if (Number.isFinite(fromEnv) && fromEnv > 0) return fromEnv;
  return io.stdout.columns && io.stdout.columns > 0 ? io.stdout.columns : 120;
}
