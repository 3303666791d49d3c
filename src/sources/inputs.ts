import { closeSync, constants, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Problem } from '../core/types.js';

/** A named input ready to be read: a file, or stdin as `-`. */
export interface InputSpec {
  name: string;
  /** True for standard input, whose size is not known in advance. */
  stdin?: boolean;
  open(): AsyncIterable<Buffer | string>;
}

/** File endings read when a folder is given (Claude Code keeps transcripts as .jsonl). */
const FOLDER_EXTENSIONS = /\.(jsonl|ndjson|json|sse)$/i;

/**
 * Names in code-unit order: the same on every machine, whatever its locale. (localeCompare depends on the
 * locale, and its first call loaded ICU's collation data, about 7 ms of every run given a folder.)
 */
function byName(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

async function walk(dir: string, out: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort(byName);
  for (const entry of entries) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) await walk(full, out);
    else if (entry.isFile() && FOLDER_EXTENSIONS.test(entry.name)) out.push(full);
  }
}

/** Bytes per read: bigger reads held more requests alive at once and raised peak memory (bench/). */
const CHUNK_BYTES = 1 << 18;
let spareReadBuffer: Buffer | null = null;

/** Reads between turns of the event loop, so that signals and timers are seen during long inputs. */
const READS_PER_TURN = 32;

/**
 * Bytes [start, end) of a file. A regular file is read with readSync into one buffer: each chunk is valid
 * only until the next is asked for (readByteLines copies it at once). Reads from the page cache take
 * microseconds, while a read stream left the thread idle between chunks for about a tenth of the run
 * (bench/). Anything else (a FIFO, a device) is read as a stream.
 */
async function* fileChunks(path: string, start: number, end: number): AsyncGenerator<Buffer> {
  const fd = openRegularFile(path);
  if (fd === null) {
    yield* otherChunks(path, start, end);
    return;
  }
  try {
    yield* regularChunks(fd, start, end);
  } finally {
    closeSync(fd);
  }
}

/**
 * Opens `path` on this thread when it is a regular file; null otherwise, or when it cannot be opened (the
 * open off this thread then reports why, in the same words). Opening and closing off the thread cost
 * three round trips per file, which for a folder of transcripts added up to about 1 ms a file (bench/).
 * stat never waits; O_NONBLOCK keeps the open from waiting should the path turn into a FIFO in between,
 * and changes nothing for a regular file.
 */
function openRegularFile(path: string): number | null {
  try {
    if (!statSync(path).isFile()) return null;
    const fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    if (fstatSync(fd).isFile()) return fd;
    closeSync(fd);
  } catch {}
  return null;
}

async function* regularChunks(fd: number, start: number, end: number): AsyncGenerator<Buffer> {
  // One read buffer is handed from file to file: a fresh one per file left hundreds of dead buffers outside
  // the heap between collections, which once took a folder of transcripts past 230 MB (bench/).
  const buf = spareReadBuffer ?? Buffer.allocUnsafe(CHUNK_BYTES);
  spareReadBuffer = null;
  try {
    let reads = 0;
    for (let pos = start; pos < end; ) {
      const got = readSync(fd, buf, 0, Math.min(CHUNK_BYTES, end - pos), pos);
      if (got === 0) break;
      pos += got;
      yield buf.subarray(0, got);
      if (++reads % READS_PER_TURN === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    spareReadBuffer = buf;
  }
}

/** A FIFO, a device, or a path that could not be opened on this thread. */
async function* otherChunks(path: string, start: number, end: number): AsyncGenerator<Buffer> {
  // Opened off this thread: opening a FIFO waits for its writer, and signals must still be seen meanwhile.
  const file = await open(path, 'r');
  let regular: boolean;
  try {
    regular = (await file.stat()).isFile();
  } catch (err) {
    await file.close();
    throw err;
  }
  if (!regular) {
    // The stream takes over this handle (and closes it): closing and opening again would lose a FIFO's
    // writer, as from <(…). Such inputs are read whole, never in parts.
    yield* file.createReadStream({ highWaterMark: CHUNK_BYTES }) as AsyncIterable<Buffer>;
    return;
  }
  try {
    yield* regularChunks(file.fd, start, end);
  } finally {
    await file.close();
  }
}

export function fileInput(path: string): InputSpec {
  return { name: path, open: () => fileChunks(path, 0, Number.POSITIVE_INFINITY) };
}

/** Bytes [start, end) of a file: one part of it, read by a worker thread (pipeline/parallel.ts). */
export function fileRange(path: string, start: number, end: number): InputSpec {
  return { name: path, open: () => fileChunks(path, start, end) };
}

export function stdinInput(stdin: NodeJS.ReadableStream = process.stdin): InputSpec {
  return { name: '<stdin>', stdin: true, open: () => stdin as AsyncIterable<Buffer> };
}

function fsReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or folder';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return (err as Error).message;
}

/**
 * Expands the paths a user gave into readable inputs. Folders are walked for transcript-like files;
 * a path that cannot be read becomes a problem and the others are still read.
 */
export async function resolveInputs(
  paths: string[],
  stdin?: NodeJS.ReadableStream,
): Promise<{ inputs: InputSpec[]; problems: Problem[] }> {
  const inputs: InputSpec[] = [];
  const problems: Problem[] = [];
  for (const path of paths) {
    if (path === '-') {
      inputs.push(stdinInput(stdin));
      continue;
    }
    try {
      const info = await stat(path);
      if (info.isDirectory()) {
        const files: string[] = [];
        await walk(path, files);
        if (files.length === 0) {
          problems.push({
            source: { file: path, line: null, event: null },
            severity: 'error',
            message: 'folder holds no .jsonl, .ndjson, .json or .sse files',
          });
        }
        inputs.push(...files.map(fileInput));
      } else {
        inputs.push(fileInput(path));
      }
    } catch (err) {
      problems.push({
        source: { file: path, line: null, event: null },
        severity: 'error',
        message: fsReason(err),
      });
    }
  }
  return { inputs, problems };
}

/** Turns a read error that happens mid-file into a message. */
export function readErrorMessage(err: unknown): string {
  return fsReason(err);
}
