import { parentPort, workerData } from 'node:worker_threads';
import type { ToMain, ToWorker } from './parallel.js';
import { OrderDependent, type PartOptions, summarizePart } from './part-summary.js';

// Summarises the parts of JSONL files that parallel.ts hands it, one at a time, and posts each summary.
const port = parentPort;
if (!port) throw new Error('worker.ts runs only as a worker thread');
const options = workerData as PartOptions;

port.on('message', async (message: ToWorker) => {
  try {
    const summary = await summarizePart(message.part, options, (bytes, requests) => {
      port.postMessage({ progress: { bytes, requests } } satisfies ToMain);
    });
    port.postMessage({ id: message.id, summary } satisfies ToMain);
  } catch (err) {
    port.postMessage(
      err instanceof OrderDependent
        ? ({ id: message.id, orderDependent: true } satisfies ToMain)
        : ({ id: message.id, failed: err instanceof Error ? err.message : String(err) } satisfies ToMain),
    );
  }
});
