import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { DecodeItem, InputFormat } from '../decode/decode-file.js';
import type { InputSpec } from '../sources/inputs.js';
import { analyzeItems, type FileEvent } from './file-events.js';
import type { PipelineOptions } from './request-stream.js';

/** Main thread → worker: a file to decode, or word that one more batch was taken. */
export type ToWorker = { file: number; path: string; format: InputFormat; fast: boolean } | { taken: true };

/** Worker → main thread: a batch of decoded items as JSON text, the end of a file, or a failure. */
export type ToMain =
  | { file: number; items: string; bytes: number }
  | { file: number; done: true; bytes: number }
  | { file: number; failed: string };

/**
 * How many batches (about 1 MiB of input each) a worker may decode ahead of the main thread: enough to
 * keep both busy, few enough that memory stays flat whatever the input size.
 */
export const MAX_BATCHES_AHEAD = 4;

export interface ParallelPlan {
  workers: number;
}

/** Below this much input, starting a worker (about 30 ms) costs more than it saves. */
const MIN_TOTAL_BYTES = 16 * 1024 * 1024;
const MAX_WORKERS = 4;

const WORKER_URL = new URL('./worker.js', import.meta.url);

/**
 * Whether to read and decode these inputs in worker threads, and with how many. `auto` uses them for
 * 16 MB or more of files when there is a core to spare: the main thread keeps one for cost, checks and
 * the report. Standard input is always read in the main thread.
 */
export async function planParallel(
  inputs: InputSpec[],
  requested: number | 'auto' = 'auto',
): Promise<ParallelPlan | null> {
  if (requested === 0 || inputs.length === 0) return null;
  // Under the test runner the sources are TypeScript and there is no built worker: decode in-thread.
  if (!existsSync(fileURLToPath(WORKER_URL))) return null;
  if (inputs.some((input) => input.stdin)) return null;
  if (requested !== 'auto') return { workers: Math.min(requested, inputs.length) };
  const cores = availableParallelism();
  if (cores < 2) return null;
  let total = 0;
  for (const input of inputs) {
    try {
      total += (await stat(input.name)).size;
    } catch {
      // Reported when the input is read.
    }
  }
  if (total < MIN_TOTAL_BYTES) return null;
  return { workers: Math.max(1, Math.min(cores - 1, MAX_WORKERS, inputs.length)) };
}

interface FileSlot {
  /** Decoded batches as JSON text, in order, not yet taken. */
  batches: string[];
  done: boolean;
}

/**
 * Reads and decodes files in worker threads (file i goes to worker i mod n) and yields their events
 * strictly in input order, so the result is identical to decoding them one after another: deduplication,
 * numbering and cost happen afterwards, in this thread. Decoded items cross over as one JSON text per batch,
 * which costs far less than cloning them as objects; JSON gives back exactly what JSON.parse made in the
 * worker (token counts are whole numbers, and extract/counts.ts reads -0 as 0 on both paths). Usage is
 * extracted here, so the workers do only the reading and parsing.
 */
export async function* parallelFileEvents(
  inputs: InputSpec[],
  plan: ParallelPlan,
  options: PipelineOptions,
): AsyncGenerator<FileEvent[]> {
  const slots: FileSlot[] = inputs.map(() => ({ batches: [], done: false }));
  const workers: Worker[] = [];
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };

  for (let i = 0; i < plan.workers; i++) {
    // A small young generation: a worker holds a few batches at a time, and its heap counts in the
    // process's memory (the 150 MB budget in bench/).
    const worker = new Worker(WORKER_URL, {
      resourceLimits: { maxYoungGenerationSizeMb: 32, maxOldGenerationSizeMb: 96 },
    });
    worker.on('message', (reply: ToMain) => {
      const slot = slots[reply.file];
      if ('failed' in reply) failure = new Error(reply.failed);
      else if (slot) {
        if (reply.bytes > 0) options.onBytes?.(reply.bytes);
        if ('items' in reply) slot.batches.push(reply.items);
        else slot.done = true;
      }
      notify();
    });
    worker.on('error', (err) => {
      failure = err;
      notify();
    });
    workers.push(worker);
  }
  inputs.forEach((input, file) => {
    const task: ToWorker = { file, path: input.name, format: options.format, fast: options.fast !== false };
    workers[file % workers.length]?.postMessage(task);
  });

  try {
    let current = 0;
    while (current < inputs.length) {
      if (failure) throw failure;
      const slot = slots[current] as FileSlot;
      const json = slot.batches.shift();
      if (json !== undefined) {
        workers[current % workers.length]?.postMessage({ taken: true } satisfies ToWorker);
        const events = analyzeItems(JSON.parse(json) as DecodeItem[]);
        if (events.length > 0) yield events;
        continue;
      }
      if (slot.done) {
        current++;
        continue;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
