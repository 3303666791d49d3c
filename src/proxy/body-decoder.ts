import type { Transform } from 'node:stream';
import { constants, createBrotliDecompress, createGunzip, createInflate, createInflateRaw } from 'node:zlib';

// The proxy forwards a body's bytes exactly as they came and decodes a copy of them for accounting.
// Content codings: https://www.rfc-editor.org/rfc/rfc9110#section-8.4.1

/** A zlib stream that gives out what it has when its input ends early (a cut stream) instead of failing. */
function inflater(coding: 'gzip' | 'deflate' | 'deflate-raw' | 'br'): Transform {
  const flush = { finishFlush: constants.Z_SYNC_FLUSH };
  switch (coding) {
    case 'gzip':
      return createGunzip(flush);
    case 'deflate':
      return createInflate(flush);
    case 'deflate-raw':
      return createInflateRaw(flush);
    case 'br':
      return createBrotliDecompress({ finishFlush: constants.BROTLI_OPERATION_FLUSH });
  }
}

/**
 * "deflate" means zlib-wrapped data (RFC 9110 §8.4.1.2), but some servers send a bare deflate stream;
 * a zlib header is told apart by its method nibble and its check bits (RFC 1950 §2.2).
 */
function hasZlibHeader(first: Buffer): boolean {
  const cmf = first[0] as number;
  const flg = first[1] as number;
  return (cmf & 0x0f) === 8 && ((cmf << 8) | flg) % 31 === 0;
}

/**
 * Decodes a body given in one content coding (gzip, deflate, br, or none) and hands the decoded bytes
 * to `onData` as they come. Anything it cannot decode is reported by `end()`, never thrown: the
 * bytes still reach the application, only the accounting is missing.
 */
export class BodyDecoder {
  private stream: Transform | null = null;
  private pending: Buffer[] = [];
  private failure: string | null = null;
  private readonly coding: string;

  constructor(
    contentEncoding: string | null,
    private readonly onData: (chunk: Buffer) => void,
  ) {
    this.coding = (contentEncoding ?? '').trim().toLowerCase();
    if (!['', 'identity', 'gzip', 'x-gzip', 'deflate', 'br'].includes(this.coding))
      this.failure = `the body is in content-encoding "${this.coding}", which this build does not decode`;
  }

  push(chunk: Buffer): void {
    if (this.failure) return;
    if (this.coding === '' || this.coding === 'identity') {
      this.onData(chunk);
      return;
    }
    if (!this.stream) {
      // deflate needs its first two bytes to tell which kind it is.
      this.pending.push(chunk);
      const head = Buffer.concat(this.pending);
      if (this.coding === 'deflate' && head.length < 2) return;
      this.pending = [];
      this.open(head);
      return;
    }
    this.stream.write(chunk);
  }

  /** Resolves once every decoded byte is out, with why the body could not be decoded, or null. */
  end(): Promise<string | null> {
    if (!this.stream && !this.failure && this.pending.length > 0) this.open(Buffer.concat(this.pending));
    const stream = this.stream;
    if (!stream || stream.destroyed) return Promise.resolve(this.failure);
    // 'close' follows both the end of the output and an error.
    return new Promise((resolve) => {
      stream.once('close', () => resolve(this.failure));
      stream.end();
    });
  }

  private open(head: Buffer): void {
    const kind =
      this.coding === 'br'
        ? 'br'
        : this.coding === 'deflate'
          ? head.length >= 2 && hasZlibHeader(head)
            ? 'deflate'
            : 'deflate-raw'
          : 'gzip';
    const stream = inflater(kind);
    stream.on('data', (c: Buffer) => {
      if (!this.failure) this.onData(c);
    });
    stream.on('error', (err) => {
      this.failure ??= `the ${this.coding} body does not decode: ${err.message}`;
    });
    this.stream = stream;
    stream.write(head);
  }
}
