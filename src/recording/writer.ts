import { closeSync, fstatSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { CliError } from '../errors.js';
import { redact } from '../secrets.js';
import type { RecordingLine } from './line.js';

/**
 * Appends recording lines to a file. Each line is written and fsynced before append() returns, so a
 * run that is interrupted or killed leaves only whole lines. The file is opened for appending (never
 * truncated) and created readable by its owner only, since it holds prompts and responses. An existing
 * file keeps its mode (its owner chose it), but one open to other users gets a warning.
 */
export class RecordingWriter {
  private constructor(
    readonly path: string,
    private fd: number | null,
  ) {}

  static open(path: string, onWarning: (message: string) => void = () => {}): RecordingWriter {
    let fd: number;
    try {
      fd = openSync(path, 'a', 0o600);
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
    const stat = fstatSync(fd);
    const mode = stat.mode & 0o777;
    if (stat.isFile() && mode & 0o077)
      onWarning(
        `warning: --record ${path} is open to other users (mode ${mode.toString(8).padStart(4, '0')}); ` +
          'it holds prompts and responses (chmod 600 makes it private)',
      );
    return new RecordingWriter(path, fd);
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
