import type { DecodedRecord, Problem } from '../../src/core/types.js';
import { decodeLines, type InputFormat } from '../../src/decode/decode-file.js';
import { readByteLines } from '../../src/sources/byte-lines.js';

async function* chunks(parts: (string | Buffer)[]): AsyncGenerator<Buffer> {
  for (const p of parts) yield typeof p === 'string' ? Buffer.from(p) : p;
}

/** Decodes text split into the given chunks, as the CLI would read it from a file. */
export async function decodeText(
  text: string | (string | Buffer)[],
  format: InputFormat = 'auto',
  file = 'input',
  fast = true,
) {
  const records: DecodedRecord[] = [];
  const problems: Problem[] = [];
  const parts = typeof text === 'string' ? [text] : text;
  for await (const batch of decodeLines(file, readByteLines(chunks(parts)), format, { fast })) {
    for (const item of batch) {
      if ('record' in item) records.push(item.record);
      else problems.push(item.problem);
    }
  }
  return { records, problems };
}
