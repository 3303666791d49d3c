import { basename } from 'node:path';
import type { Problem, Report, RequestResult, SourceRef } from '../core/types.js';

/** Made on first use: setting up Intl costs about 20 ms, which whole numbers never need (below). */
let intFormat: Intl.NumberFormat | null = null;

/** `1234567` → `1,234,567`, as en-US writes it. */
export function formatInt(n: number): string {
  // Safe integers (every token count) are grouped by hand, the same digits Intl gives; the rest (fractions,
  // huge values, -0) go to Intl.
  if (Number.isSafeInteger(n) && !Object.is(n, -0)) {
    const digits = String(Math.abs(n));
    let out = '';
    for (let end = digits.length; end > 0; end -= 3) {
      const part = digits.slice(Math.max(0, end - 3), end);
      out = out === '' ? part : `${part},${out}`;
    }
    return n < 0 ? `-${out}` : out;
  }
  intFormat ??= new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
  return intFormat.format(n);
}

export function formatRate(rate: number | null): string {
  return rate === null ? 'n/a' : `${(rate * 100).toFixed(1)}%`;
}

/**
 * Control characters (C0, DEL, C1) and bidirectional overrides, which could move the cursor, retitle
 * or clear the terminal, or disguise text, when an input or a server puts them in a model name, a key,
 * a file name or an error message.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters being neutralised
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** Text from inputs or servers made safe for a terminal: each control character shown as `\xNN`/`\uNNNN`. */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** `file:line (event N)` with whichever parts are known. */
export function formatSource(source: SourceRef, short = false): string {
  const file = short ? basename(source.file) : source.file;
  const line = source.line === null ? '' : `:${source.line}`;
  const event = source.event === null ? '' : ` (event ${source.event})`;
  return `${file}${line}${event}`;
}

/** One-line problem text: `file:line (event N): error: message`. */
export function formatProblem(p: Problem): string {
  return printable(`${formatSource(p.source)}: ${p.severity}: ${p.message}`);
}

/** Keeps the end of a long label (the line number and file ending are what tell rows apart). */
export function shorten(text: string, max: number): string {
  return text.length <= max ? text : `…${text.slice(text.length - max + 1)}`;
}

/** What a row is called: the batch custom_id, else where it came from. */
export function rowLabel(r: RequestResult, max = 28): string {
  if (r.kind === 'batch' && r.label) return shorten(r.label, max);
  return shorten(formatSource({ ...r.source, event: null }, true), max);
}

/** The line that says how many requests the listing left out, or null when none were. */
export function omittedNote(report: Report): string | null {
  const omitted = report.omitted_requests ?? 0;
  if (omitted === 0) return null;
  const shown = report.requests.length;
  return (
    `${formatInt(omitted)} more request${omitted === 1 ? '' : 's'} counted in the totals but not listed: ` +
    `the table shows the ${shown} most expensive (--top N to change, --top all for every one)`
  );
}
