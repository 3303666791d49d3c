import { parentPort } from 'node:worker_threads';
import { fileInput } from '../sources/inputs.js';
import { decodeInput } from './file-events.js';
import { MAX_BATCHES_AHEAD, type ToMain, type ToWorker } from './parallel.js';

// Reads and decodes the files parallel.ts hands it, in order, posting each batch of decoded items as one
// JSON text. It stays at most MAX_BATCHES_AHEAD batches ahead of what the main thread has taken.
const port = parentPort;
if (!port) throw new Error('worker.ts runs only as a worker thread');

const tasks: Extract<ToWorker, { path: string }>[] = [];
let ahead = 0;
let wake: (() => void) | null = null;
let running = false;

function poke(): void {
  const w = wake;
  wake = null;
  w?.();
}

async function room(): Promise<void> {
  while (ahead >= MAX_BATCHES_AHEAD) await new Promise<void>((resolve) => (wake = resolve));
}

async function run(): Promise<void> {
  running = true;
  for (let task = tasks.shift(); task; task = tasks.shift()) {
    let bytes = 0;
    const onBytes = (n: number) => {
      bytes += n;
    };
    const input = fileInput(task.path);
    try {
      for await (const items of decodeInput(input, { format: task.format, fast: task.fast, onBytes })) {
        await room();
        ahead++;
        port?.postMessage({ file: task.file, items: JSON.stringify(items), bytes } satisfies ToMain);
        bytes = 0;
      }
      port?.postMessage({ file: task.file, done: true, bytes } satisfies ToMain);
    } catch (err) {
      port?.postMessage({
        file: task.file,
        failed: err instanceof Error ? err.message : String(err),
      } satisfies ToMain);
    }
  }
  running = false;
}

port.on('message', (message: ToWorker) => {
  if ('taken' in message) {
    ahead--;
    poke();
    return;
  }
  tasks.push(message);
  if (!running) void run();
});
