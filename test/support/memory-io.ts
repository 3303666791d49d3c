import { Readable } from 'node:stream';
import type { CliIO, StopSignal } from '../../src/io.js';

/** A CliIO that keeps what is written, for running commands in-process. */
export function memoryIO(env: Record<string, string | undefined>, options: { stderrTTY?: boolean } = {}) {
  const out = { stdout: '', stderr: '' };
  const handlers: Partial<Record<StopSignal, () => void>> = {};
  const listen = (signal: StopSignal) => (handler: () => void) => {
    handlers[signal] = handler;
    return () => {
      delete handlers[signal];
    };
  };
  const io: CliIO = {
    stdout: { write: (s: string) => (out.stdout += s), isTTY: false },
    stderr: { write: (s: string) => (out.stderr += s), isTTY: options.stderrTTY === true },
    stdin: Object.assign(Readable.from([]), { isTTY: false }),
    env: { NO_COLOR: '1', COLUMNS: '160', ...env },
    onInterrupt: listen('SIGINT'),
    onTerminate: listen('SIGTERM'),
  };
  /** Delivers a signal as the process would: to the handler listening for it, if any. */
  return { io, out, interrupt: (signal: StopSignal = 'SIGINT') => handlers[signal]?.() };
}
