import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readByteLines } from '../src/sources/byte-lines.js';
import { decodeText } from './support/decode-text.js';

async function* chunks(parts: Buffer[]): AsyncGenerator<Buffer> {
  for (const p of parts) yield p;
}

/** Every line as the reader gives it, by both of its ways to decode, with its UTF-8 verdict. */
async function linesOf(parts: Buffer[]) {
  const out: { text: string; alone: string; utf8: boolean }[] = [];
  for await (const batch of readByteLines(chunks(parts))) {
    // One at a time first: once lines() has run, line(i) answers from its texts.
    const alone = Array.from({ length: batch.length }, (_, i) => batch.line(i));
    const texts = batch.lines();
    for (let i = 0; i < texts.length; i++)
      out.push({ text: texts[i] as string, alone: alone[i] as string, utf8: batch.isUtf8(i) });
  }
  return out;
}

/** Cuts `bytes` at the given offsets. */
function cut(bytes: Buffer, at: number[]): Buffer[] {
  const points = [...new Set(at.map((n) => n % (bytes.length + 1)))].sort((a, b) => a - b);
  const parts: Buffer[] = [];
  let from = 0;
  for (const p of points) {
    parts.push(bytes.subarray(from, p));
    from = p;
  }
  parts.push(bytes.subarray(from));
  return parts;
}

describe('readByteLines', () => {
  it('splits LF and CRLF lines however the bytes are chunked, characters cut in two included', async () => {
    const lineArb = fc.string({ unit: fc.constantFrom('a', 'é', '€', '😀', '\r', '"', ' '), maxLength: 12 });
    await fc.assert(
      fc.asyncProperty(
        fc.array(lineArb, { maxLength: 8 }),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        fc.array(fc.nat(200), { maxLength: 6 }),
        async (lines, eol, trailing, at) => {
          const text = lines.join(eol) + (trailing ? eol : '');
          const got = await linesOf(cut(Buffer.from(text), at));
          // What splitting the decoded text gives: one CR before each LF belongs to the line ending, and an
          // empty last line (after a final line ending) is no line.
          const want = text
            .split('\n')
            .map((l, i, all) => (i < all.length - 1 && l.endsWith('\r') ? l.slice(0, -1) : l));
          const last = want[want.length - 1] as string;
          if (last === '' || last === '\r') want.pop();
          else if (last.endsWith('\r')) want[want.length - 1] = last.slice(0, -1);
          expect(got.map((l) => l.text)).toEqual(want);
          expect(got.map((l) => l.alone)).toEqual(want);
          expect(got.every((l) => l.utf8)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps a line longer than its initial room whole', async () => {
    const long = 'x'.repeat(3 << 20);
    const got = await linesOf(cut(Buffer.from(`a\n${long}\nb`), [1, 5, 1 << 20, 2 << 20]));
    expect(got.map((l) => l.text.length)).toEqual([1, long.length, 1]);
  });

  it('decodes batches larger than a piece the same as line by line, wherever a line crosses a cut', async () => {
    // lines() decodes at most 64 KiB at a time, cut after an LF: lines of every length around that size,
    // CRLF ends, multi-byte characters and a last line without an end all cross those cuts somewhere.
    const lineArb = fc
      .tuple(fc.nat(90_000), fc.constantFrom('a', 'é', '😀'), fc.constantFrom('\n', '\r\n'))
      .map(([n, unit, eol]) => unit.repeat(n % 3 === 0 ? n : n % 700) + eol);
    await fc.assert(
      fc.asyncProperty(
        fc.array(lineArb, { minLength: 1, maxLength: 12 }),
        fc.boolean(),
        async (lines, ended) => {
          let text = lines.join('');
          if (!ended) text = text.replace(/\r?\n$/, '');
          const got = await linesOf([Buffer.from(text)]);
          expect(got.map((l) => l.text)).toEqual(got.map((l) => l.alone));
          // An empty last line (after the last line end) is no line.
          const want = text.split(/\r?\n/);
          if (want[want.length - 1] === '') want.pop();
          expect(got.map((l) => l.text)).toEqual(want);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('tells invalid UTF-8 apart from a U+FFFD that was written as such', async () => {
    const bad = Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xff, 0xc3]), Buffer.from('"}\n')]);
    const written = Buffer.from('{"a":"\ufffd"}\n');
    const got = await linesOf([written, bad, written]);
    expect(got.map((l) => l.utf8)).toEqual([true, false, true]);
    expect(got[1]?.text).toBe('{"a":"\ufffd\ufffd"}');
  });
});

describe('the decoder on bytes', () => {
  it('warns about invalid UTF-8, not about a U+FFFD the input really holds', async () => {
    const message = (text: string) =>
      `{"type":"message","id":"m","model":"claude-sonnet-4-6","content":[{"type":"text","text":"${text}"}],"usage":{"input_tokens":1,"output_tokens":1}}\n`;
    const { records, problems } = await decodeText([
      Buffer.from(message('\ufffd')),
      Buffer.concat([
        Buffer.from(message('x').slice(0, 60)),
        Buffer.from([0xfe]),
        Buffer.from(message('x').slice(60)),
      ]),
    ]);
    expect(records).toHaveLength(2);
    expect(problems.map((p) => `${p.source.line}: ${p.message}`)).toEqual([
      '2: invalid UTF-8 bytes (read as U+FFFD)',
    ]);
  });
});
