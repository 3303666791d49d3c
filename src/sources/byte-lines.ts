import { isUtf8 } from 'node:buffer';

/** Buffer's own decoder, without the argument checks of `toString` (called once per line). */
type Utf8Slicer = Buffer & { utf8Slice(start: number, end: number): string };

/**
 * Complete lines found in one read, still as bytes: line i is `bytes[starts[i], ends[i])`, without its
 * LF or CRLF. The memory is reused by the next read: take what you need before asking for the next batch.
 */
export class LineBatch {
  /** Whether every line of the batch is valid UTF-8 (checked once, natively, for the whole batch). */
  readonly utf8: boolean;
  private texts: string[] | null = null;

  constructor(
    readonly bytes: Buffer,
    readonly starts: number[],
    readonly ends: number[],
    /** First byte after the last line's LF. */
    regionEnd: number,
  ) {
    this.utf8 = starts.length === 0 || isUtf8(bytes.subarray(starts[0], regionEnd));
  }

  get length(): number {
    return this.starts.length;
  }

  /** Whether line i is valid UTF-8; invalid bytes read as U+FFFD. */
  isUtf8(i: number): boolean {
    return this.utf8 || isUtf8(this.bytes.subarray(this.starts[i], this.ends[i]));
  }

  /** Line i as text. */
  line(i: number): string {
    return (this.bytes as Utf8Slicer).utf8Slice(this.starts[i] as number, this.ends[i] as number);
  }

  /**
   * Every line as text, decoded together: one decoding per batch is much cheaper than one per line when
   * lines are short (SSE). LF bytes and decoded line feeds match one to one, since UTF-8 never uses the
   * byte 0x0A inside a character.
   */
  lines(): string[] {
    if (this.texts) return this.texts;
    const n = this.starts.length;
    const out: string[] = new Array(n);
    if (n > 0) {
      const text = this.bytes.toString('utf8', this.starts[0], this.ends[n - 1]);
      let from = 0;
      for (let i = 0; i < n; i++) {
        // The last line's CR, if any, is already outside the decoded range.
        const last = i === n - 1;
        const nl = last ? text.length : text.indexOf('\n', from);
        const cut = !last && nl > from && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
        out[i] = text.slice(from, cut);
        from = nl + 1;
      }
    }
    this.texts = out;
    return out;
  }
}

/** Initial room for a chunk and the partial line before it; doubled when one line needs more. */
const INITIAL_CAPACITY = 1 << 18;

/**
 * Splits a byte stream into batches of complete lines without decoding them, holding no more than one
 * chunk and one partial line. LF and CRLF both end a line. Each chunk is copied once, after the partial
 * line left by the previous one; a line longer than the room held doubles it, so a single line of
 * hundreds of megabytes costs time in proportion to its size.
 */
export async function* readByteLines(stream: AsyncIterable<Buffer | string>): AsyncGenerator<LineBatch> {
  let bytes = Buffer.allocUnsafe(INITIAL_CAPACITY);
  /** Bytes held: [0, held) is the partial line carried over, then the new chunk. */
  let held = 0;
  for await (const piece of stream) {
    const chunk = typeof piece === 'string' ? Buffer.from(piece) : piece;
    if (held + chunk.length > bytes.length) {
      let size = bytes.length;
      while (size < held + chunk.length) size *= 2;
      const grown = Buffer.allocUnsafe(size);
      bytes.copy(grown, 0, 0, held);
      bytes = grown;
    }
    // The partial line holds no LF: the search starts in the new chunk.
    let nl = chunk.indexOf(10);
    chunk.copy(bytes, held);
    const starts: number[] = [];
    const ends: number[] = [];
    let start = 0;
    if (nl !== -1) {
      const view = bytes.subarray(0, held + chunk.length);
      nl += held;
      while (nl !== -1) {
        starts.push(start);
        ends.push(nl > start && bytes[nl - 1] === 13 ? nl - 1 : nl);
        start = nl + 1;
        nl = view.indexOf(10, start);
      }
    }
    held += chunk.length;
    if (starts.length > 0) yield new LineBatch(bytes, starts, ends, start);
    // Keep the partial line at the start for the next chunk.
    if (start > 0) bytes.copyWithin(0, start, held);
    held -= start;
  }
  const end = held > 0 && bytes[held - 1] === 13 ? held - 1 : held;
  if (end > 0) yield new LineBatch(bytes, [0], [end], held);
}
