import type { InputFormat } from '../choices.js';
import type { DecodedRecord, Problem, SourceRef } from '../core/types.js';
import { isPlainObject } from '../extract/counts.js';
import type { LineBatch } from '../sources/byte-lines.js';
import { classify, describeKeys, type Shape } from './classify.js';
import { BLANK_LINE, type JsonLineScanner, jsonLineScanner, scanCounts } from './fast-json-line.js';
import { fromRecordingLine } from './recording.js';
import { fromBareUsage, fromBatchResult, fromClaudeCodeLine, fromErrorBody, fromMessage } from './records.js';
import { type SseEvent, SseParser } from './sse-parser.js';
import { StreamAccumulator } from './stream-accumulator.js';

export { INPUT_FORMATS, type InputFormat } from '../choices.js';

export type DecodeItem = { record: DecodedRecord } | { problem: Problem };

/**
 * SSE events that never carry usage. Their data (the bulk of a stream's bytes: text and JSON deltas) is
 * not parsed on the fast path; the event name is the API's own label for the data's `type`:
 * https://platform.claude.com/docs/en/build-with-claude/streaming#event-types
 */
const NO_USAGE_EVENTS = new Set(['content_block_start', 'content_block_delta', 'content_block_stop', 'ping']);

/** How each such event's data begins in the API's own layout (type first; pings have a space). */
const NO_USAGE_PREFIXES = new Map(
  [...NO_USAGE_EVENTS].map((t) => [t, [`{"type":"${t}"`, `{"type": "${t}"`]]),
);

/** A \u escape of a letter of `type`, with which a key could spell it unseen. */
const ESCAPED_TYPE_LETTER = /\\u00(?:74|79|70|65)/;

export interface DecodeOptions {
  /**
   * Skip parsing what carries no usage (default true): the data of SSE events without usage (see
   * `skippable`), and in JSON lines every value that records do not read (see decode/fast-json-line.ts).
   * A cut or garbled line or event is parsed and reported as usual.
   */
  fast?: boolean;
  /**
   * The input is one part of a JSONL file whose first line was already sniffed (worker threads read big
   * files in parts): its layout is JSON lines, a byte-order mark is looked for only at the file's start,
   * and an empty part is not an empty input.
   */
  part?: { atFileStart: boolean };
}

/** Which shapes a forced --input-format accepts per line (json and sse are whole-file layouts). */
const FORMAT_SHAPES: Record<Exclude<InputFormat, 'auto' | 'json' | 'sse'>, ReadonlySet<Shape>> = {
  jsonl: new Set([
    'message',
    'usage',
    'error_body',
    'event',
    'batch',
    'claude_code',
    'claude_code_other',
    'recording',
  ]),
  events: new Set(['event', 'error_body']),
  batch: new Set(['batch']),
  'claude-code': new Set(['claude_code', 'claude_code_other']),
  recording: new Set(['recording']),
};

const FORMAT_NAMES: Record<string, string> = {
  events: 'a stream event',
  batch: 'a batch result line (custom_id and result)',
  'claude-code': 'a Claude Code transcript line',
  recording: 'a recording line',
};

function problem(source: SourceRef, message: string, severity: Problem['severity'] = 'error'): DecodeItem {
  return { problem: { source, severity, message } };
}

/** Line and column (1-based) of a JSON.parse error that names a position, within `text`. */
function positionOf(err: unknown, text: string): { line: number; column: number } | null {
  const m = err instanceof Error ? err.message.match(/at position (\d+)/) : null;
  const pos = m
    ? Number(m[1])
    : err instanceof SyntaxError && /end of JSON input/.test(err.message)
      ? text.length
      : null;
  if (pos === null) return null;
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < pos; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: pos - lineStart + 1 };
}

function jsonError(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  const first = msg.replace(/^JSON\.parse: /, '').split('\n')[0] ?? msg;
  // V8 quotes the offending text; a huge line must not make a huge message.
  return first.length > 200 ? `${first.slice(0, 200)}…` : first;
}

/**
 * Decodes one value of known position: a Message, bare usage, batch line, transcript line, recording or
 * stream event. Arrays are walked item by item. Items are pushed onto `out`.
 */
function decodeValue(
  value: unknown,
  source: SourceRef,
  acc: StreamAccumulator,
  allowed: ReadonlySet<Shape> | null,
  format: InputFormat,
  out: DecodeItem[],
): void {
  if (Array.isArray(value)) {
    for (const item of value) decodeValue(item, source, acc, allowed, format, out);
    return;
  }
  let shape = classify(value);
  if (shape === 'error_body' && acc.isOpen) shape = 'event';
  if (allowed && !allowed.has(shape)) {
    out.push(problem(source, `expected ${FORMAT_NAMES[format] ?? format}, found ${describeKeys(value)}`));
    return;
  }
  decodeShaped(shape, value as Record<string, unknown>, source, acc, out);
}

/** Decodes a value `classify` has placed (and the format allows). Items are pushed onto `out`. */
function decodeShaped(
  shape: Shape,
  obj: Record<string, unknown>,
  source: SourceRef,
  acc: StreamAccumulator,
  out: DecodeItem[],
): void {
  switch (shape) {
    case 'message':
      out.push({ record: fromMessage(obj, source) });
      return;
    case 'usage':
      out.push({ record: fromBareUsage(obj, source) });
      return;
    case 'error_body':
      out.push({ record: fromErrorBody(obj, source) });
      return;
    case 'batch':
      if (!isPlainObject(obj.result)) {
        out.push(
          problem(source, `batch result line for ${JSON.stringify(obj.custom_id)} has no \`result\` object`),
        );
        return;
      }
      out.push({ record: fromBatchResult(obj, obj.result, source) });
      return;
    case 'claude_code': {
      const rec = fromClaudeCodeLine(obj, source);
      if (rec) out.push({ record: rec });
      return;
    }
    case 'claude_code_other':
      return;
    case 'recording':
      pushAll(out, fromRecordingLine(obj, source));
      return;
    case 'event':
      pushAll(out, acc.feed(obj, source));
      return;
    default:
      out.push(problem(source, `no usage found: ${describeKeys(obj)}`, 'warning'));
  }
}

function pushAll(out: DecodeItem[], found: { records: DecodedRecord[]; problems: Problem[] }): void {
  for (const p of found.problems) out.push({ problem: p });
  for (const r of found.records) out.push({ record: r });
}

/**
 * Whether an event's data can go unparsed because parsing it would change nothing: its top-level
 * `type` is the event's name, one that carries no usage. Without parsing, that is certain when the
 * data starts with `{"type":"<name>"` and no later key can be a second top-level `type` (JSON.parse
 * keeps the last): a raw `"type"` cannot occur inside a JSON string, so each later one must open a
 * nested object (`{"type"`), and no key may spell it with \u escapes. Anything else is parsed. The
 * data is only checked to end with `}`, not to be valid JSON throughout (README "Large inputs").
 */
function skippable(name: string, data: string, from = 0): boolean {
  const prefixes = NO_USAGE_PREFIXES.get(name);
  if (!prefixes || data.charCodeAt(data.length - 1) !== 125) return false;
  const [compact, spaced] = prefixes as [string, string];
  const start = data.startsWith(compact, from)
    ? from + compact.length
    : data.startsWith(spaced, from)
      ? from + spaced.length
      : -1;
  if (start === -1) return false;
  for (let i = data.indexOf('"type"', start); i !== -1; i = data.indexOf('"type"', i + 6))
    if (data.charCodeAt(i - 1) !== 123) return false;
  return data.indexOf('\\u00', from) === -1 || !ESCAPED_TYPE_LETTER.test(data.slice(from));
}

/** The `event:` line of each event without usage, as the API writes it, and the event's name. */
const NO_USAGE_LINES = new Map([...NO_USAGE_EVENTS].map((name) => [`event: ${name}`, name]));
const DATA_FIELD = 'data: ';

/** The layout a file's first non-blank line announces. */
export function sniff(firstLine: string): 'sse' | 'json-line' | 'json-document' | 'unknown' {
  const t = firstLine.trimStart();
  if (/^(event|data|id|retry)\s*:/.test(t) || t.startsWith(':')) return 'sse';
  if (t.startsWith('{') || t.startsWith('[')) {
    try {
      JSON.parse(t);
      return 'json-line';
    } catch {
      return 'json-document';
    }
  }
  return 'unknown';
}

type Layout = 'sse' | 'json-line' | 'json-document' | 'unknown';

/**
 * Decodes one input (a file or stdin) fed as batches of lines without their line endings.
 * Layout is sniffed from the first non-blank line unless `format` forces one: SSE text, one JSON
 * value per line (JSONL/NDJSON), or one JSON document spread over many lines.
 * Synchronous per batch: the per-line work is plain loops, with no promise or generator per line.
 */
export class FileDecoder {
  private readonly fast: boolean;
  private readonly atFileStart: boolean;
  private readonly partial: boolean;
  private readonly acc = new StreamAccumulator('stream');
  private readonly allowed: ReadonlySet<Shape> | null;
  private layout: Layout | null;
  private lineNo = 0;
  private sawContent = false;
  private readonly sse = new SseParser();
  private eventNo = 0;
  private doc: string[] = [];
  private docStart = 1;
  /** Set once the input is known to be unreadable as any format: the rest is ignored. */
  private skipped = false;

  constructor(
    private readonly file: string,
    private readonly format: InputFormat = 'auto',
    options: DecodeOptions = {},
  ) {
    this.fast = options.fast !== false;
    this.atFileStart = options.part?.atFileStart ?? true;
    this.partial = options.part !== undefined;
    this.allowed = format === 'auto' || format === 'json' || format === 'sse' ? null : FORMAT_SHAPES[format];
    this.layout =
      format === 'sse'
        ? 'sse'
        : format === 'json'
          ? 'json-document'
          : format === 'auto' && !this.partial
            ? null
            : 'json-line';
  }

  /** Decodes a batch of lines; returns what they completed. */
  push(batch: LineBatch): DecodeItem[] {
    const out: DecodeItem[] = [];
    // JSON lines are decoded one at a time, so that each line's text is garbage as soon as it is parsed;
    // short SSE lines are cheaper to decode together. Until the first line tells the layout, lines are
    // decoded one by one too: most inputs are JSON lines, and a folder of transcripts has hundreds of
    // first batches.
    let lines = this.layout === 'json-line' || this.layout === null ? null : batch.lines();
    /** Loaded once the layout is known to be JSON lines: at the start, or once the first line tells. */
    let scanner: JsonLineScanner | null | false = null;
    const n = batch.length;
    for (let i = 0; i < n && !this.skipped; i++) {
      if (scanner === null && this.layout === 'json-line' && this.fast) {
        scanner = jsonLineScanner() ?? false;
        if (scanner && !scanner.load(batch)) scanner = false;
      }
      if (scanner) {
        if (this.scanned(scanner, batch, i, out)) {
          scanCounts.read++;
          continue;
        }
        scanCounts.handedBack++;
      }
      if (
        lines &&
        this.layout === 'sse' &&
        this.fast &&
        i + 2 < n &&
        batch.utf8 &&
        this.skipsEvent(lines, i)
      ) {
        // What the three lines would do one by one: open, fill and dispatch an event that is not parsed.
        this.lineNo += 3;
        this.eventNo++;
        this.sawContent = true;
        i += 2;
        continue;
      }
      this.lineNo++;
      this.pushText(lines ? (lines[i] as string) : batch.line(i), batch.isUtf8(i), out);
      if (lines === null && this.layout !== null && this.layout !== 'json-line') lines = batch.lines();
    }
    return out;
  }

  /**
   * Reads JSON line i of the batch through the scanner if it is one of the shapes the fast path knows
   * (a Message, a transcript line) and returns true; else the line is left to pushText and JSON.parse.
   */
  private scanned(scanner: JsonLineScanner, batch: LineBatch, i: number, out: DecodeItem[]): boolean {
    // The first line of a file may start with a byte-order mark, which pushText removes.
    if ((this.lineNo === 0 && this.atFileStart) || !batch.isUtf8(i)) return false;
    const { starts, ends } = batch.lineOffsets();
    let line: ReturnType<JsonLineScanner['read']>;
    try {
      line = scanner.read(starts[i] as number, ends[i] as number);
    } catch {
      // A fault in the scan (there should be none) costs speed, not results: JSON.parse reads the line.
      return false;
    }
    if (line === null) return false;
    if (line === BLANK_LINE) {
      this.lineNo++;
      return true;
    }
    const shape = classify(line);
    if (shape !== 'message' && shape !== 'claude_code' && shape !== 'claude_code_other') return false;
    if (this.allowed && !this.allowed.has(shape)) return false;
    this.lineNo++;
    this.sawContent = true;
    decodeShaped(shape, line, { file: this.file, line: this.lineNo, event: null }, this.acc, out);
    return true;
  }

  /**
   * Whether lines i to i+2 are one whole event, as the API writes it (`event: <name>`, `data: <data>`, a
   * blank line), that feedSse would skip: then the SSE parser need not see them.
   */
  private skipsEvent(lines: string[], i: number): boolean {
    if (lines[i + 2] !== '' || !this.sse.idle()) return false;
    const name = NO_USAGE_LINES.get(lines[i] as string);
    const data = lines[i + 1] as string;
    return name !== undefined && data.startsWith(DATA_FIELD) && skippable(name, data, DATA_FIELD.length);
  }

  /** Decodes one line of text; `utf8` says whether its bytes were valid UTF-8. */
  private pushText(raw: string, utf8: boolean, out: DecodeItem[]): void {
    const text = this.lineNo === 1 && this.atFileStart && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
    if (this.layout === null) {
      if (text.trim() === '') return;
      this.layout = sniff(text);
      if (this.layout === 'unknown') {
        out.push(
          problem(
            { file: this.file, line: this.lineNo, event: null },
            'not JSON, JSONL or an SSE stream; file skipped',
          ),
        );
        this.skipped = true;
        return;
      }
      this.docStart = this.lineNo;
    }
    // Invalid UTF-8 reads as U+FFFD; say so once per line rather than fail the line.
    if (!utf8) {
      out.push(
        problem(
          { file: this.file, line: this.lineNo, event: null },
          'invalid UTF-8 bytes (read as U+FFFD)',
          'warning',
        ),
      );
    }
    if (this.layout === 'sse') {
      if (!this.sawContent && text.trim() !== '') this.sawContent = true;
      const ev = this.sse.push(text, this.lineNo);
      if (ev) this.feedSse(ev, out);
    } else if (this.layout === 'json-document') {
      this.doc.push(text);
    } else {
      this.jsonLine(text, out);
    }
  }

  /** Ends the input: flushes a pending event or document and reports cut-off streams. */
  end(): DecodeItem[] {
    const out: DecodeItem[] = [];
    if (this.skipped) return out;
    if (this.layout === 'sse') {
      const ev = this.sse.end();
      if (ev) this.feedSse(ev, out);
    }
    if (this.layout === 'json-document') this.jsonDocument(out);
    for (const r of this.acc.finish()) {
      out.push({ record: r });
      out.push(
        problem(
          r.source,
          'stream ended before message_stop; usage shown is what was known so far',
          'warning',
        ),
      );
    }
    if (!this.sawContent && !this.partial)
      out.push(problem({ file: this.file, line: null, event: null }, 'empty input', 'warning'));
    return out;
  }

  private jsonLine(text: string, out: DecodeItem[]): void {
    if (text.trim() === '') return;
    this.sawContent = true;
    const source: SourceRef = { file: this.file, line: this.lineNo, event: null };
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      out.push(problem(source, `invalid JSON: ${jsonError(err)}`));
      return;
    }
    decodeValue(value, source, this.acc, this.allowed, this.format, out);
  }

  private jsonDocument(out: DecodeItem[]): void {
    const text = this.doc.join('\n');
    this.doc = [];
    if (text.trim() === '') return;
    this.sawContent = true;
    const source: SourceRef = { file: this.file, line: this.docStart, event: null };
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      const at = positionOf(err, text);
      const where = at ? { ...source, line: this.docStart + at.line - 1 } : source;
      out.push(
        problem(where, `invalid JSON document${at ? ` (column ${at.column})` : ''}: ${jsonError(err)}`),
      );
      return;
    }
    decodeValue(value, source, this.acc, this.allowed, this.format, out);
  }

  private feedSse(ev: SseEvent, out: DecodeItem[]): void {
    this.eventNo++;
    if (this.fast && ev.name !== null && skippable(ev.name, ev.data)) return;
    const source: SourceRef = { file: this.file, line: ev.line, event: this.eventNo };
    let data: unknown;
    try {
      data = JSON.parse(ev.data);
    } catch (err) {
      out.push(problem(source, `event ${ev.name ?? '(unnamed)'} has invalid JSON data: ${jsonError(err)}`));
      return;
    }
    if (isPlainObject(data) && data.type === undefined && ev.name) data = { ...data, type: ev.name };
    pushAll(out, this.acc.feed(data, source));
  }
}

/** Decodes one input given as batches of lines (see readByteLines). */
export async function* decodeLines(
  file: string,
  batches: AsyncIterable<LineBatch>,
  format: InputFormat = 'auto',
  options: DecodeOptions = {},
): AsyncGenerator<DecodeItem[]> {
  const decoder = new FileDecoder(file, format, options);
  for await (const lines of batches) {
    const items = decoder.push(lines);
    if (items.length > 0) yield items;
  }
  yield decoder.end();
}
