import { isUtf8 } from 'node:buffer';

/** Buffer's own decoder, without the argument checks of `toString` (called once per line). */
export type Utf8Slicer = Buffer & { utf8Slice(start: number, end: number): string };

/**
 * Complete lines found in one read, still as bytes: `bytes[0, end)`, each line ending in LF except, at
 * the end of the input, the last. Line ends are found only when asked for (`starts`/`ends`): SSE text is
 * decoded and split as a whole, JSON lines one by one. The memory is reused by the next read: take what
 * you need before asking for the next batch.
 */
export class LineBatch {
  /** Whether every line of the batch is valid UTF-8 (checked once, natively, for the whole batch). */
  readonly utf8: boolean;
  private texts: string[] | null = null;
  private offsets: { starts: number[]; ends: number[] } | null = null;

  constructor(
    readonly bytes: Buffer,
    /** First byte after the batch. */
    readonly end: number,
  ) {
    this.utf8 = isUtf8(bytes.subarray(0, end));
  }

  /** Where each line starts and ends (without its LF or CRLF). */
  lineOffsets(): { starts: number[]; ends: number[] } {
    if (this.offsets) return this.offsets;
    const { bytes, end } = this;
    const view = bytes.subarray(0, end);
    const starts: number[] = [];
    const ends: number[] = [];
    let start = 0;
    while (start < end) {
      const nl = view.indexOf(10, start);
      const stop = nl === -1 ? end : nl;
      starts.push(start);
      ends.push(stop > start && bytes[stop - 1] === 13 ? stop - 1 : stop);
      start = stop + 1;
    }
    this.offsets = { starts, ends };
    return this.offsets;
  }

  get length(): number {
    return this.texts ? this.texts.length : this.lineOffsets().starts.length;
  }

  /** Whether line i is valid UTF-8; invalid bytes read as U+FFFD. */
  isUtf8(i: number): boolean {
    if (this.utf8) return true;
    const { starts, ends } = this.lineOffsets();
    return isUtf8(this.bytes.subarray(starts[i], ends[i]));
  }

  /** Line i as text. */
  line(i: number): string {
    if (this.texts) return this.texts[i] as string;
    const { starts, ends } = this.lineOffsets();
    return (this.bytes as Utf8Slicer).utf8Slice(starts[i] as number, ends[i] as number);
  }

  /**
   * Every line as text, decoded a piece at a time: one decoding per piece is much cheaper than one per
   * line when lines are short (SSE). A piece is at most PIECE bytes, cut after an LF (longer only when
   * one line is): V8 keeps a string above 128 KiB in its large-object space, and making one there cost
   * about 1 ms each here, against about 0.03 ms for a 64 KiB string (measured on Node 20). LF bytes and
   * decoded line feeds match one to one, since UTF-8 never uses the byte 0x0A inside a character.
   */
  lines(): string[] {
    if (this.texts) return this.texts;
    const { end } = this;
    // A view, so that the search for a long line's end stops at the batch's end.
    const bytes = this.bytes.subarray(0, end) as Utf8Slicer;
    const out: string[] = [];
    let start = 0;
    while (start < end) {
      let stop = end;
      if (end - start > PIECE) {
        const lf = bytes.lastIndexOf(10, start + PIECE - 1);
        stop = lf >= start ? lf + 1 : bytes.indexOf(10, start + PIECE) + 1 || end;
      }
      const piece = bytes.utf8Slice(start, stop).split('\n');
      // Pieces end in LF, so the last part is empty, unless the input ended without one.
      const count = piece[piece.length - 1] === '' ? piece.length - 1 : piece.length;
      for (let i = 0; i < count; i++) {
        const line = piece[i] as string;
        out.push(line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line);
      }
      start = stop;
    }
    this.texts = out;
    return out;
  }
}

/** Most bytes decoded into one string by `lines()` when lines are shorter. */
const PIECE = 1 << 16;

/**
 * Initial room for a chunk (256 KiB, sources/inputs.ts) and the partial line before it; doubled when one
 * line needs more.
 */
const INITIAL_CAPACITY = 1 << 19;

/**
 * Splits a byte stream into batches of complete lines without decoding them, holding no more than one
 * chunk and one partial line. LF and CRLF both end a line. Each chunk is copied once, after the partial
 * line left by the previous one; a line longer than the room held doubles it, so a single line of
 * hundreds of megabytes costs time in proportion to its size.
 */
export async function* readByteLines(stream: AsyncIterable<Buffer | string>): AsyncGenerator<LineBatch> {
  // The room is handed on from input to input (a folder of transcripts is hundreds of them): see
  // sources/inputs.ts on dead buffers outside the heap.
  let bytes = spareRoom ?? Buffer.allocUnsafe(INITIAL_CAPACITY);
  spareRoom = null;
  try {
    yield* splitLines(stream, bytes, (grown) => {
      bytes = grown;
    });
  } finally {
    if (bytes.length === INITIAL_CAPACITY) spareRoom = bytes;
  }
}

let spareRoom: Buffer | null = null;

async function* splitLines(
  stream: AsyncIterable<Buffer | string>,
  room: Buffer,
  onGrow: (grown: Buffer) => void,
): AsyncGenerator<LineBatch> {
  let bytes = room;
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
      onGrow(grown);
    }
    chunk.copy(bytes, held);
    // The partial line holds no LF: only the new chunk can end a line.
    const last = chunk.lastIndexOf(10);
    held += chunk.length;
    if (last === -1) continue;
    const end = held - chunk.length + last + 1;
    yield new LineBatch(bytes, end);
    // Keep the partial line at the start for the next chunk.
    bytes.copyWithin(0, end, held);
    held -= end;
  }
  // The last line, without a line end: a lone CR is no line.
  if (held > 1 || (held === 1 && bytes[0] !== 13)) yield new LineBatch(bytes, held);
}
