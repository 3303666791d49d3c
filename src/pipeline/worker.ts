import { parentPort } from 'node:worker_threads';
import { fileInput } from '../sources/inputs.js';
import { fileEvents } from './file-events.js';
import type { WorkerReply, WorkerTask } from './parallel.js';

// Decodes whole files on behalf of parallel.ts, one task at a time, posting events in batches.
const port = parentPort;
if (!port) throw new Error('worker.ts runs only as a worker thread');

let queue: Promise<void> = Promise.resolve();

port.on('message', (task: WorkerTask) => {
  queue = queue.then(async () => {
    let bytes = 0;
    const onBytes = (n: number) => {
      bytes += n;
    };
    try {
      for await (const events of fileEvents(fileInput(task.path), {
        format: task.format,
        fast: task.fast,
        onBytes,
      })) {
        port.postMessage({ file: task.file, events, bytes } satisfies WorkerReply);
        bytes = 0;
      }
      port.postMessage({ file: task.file, done: true, bytes } satisfies WorkerReply);
    } catch (err) {
      port.postMessage({
        file: task.file,
        failed: err instanceof Error ? err.message : String(err),
      } satisfies WorkerReply);
    }
  });
});
