/** The UTC day (YYYY-MM-DD) of an ISO timestamp, or null when there is none or it does not parse. */
export function utcDay(when: string | null | undefined): string | null {
  if (!when) return null;
  if (isPlainUtc(when)) return when.slice(0, 10);
  const t = Date.parse(when);
  return Number.isNaN(t) ? null : new Date(t).toISOString().slice(0, 10);
}

/**
 * Milliseconds since the epoch of an ISO time, as Date.parse gives them (NaN when it does not parse). A
 * plain UTC time (see isPlainUtc) is read by Date.UTC, which costs a fraction of Date.parse; not before the
 * year 1000, as Date.UTC reads the years 0 to 99 as 1900 to 1999.
 */
export function utcMillis(when: string): number {
  if (!isPlainUtc(when) || when.charCodeAt(0) === 48) return Date.parse(when);
  return Date.UTC(
    number(when, 0, 4),
    number(when, 5, 7) - 1,
    number(when, 8, 10),
    number(when, 11, 13),
    number(when, 14, 16),
    number(when, 17, 19),
    when.length === 24 ? number(when, 20, 23) : 0,
  );
}

/** The decimal digits of s[from, to) as a number (they are known to be digits). */
function number(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) n = n * 10 + s.charCodeAt(i) - 48;
  return n;
}

function digits(s: string, from: number, to: number, max: number, min = 0): boolean {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return false;
    n = n * 10 + c;
  }
  return n >= min && n <= max;
}

/**
 * Whether `s` is `YYYY-MM-DDTHH:MM:SSZ` or `YYYY-MM-DDTHH:MM:SS.sssZ` (how JavaScript, and so Claude Code,
 * writes times) on a day every month has: then its first ten characters are its UTC day, with no date
 * parsing, which costs more than the rest of a request's pricing. Anything else goes to Date.parse.
 */
function isPlainUtc(s: string): boolean {
  // Pricing and break diagnosis both ask about each request's time, one after the other.
  if (s === lastChecked) return lastPlain;
  lastChecked = s;
  lastPlain = checkPlainUtc(s);
  return lastPlain;
}

let lastChecked = '';
let lastPlain = false;

function checkPlainUtc(s: string): boolean {
  const n = s.length;
  if (n !== 20 && n !== 24) return false;
  // Z - - T : : .
  if (s.charCodeAt(n - 1) !== 90 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return false;
  if (s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return false;
  if (n === 24 && (s.charCodeAt(19) !== 46 || !digits(s, 20, 23, 999))) return false;
  return (
    digits(s, 0, 4, 9999) &&
    digits(s, 5, 7, 12, 1) &&
    digits(s, 8, 10, 28, 1) &&
    digits(s, 11, 13, 23) &&
    digits(s, 14, 16, 59) &&
    digits(s, 17, 19, 59)
  );
}

/** Whether a dated rule covers `day`: since ≤ day < until, with null meaning open-ended. */
export function inEffect(rule: { since: string | null; until: string | null }, day: string): boolean {
  return (rule.since === null || rule.since <= day) && (rule.until === null || day < rule.until);
}

export function last<T>(items: T[]): T | null {
  return items.length === 0 ? null : (items[items.length - 1] as T);
}
