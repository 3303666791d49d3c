import type { DecodedRecord, Problem, SourceRef } from '../core/types.js';
import { isPlainObject } from '../extract/counts.js';
import { classify, describeKeys, type Shape } from './classify.js';
import { fromRecordingLine } from './recording.js';
import { fromBareUsage, fromBatchResult, fromClaudeCodeLine, fromErrorBody, fromMessage } from './records.js';
import { SseParser } from './sse-parser.js';
import { StreamAccumulator } from './stream-accumulator.js';

export const INPUT_FORMATS = [
  'auto',
  'json',
  'jsonl',
  'sse',
  'events',
  'batch',
  'claude-code',
  'recording',
] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];

export type DecodeItem = { record: DecodedRecord } | { problem: Problem };

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

function jsonError(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.replace(/^JSON\.parse: /, '').split('\n')[0] ?? msg;
}

/**
 * Decodes one value of known position: a Message, bare usage, batch line, transcript line, recording or
 * stream event. Arrays are walked item by item.
 */
function* decodeValue(
  value: unknown,
  source: SourceRef,
  acc: StreamAccumulator,
  allowed: ReadonlySet<Shape> | null,
  format: InputFormat,
): Generator<DecodeItem> {
  if (Array.isArray(value)) {
    for (const item of value) yield* decodeValue(item, source, acc, allowed, format);
    return;
  }
  let shape = classify(value);
  if (shape === 'error_body' && acc.isOpen) shape = 'event';
  if (allowed && !allowed.has(shape)) {
    yield problem(source, `expected ${FORMAT_NAMES[format] ?? format}, found ${describeKeys(value)}`);
    return;
  }
  const obj = value as Record<string, unknown>;
  switch (shape) {
    case 'message':
      yield { record: fromMessage(obj, source) };
      return;
    case 'usage':
      yield { record: fromBareUsage(obj, source) };
      return;
    case 'error_body':
      yield { record: fromErrorBody(obj, source) };
      return;
    case 'batch':
      yield { record: fromBatchResult(obj, source) };
      if (!isPlainObject(obj.result))
        yield problem(source, 'batch result line has no `result` object', 'warning');
      return;
    case 'claude_code': {
      const rec = fromClaudeCodeLine(obj, source);
      if (rec) yield { record: rec };
      return;
    }
    case 'claude_code_other':
      return;
    case 'recording': {
      const out = fromRecordingLine(obj, source);
      for (const p of out.problems) yield { problem: p };
      for (const r of out.records) yield { record: r };
      return;
    }
    case 'event': {
      const out = acc.feed(obj, source);
      for (const p of out.problems) yield { problem: p };
      for (const r of out.records) yield { record: r };
      return;
    }
    default:
      yield problem(source, `no usage found: ${describeKeys(value)}`, 'warning');
  }
}

function sniff(firstLine: string): 'sse' | 'json-line' | 'json-document' | 'unknown' {
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

/**
 * Decodes one input (a file or stdin) given as lines without their line endings.
 * Layout is sniffed from the first non-blank line unless `format` forces one: SSE text, one JSON
 * value per line (JSONL/NDJSON), or one JSON document spread over many lines.
 */
export async function* decodeLines(
  file: string,
  lines: AsyncIterable<string>,
  format: InputFormat = 'auto',
): AsyncGenerator<DecodeItem> {
  const acc = new StreamAccumulator('stream');
  const allowed = format === 'auto' || format === 'json' || format === 'sse' ? null : FORMAT_SHAPES[format];
  let layout: 'sse' | 'json-line' | 'json-document' | 'unknown' | null =
    format === 'sse' ? 'sse' : format === 'json' ? 'json-document' : format === 'auto' ? null : 'json-line';
  let lineNo = 0;
  let sawContent = false;
  const sse = new SseParser();
  let eventNo = 0;
  const doc: string[] = [];
  let docStart = 1;

  const feedSse = function* (ev: ReturnType<SseParser['push']>): Generator<DecodeItem> {
    if (!ev) return;
    eventNo++;
    const source: SourceRef = { file, line: ev.line, event: eventNo };
    let data: unknown;
    try {
      data = JSON.parse(ev.data);
    } catch (err) {
      yield problem(source, `event ${ev.name ?? '(unnamed)'} has invalid JSON data: ${jsonError(err)}`);
      return;
    }
    if (isPlainObject(data) && data.type === undefined && ev.name) data = { ...data, type: ev.name };
    const out = acc.feed(data, source);
    for (const p of out.problems) yield { problem: p };
    for (const r of out.records) yield { record: r };
  };

  for await (const raw of lines) {
    lineNo++;
    const text = lineNo === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
    if (layout === null) {
      if (text.trim() === '') continue;
      layout = sniff(text);
      if (layout === 'unknown') {
        yield problem({ file, line: lineNo, event: null }, 'not JSON, JSONL or an SSE stream; file skipped');
        return;
      }
      docStart = lineNo;
    }
    if (layout === 'sse') {
      sawContent ||= text.trim() !== '';
      yield* feedSse(sse.push(text, lineNo));
    } else if (layout === 'json-document') {
      doc.push(text);
    } else {
      if (text.trim() === '') continue;
      sawContent = true;
      const source: SourceRef = { file, line: lineNo, event: null };
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (err) {
        yield problem(source, `invalid JSON: ${jsonError(err)}`);
        continue;
      }
      yield* decodeValue(value, source, acc, allowed, format);
    }
  }

  if (layout === 'sse') yield* feedSse(sse.end());
  if (layout === 'json-document') {
    const text = doc.join('\n');
    if (text.trim() !== '') {
      sawContent = true;
      const source: SourceRef = { file, line: docStart, event: null };
      try {
        yield* decodeValue(JSON.parse(text), source, acc, allowed, format);
      } catch (err) {
        yield problem(source, `invalid JSON document: ${jsonError(err)}`);
      }
    }
  }
  for (const r of acc.finish()) {
    yield { record: r };
    yield problem(
      r.source,
      'stream ended before message_stop; usage shown is what was known so far',
      'warning',
    );
  }
  if (!sawContent) yield problem({ file, line: null, event: null }, 'empty input', 'warning');
}
