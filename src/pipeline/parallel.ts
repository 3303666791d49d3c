import { existsSync } from 'node:fs';
import { type FileHandle, open, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { InputFormat } from '../choices.js';
import type { Problem, SourceRef } from '../core/types.js';
import { classify, type Shape } from '../decode/classify.js';
import { sniff } from '../decode/decode-file.js';
import type { PriceTable } from '../pricing/price-data.js';
import { PricingWarnings } from '../pricing/pricing-problems.js';
import type { InputSpec } from '../sources/inputs.js';
import { ReportCollector } from './collect.js';
import { type Part, type PartOptions, type PartSummary, summarizePart, usePrices } from './part-summary.js';

/** Main thread → worker: a part to summarise. */
export interface ToWorker {
  id: number;
  part: Part;
}

/** Worker → main thread: progress, a part's summary, or why the run must be read in one thread. */
export type ToMain =
  | { progress: { bytes: number; requests: number } }
  | { id: number; summary: PartSummary }
  | { id: number; orderDependent: true }
  | { id: number; failed: string };

/** Below this much input, starting workers (about 50 ms) costs more than it saves. */
const MIN_TOTAL_BYTES = 32 * 1024 * 1024;
const MAX_WORKERS = 4;
/** Parts are at least this big, and about four per worker, so that workers finish close together. */
const MIN_PART_BYTES = 4 * 1024 * 1024;
/** How much of each file is read up front to see what it holds. */
const HEAD_BYTES = 64 * 1024;
/** Input formats whose lines can stand alone. */
const SPLITTABLE: ReadonlySet<InputFormat> = new Set(['auto', 'jsonl', 'batch']);
/** What a line can be whose meaning depends on the lines before it. */
const ORDER_DEPENDENT: ReadonlySet<Shape> = new Set([
  'event',
  'claude_code',
  'claude_code_other',
  'recording',
]);

const WORKER_URL = new URL('./worker.js', import.meta.url);

export interface ParallelPlan {
  parts: Part[];
  workers: number;
}

/** Runs `use` on a file opened for reading, then closes it. */
async function withFile<T>(path: string, use: (file: FileHandle) => Promise<T>): Promise<T> {
  const file = await open(path, 'r');
  try {
    return await use(file);
  } finally {
    await file.close();
  }
}

/** Reads `length` bytes of a file from byte `at` (fewer at its end). */
async function readAt(file: FileHandle, length: number, at: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await file.read(buf, 0, length, at);
  return buf.subarray(0, bytesRead);
}

/**
 * Whether a file is JSON lines of responses that stand alone (Messages, usage, batch results, API
 * errors), judged as the decoder would from its first non-blank line. Streams, Claude Code transcripts
 * and recordings are read in order in one thread; a worker that meets one later stops the parallel run.
 */
async function standsAlone(path: string, size: number, format: InputFormat): Promise<boolean> {
  const bytes = await withFile(path, (file) => readAt(file, HEAD_BYTES, 0));
  const lines = bytes.toString('utf8').split('\n');
  // A last line cut by the read says nothing yet.
  if (bytes.length < size) lines.pop();
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i] as string;
    if (i === 0 && line.charCodeAt(0) === 0xfeff) line = line.slice(1);
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.trim() === '') continue;
    if (format === 'auto' && sniff(line) !== 'json-line') return false;
    try {
      return !ORDER_DEPENDENT.has(classify(JSON.parse(line)));
    } catch {
      return false;
    }
  }
  return false;
}

/** Where the line holding byte `at` ends (just after its LF), or null when none is near. */
async function lineEndAfter(file: FileHandle, at: number): Promise<number | null> {
  for (let from = at; from < at + 16 * HEAD_BYTES; from += HEAD_BYTES) {
    const bytes = await readAt(file, HEAD_BYTES, from);
    const nl = bytes.indexOf(10);
    if (nl !== -1) return from + nl + 1;
    if (bytes.length < HEAD_BYTES) return null;
  }
  return null;
}

async function partsOf(path: string, size: number, partBytes: number): Promise<Part[]> {
  const parts: Part[] = [];
  let start = 0;
  await withFile(path, async (file) => {
    for (let at = partBytes; at < size - partBytes / 2; at += partBytes) {
      const end = await lineEndAfter(file, Math.max(at, start));
      if (end === null || end >= size) break;
      parts.push({ file: path, start, end });
      start = end;
    }
  });
  parts.push({ file: path, start, end: size });
  return parts;
}

/**
 * Whether to summarise these inputs in worker threads, and how: each file of standalone JSON lines is
 * cut at line ends into parts of a few megabytes. `auto` does so for 32 MB or more with two cores or
 * more; a number asks for that many workers whatever the size. Standard input and every other kind of
 * input are read in this thread.
 */
export async function planParallel(
  inputs: InputSpec[],
  requested: number | 'auto',
  format: InputFormat,
): Promise<ParallelPlan | null> {
  if (requested === 0 || inputs.length === 0 || !SPLITTABLE.has(format)) return null;
  // Under the test runner the sources are TypeScript and there is no built worker.
  if (!existsSync(fileURLToPath(WORKER_URL))) return null;
  const workers = requested === 'auto' ? Math.min(availableParallelism(), MAX_WORKERS) : requested;
  if (workers < 2 && requested === 'auto') return null;
  const sizes: number[] = [];
  for (const input of inputs) {
    if (input.stdin) return null;
    try {
      const info = await stat(input.name);
      if (!info.isFile() || info.size === 0) return null;
      sizes.push(info.size);
    } catch {
      return null;
    }
  }
  const total = sizes.reduce((a, b) => a + b, 0);
  if (requested === 'auto' && total < MIN_TOTAL_BYTES) return null;
  for (const [i, input] of inputs.entries()) {
    if (!(await standsAlone(input.name, sizes[i] as number, format))) return null;
  }
  const partBytes = Math.max(MIN_PART_BYTES, Math.ceil(total / (workers * 4)));
  const parts: Part[] = [];
  for (const [i, input] of inputs.entries())
    parts.push(...(await partsOf(input.name, sizes[i] as number, partBytes)));
  return { parts, workers: Math.min(workers, parts.length) };
}

/** Renumbers a part's requests after those before it and moves its line numbers to the whole file's. */
function place(summary: PartSummary, indexOffset: number, lineOffset: number): void {
  const moved = new Set<SourceRef>();
  const move = (source: SourceRef) => {
    if (moved.has(source)) return;
    moved.add(source);
    if (source.line !== null) source.line += lineOffset;
  };
  for (const r of summary.held.requests) {
    r.index += indexOffset;
    move(r.source);
  }
  for (const p of summary.held.problems) move(p.source);
  for (const source of summary.held.warningSources) move(source);
}

export interface ParallelProgress {
  onBytes?: (bytes: number) => void;
  onRequests?: (requests: number) => void;
}

/**
 * Summarises the parts in worker threads (and this one) and merges their summaries in input order into one collector:
 * the report is the one reading everything in one thread gives (test/parallel.test.ts compares them), as
 * long as every response stands alone. Returns null when one does not (a stream, a Claude Code line, a
 * recording) or a worker fails: the caller then reads the inputs in one thread, from the start.
 */
export async function summarizeInParallel(
  plan: ParallelPlan,
  options: PartOptions,
  initialProblems: Problem[],
  /** The prices this thread has already loaded from options.pricingFiles; workers load their own. */
  table: PriceTable,
  progress: ParallelProgress = {},
): Promise<{ collector: ReportCollector; warnings: PricingWarnings } | null> {
  usePrices(options.pricingFiles, table);
  const collector = new ReportCollector({ top: options.top }, options.groupBy);
  const warnings = new PricingWarnings();
  for (const p of initialProblems) collector.addProblem(p);
  const done: (PartSummary | undefined)[] = [];
  let merged = 0;
  let requests = 0;
  /** Lines in the parts of the current input before this one (a file given twice is two inputs). */
  let lineOffset = 0;
  const mergeReady = () => {
    for (let s = done[merged]; s !== undefined; s = done[merged]) {
      const part = plan.parts[merged] as Part;
      if (part.start === 0) lineOffset = 0;
      place(s, requests, lineOffset);
      collector.merge(s.collector);
      warnings.merge(s.warnings);
      requests += s.requests;
      lineOffset += s.lines;
      done[merged] = undefined;
      merged++;
    }
  };

  const workers: Worker[] = [];
  let next = 0;
  let failed = false;
  const outcome = await new Promise<boolean>((resolve) => {
    const finish = (ok: boolean) => {
      failed ||= !ok;
      resolve(ok);
    };
    const give = (worker: Worker) => {
      if (next < plan.parts.length && !failed) {
        const id = next++;
        worker.postMessage({ id, part: plan.parts[id] as Part } satisfies ToWorker);
      }
    };
    // This thread takes parts too, between the workers' messages: one isolate fewer to start and warm up.
    const own = async () => {
      while (next < plan.parts.length && !failed) {
        const id = next++;
        try {
          done[id] = await summarizePart(plan.parts[id] as Part, options, (bytes, n) => {
            progress.onBytes?.(bytes);
            progress.onRequests?.(n);
          });
        } catch {
          finish(false);
          return;
        }
        mergeReady();
        if (merged === plan.parts.length) finish(true);
      }
    };
    for (let i = 1; i < plan.workers; i++) {
      const worker = new Worker(WORKER_URL, { workerData: options });
      worker.on('message', (message: ToMain) => {
        if ('progress' in message) {
          progress.onBytes?.(message.progress.bytes);
          progress.onRequests?.(message.progress.requests);
          return;
        }
        if (!('summary' in message)) {
          finish(false);
          return;
        }
        done[message.id] = message.summary;
        mergeReady();
        if (merged === plan.parts.length) finish(true);
        else give(worker);
      });
      worker.on('error', () => finish(false));
      worker.on('exit', () => {
        if (merged < plan.parts.length) finish(false);
      });
      workers.push(worker);
      give(worker);
    }
    void own();
  });
  await Promise.all(workers.map((w) => w.terminate()));
  return outcome ? { collector, warnings } : null;
}
