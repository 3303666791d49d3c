import { analyzeRecord } from '../core/analyze.js';
import type { Problem, RequestResult } from '../core/types.js';
import { decodeLines, type InputFormat } from '../decode/decode-file.js';
import { type InputSpec, readErrorMessage } from '../sources/inputs.js';
import { readLineBatches } from '../sources/read-lines.js';

/** What one input yields, in input order: analysed requests (not yet deduplicated or numbered) and problems. */
export type FileEvent = { request: RequestResult } | { problem: Problem };

export interface FileEventOptions {
  format: InputFormat;
  fast: boolean;
  onBytes?: (bytes: number) => void;
}

async function* counted(
  source: AsyncIterable<Buffer | string>,
  onBytes?: (n: number) => void,
): AsyncGenerator<Buffer | string> {
  for await (const chunk of source) {
    onBytes?.(chunk.length);
    yield chunk;
  }
}

/**
 * decode → extract usage → cache verdict for one input, in batches. The same function runs in this thread
 * or in a worker (parallel.ts), so both give identical events. A read that fails midway ends the input
 * with a problem; what was decoded before it is kept.
 */
export async function* fileEvents(input: InputSpec, options: FileEventOptions): AsyncGenerator<FileEvent[]> {
  try {
    const batches = readLineBatches(counted(input.open(), options.onBytes));
    for await (const items of decodeLines(input.name, batches, options.format, { fast: options.fast })) {
      const out: FileEvent[] = [];
      for (const item of items) {
        if ('problem' in item) {
          out.push(item);
          continue;
        }
        const { result, problems } = analyzeRecord(item.record, 0);
        for (const p of problems) out.push({ problem: p });
        if (result) out.push({ request: result });
      }
      if (out.length > 0) yield out;
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (!code) throw err;
    const message = code === 'EISDIR' ? 'is a folder' : readErrorMessage(err);
    yield [
      { problem: { source: { file: input.name, line: null, event: null }, severity: 'error', message } },
    ];
  }
}
