import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { redact } from '../api/failures.js';
import { CliError } from '../errors.js';
import type { RecordingLine } from './line.js';

/**
 * Appends recording lines to a file. Each line is written and fsynced before append() returns, so a
 * run that is interrupted or killed leaves only whole lines. The file is opened for appending (never
 * truncated) and created readable by its owner only, since it holds prompts and responses.
 */
export class RecordingWriter {
  private constructor(
    readonly path: string,
    private fd: number | null,
  ) {}

  static open(path: string): RecordingWriter {
    try {
      return new RecordingWriter(path, openSync(path, 'a', 0o600));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const reason =
        code === 'ENOENT'
          ? 'its folder does not exist'
          : code === 'EACCES' || code === 'EPERM'
            ? 'permission denied'
            : code === 'EISDIR'
              ? 'is a folder'
              : (err as Error).message;
      throw new CliError(`--record ${path}: cannot open: ${reason}`);
    }
  }

  /** `secrets` are blanked out wherever they occur in the line, whatever brought them there. */
  append(line: RecordingLine, secrets: readonly string[] = []): void {
    if (this.fd === null) throw new Error('recording is closed');
    const bytes = Buffer.from(`${redact(JSON.stringify(line), secrets)}\n`, 'utf8');
    try {
      for (let done = 0; done < bytes.length; ) done += writeSync(this.fd, bytes, done);
      fsyncSync(this.fd);
    } catch (err) {
      throw new CliError(`--record ${this.path}: cannot write: ${(err as Error).message}`);
    }
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
