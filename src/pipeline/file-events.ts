import { analyzeRecord } from '../core/analyze.js';
import type { Problem, RequestResult } from '../core/types.js';
import { type DecodeItem, decodeLines, type InputFormat } from '../decode/decode-file.js';
import { readByteLines } from '../sources/byte-lines.js';
import { type InputSpec, readErrorMessage } from '../sources/inputs.js';

/** What one input yields, in input order: analysed requests (not yet deduplicated or numbered) and problems. */
export type FileEvent = { request: RequestResult } | { problem: Problem };

export interface FileEventOptions {
  format: InputFormat;
  fast: boolean;
  onBytes?: (bytes: number) => void;
  /** One part of a JSONL file (see DecodeOptions.part); a read error is then thrown, not reported. */
  part?: { atFileStart: boolean };
  /** Called with the number of lines in each batch read. */
  onLines?: (lines: number) => void;
}

/** Passes items on, telling `count` the size of each (chunk bytes, batch lines). */
async function* counted<T extends { length: number }>(
  source: AsyncIterable<T>,
  count?: (n: number) => void,
): AsyncGenerator<T> {
  for await (const item of source) {
    count?.(item.length);
    yield item;
  }
}

/**
 * Reads and decodes one input, in batches. The same function runs in this thread or in a worker
 * (parallel.ts). A read that fails midway ends the input with a problem; what was decoded before it is kept.
 */
export async function* decodeInput(
  input: InputSpec,
  options: FileEventOptions,
): AsyncGenerator<DecodeItem[]> {
  try {
    const read = readByteLines(counted(input.open(), options.onBytes));
    const batches = options.onLines ? counted(read, options.onLines) : read;
    yield* decodeLines(input.name, batches, options.format, { fast: options.fast, part: options.part });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (!code || options.part) throw err;
    const message = code === 'EISDIR' ? 'is a folder' : readErrorMessage(err);
    yield [
      { problem: { source: { file: input.name, line: null, event: null }, severity: 'error', message } },
    ];
  }
}

/** extract usage → cache verdict for a batch of decoded items, in order. */
export function analyzeItems(items: readonly DecodeItem[]): FileEvent[] {
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
  return out;
}

/** decode → extract usage → cache verdict for one input, in this thread. */
export async function* fileEvents(input: InputSpec, options: FileEventOptions): AsyncGenerator<FileEvent[]> {
  for await (const items of decodeInput(input, options)) {
    const out = analyzeItems(items);
    if (out.length > 0) yield out;
  }
}
