import { StringDecoder } from 'node:string_decoder';

/**
 * Splits a byte stream into lines, one batch of lines per chunk read, without holding more than a chunk
 * and one partial line in memory. Accepts LF and CRLF; invalid UTF-8 becomes U+FFFD rather than failing
 * the whole input (the decoder reports such lines).
 *
 * Only each new chunk is searched for line ends, and a partial line is kept as a list of pieces joined
 * once: a single line of hundreds of megabytes costs time in proportion to its size, not its square.
 */
export async function* readLineBatches(stream: AsyncIterable<Buffer | string>): AsyncGenerator<string[]> {
  const decoder = new StringDecoder('utf8');
  let partial: string[] = [];
  for await (const chunk of stream) {
    const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let nl = text.indexOf('\n');
    if (nl === -1) {
      if (text !== '') partial.push(text);
      continue;
    }
    const lines: string[] = [];
    let start = 0;
    while (nl !== -1) {
      let line = text.slice(start, nl);
      if (partial.length > 0) {
        partial.push(line);
        line = partial.join('');
        partial = [];
      }
      lines.push(line.endsWith('\r') ? line.slice(0, -1) : line);
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    if (start < text.length) partial.push(text.slice(start));
    yield lines;
  }
  const rest = decoder.end();
  if (rest) partial.push(rest);
  let last = partial.join('');
  if (last.endsWith('\r')) last = last.slice(0, -1);
  if (last !== '') yield [last];
}
