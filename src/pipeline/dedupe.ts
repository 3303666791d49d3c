import type { Problem, RequestResult } from '../core/types.js';
import { SeenKeys } from './seen-keys.js';

/**
 * Claude Code writes one transcript line per content block while a response streams, each with the same
 * `message.id` and `requestId`; early lines can hold partial `output_tokens`. Keeping the first line
 * under-counts, so one entry per pair is kept: the most complete (largest output, then largest input).
 */
function isKeyed(r: RequestResult): boolean {
  return r.kind === 'claude_code' && (!!r.id || !!r.request_id);
}

export function moreComplete(candidate: RequestResult, current: RequestResult): boolean {
  const a = candidate.billed_usage;
  const b = current.billed_usage;
  if (!a || !b) return a !== null && b === null;
  if (a.output_tokens !== b.output_tokens) return a.output_tokens > b.output_tokens;
  return a.total_input_tokens > b.total_input_tokens;
}

/** How many recent requests are held back so that later lines of the same response can replace them. */
export const DEDUPE_WINDOW = 512;

/**
 * A held request. A response is known by `message.id` + U+0000 + `requestId`. That string is not built for
 * each line: keyed requests (Claude Code) are found by `key`, the id, then by `part`, the request id, in a
 * chain of the few held under one id. Where the two parts would not tell the joined string apart (no id, or
 * a U+0000 in either part), `key` is the joined string itself and `part` is undefined. Either way `key` and
 * `part` are what SeenKeys takes for the joined string.
 */
interface Held {
  result: RequestResult;
  keyed: boolean;
  key: string;
  part: string | undefined;
  next: Held | null;
}

/**
 * Streams requests in input order while merging Claude Code duplicates, in bounded memory.
 * A request is held until DEDUPE_WINDOW newer ones have arrived (or the input ends): the lines of one
 * streamed response sit next to each other, so they meet inside the window. A duplicate of a request
 * already released is dropped (subagent transcripts replay their parent's lines); if it was the more
 * complete one, one warning says how many such lines there were.
 */
export class DedupeWindow {
  /** Held requests from `head` on; released slots before it are null until the list is compacted. */
  private readonly held: (Held | null)[] = [];
  private head = 0;
  private readonly byKey = new Map<string, Held>();
  /** Keys of every Claude Code response released so far, for copies that come much later. */
  private readonly released = new SeenKeys();
  private lateMoreComplete = 0;
  private lateSource: Problem['source'] | null = null;

  /** Offers a request; passes those that leave the window to `release`, oldest first. */
  push(result: RequestResult, release: (r: RequestResult) => void): void {
    const keyed = isKeyed(result);
    const id = keyed ? (result.id ?? '') : '';
    const requestId = keyed ? (result.request_id ?? '') : '';
    const whole = id === '' || id.includes('\u0000') || requestId.includes('\u0000');
    const key = whole ? `${id}\u0000${requestId}` : id;
    const part = whole ? undefined : requestId;
    let first: Held | null = null;
    if (!keyed) {
      // Nothing held to keep ahead of it (inputs other than Claude Code): it leaves at once, so that it is
      // not kept alive, and copied by the garbage collector, while DEDUPE_WINDOW more arrive.
      if (this.head === this.held.length) {
        release(result);
        return;
      }
    } else {
      first = this.byKey.get(key) ?? null;
      let current = first;
      while (current !== null && current.part !== part) current = current.next;
      if (current) {
        if (moreComplete(result, current.result)) current.result = result;
        return;
      }
      if (this.released.has(key, part)) {
        if (this.lateMoreComplete === 0) this.lateSource = result.source;
        this.lateMoreComplete++;
        return;
      }
    }
    const held: Held = { result, keyed, key, part, next: first };
    this.held.push(held);
    if (keyed) this.byKey.set(key, held);
    if (this.held.length - this.head > DEDUPE_WINDOW) release(this.release());
  }

  /** Releases everything still held. */
  flush(release: (r: RequestResult) => void): void {
    while (this.head < this.held.length) release(this.release());
  }

  /** A warning for duplicates that arrived after their first copy was released, if any. */
  lateProblem(): Problem | null {
    if (this.lateMoreComplete === 0 || !this.lateSource) return null;
    return {
      source: this.lateSource,
      severity: 'warning',
      message: `${this.lateMoreComplete} Claude Code line(s) repeat a response reported earlier (message.id + requestId); the earlier entry was kept`,
    };
  }

  private release(): RequestResult {
    const held = this.held[this.head] as Held;
    // Let the released request be collected now, not when the list is next compacted.
    this.held[this.head] = null;
    this.head++;
    if (held.keyed) {
      this.unchain(held);
      this.released.add(held.key, held.part);
    }
    if (this.head > 4096 && this.head * 2 > this.held.length) {
      this.held.splice(0, this.head);
      this.head = 0;
    }
    return held.result;
  }

  private unchain(held: Held): void {
    let current = this.byKey.get(held.key) as Held;
    if (current === held) {
      if (held.next === null) this.byKey.delete(held.key);
      else this.byKey.set(held.key, held.next);
      return;
    }
    while (current.next !== held) current = current.next as Held;
    current.next = held.next;
  }
}
