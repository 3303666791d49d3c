import { StringDecoder } from 'node:string_decoder';

/**
 * Splits a byte stream into lines, one batch of lines per chunk read, without holding more than a chunk
 * and one partial line in memory. Accepts LF and CRLF; invalid UTF-8 becomes U+FFFD rather than failing
 * the whole input.
 */
export async function* readLineBatches(stream: AsyncIterable<Buffer | string>): AsyncGenerator<string[]> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  for await (const chunk of stream) {
    const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    const buf = pending === '' ? text : pending + text;
    const lines: string[] = [];
    let start = 0;
    let nl = buf.indexOf('\n', start);
    while (nl !== -1) {
      const end = nl > start && buf.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      lines.push(buf.slice(start, end));
      start = nl + 1;
      nl = buf.indexOf('\n', start);
    }
    pending = buf.slice(start);
    if (lines.length > 0) yield lines;
  }
  pending += decoder.end();
  if (pending.endsWith('\r')) pending = pending.slice(0, -1);
  if (pending !== '') yield [pending];
}
