import { Readable } from 'node:stream';
import type { CliIO } from '../../src/io.js';

/** A CliIO that keeps what is written, for running commands in-process. */
export function memoryIO(env: Record<string, string | undefined>, options: { stderrTTY?: boolean } = {}) {
  const out = { stdout: '', stderr: '' };
  let interrupt: (() => void) | null = null;
  const io: CliIO = {
    stdout: { write: (s: string) => (out.stdout += s), isTTY: false },
    stderr: { write: (s: string) => (out.stderr += s), isTTY: options.stderrTTY === true },
    stdin: Object.assign(Readable.from([]), { isTTY: false }),
    env: { NO_COLOR: '1', COLUMNS: '160', ...env },
    onInterrupt(handler) {
      interrupt = handler;
      return () => {
        interrupt = null;
      };
    },
  };
  return { io, out, interrupt: () => interrupt?.() };
}
