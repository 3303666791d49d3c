import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { InputFormat } from '../decode/decode-file.js';
import type { InputSpec } from '../sources/inputs.js';
import type { FileEvent } from './file-events.js';
import type { PipelineOptions } from './request-stream.js';

export interface WorkerTask {
  file: number;
  path: string;
  format: InputFormat;
  fast: boolean;
}

export type WorkerReply =
  | { file: number; events: FileEvent[]; bytes: number }
  | { file: number; done: true; bytes: number }
  | { file: number; failed: string };

export interface ParallelPlan {
  workers: number;
}

/** Below this much input, starting workers costs more than it saves. */
const MIN_TOTAL_BYTES = 16 * 1024 * 1024;
/**
 * Files decoded ahead of the one being reported are held in memory until their turn, so parallel
 * decoding is used only when every file is at most this big (many transcripts, not one huge log).
 */
const MAX_FILE_BYTES = 48 * 1024 * 1024;

const WORKER_URL = new URL('./worker.js', import.meta.url);

/** Whether to decode these inputs in worker threads, and with how many. */
export async function planParallel(
  inputs: InputSpec[],
  requested: number | 'auto' = 'auto',
): Promise<ParallelPlan | null> {
  const cores = requested === 'auto' ? availableParallelism() : requested;
  if (inputs.length < 2 || cores < 2) return null;
  // Under the test runner the sources are TypeScript and there is no built worker: decode in-thread.
  if (!existsSync(fileURLToPath(WORKER_URL))) return null;
  let total = 0;
  for (const input of inputs) {
    if (input.stdin) return null;
    const size = (await stat(input.name)).size;
    if (size > MAX_FILE_BYTES) return null;
    total += size;
  }
  if (total < MIN_TOTAL_BYTES) return null;
  return { workers: Math.min(cores, 4, inputs.length) };
}

interface FileSlot {
  batches: FileEvent[][];
  done: boolean;
}

/**
 * Decodes files in worker threads and yields their events strictly in input order, so that the result
 * is identical to decoding them one after another (deduplication and numbering happen afterwards, in
 * this thread). At most a few files run ahead of the one being yielded.
 */
export async function* parallelFileEvents(
  inputs: InputSpec[],
  plan: ParallelPlan,
  options: PipelineOptions,
): AsyncGenerator<FileEvent[]> {
  const slots = new Map<number, FileSlot>();
  const workers: Worker[] = [];
  const idle: Worker[] = [];
  let nextToDispatch = 0;
  let current = 0;
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  const lookahead = plan.workers + 1;

  const dispatch = () => {
    while (idle.length > 0 && nextToDispatch < inputs.length && nextToDispatch - current < lookahead) {
      const worker = idle.pop() as Worker;
      const file = nextToDispatch++;
      slots.set(file, { batches: [], done: false });
      const task: WorkerTask = {
        file,
        path: (inputs[file] as InputSpec).name,
        format: options.format,
        fast: options.fast !== false,
      };
      (worker as Worker & { busyWith?: number }).busyWith = file;
      worker.postMessage(task);
    }
  };

  for (let i = 0; i < plan.workers; i++) {
    // Small heaps per worker: they hold one batch at a time, and every worker's heap counts in the process's
    // memory (the 150 MB budget in bench/).
    const worker = new Worker(WORKER_URL, {
      resourceLimits: { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 96 },
    });
    worker.on('message', (reply: WorkerReply) => {
      const slot = slots.get(reply.file);
      if ('failed' in reply) failure = new Error(reply.failed);
      else if (slot) {
        if (reply.bytes > 0) options.onBytes?.(reply.bytes);
        if ('events' in reply) slot.batches.push(reply.events);
        else {
          slot.done = true;
          idle.push(worker);
          dispatch();
        }
      }
      notify();
    });
    worker.on('error', (err) => {
      failure = err;
      notify();
    });
    workers.push(worker);
    idle.push(worker);
  }

  try {
    dispatch();
    while (current < inputs.length) {
      const slot = slots.get(current);
      if (failure) throw failure;
      if (slot && slot.batches.length > 0) {
        yield slot.batches.shift() as FileEvent[];
        continue;
      }
      if (slot?.done) {
        slots.delete(current);
        current++;
        dispatch();
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
