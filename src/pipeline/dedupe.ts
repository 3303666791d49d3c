import type { Problem, RequestResult } from '../core/types.js';
import { HeldResults } from './held-results.js';
import { SeenKeys } from './seen-keys.js';

/**
 * Claude Code writes one transcript line per content block while a response streams, each with the same
 * `message.id` and `requestId`; early lines can hold partial `output_tokens`. Keeping the first line
 * under-counts, so one entry per pair is kept: the most complete (largest output, then largest input).
 */
function isKeyed(r: RequestResult): boolean {
  return r.kind === 'claude_code' && (!!r.id || !!r.request_id);
}

/** Whether `candidate` is more complete than `held`: larger billed output, then larger billed input. */
function moreComplete(
  candidate: RequestResult,
  held: { output: number; totalInput: number } | null,
): boolean {
  const a = candidate.billed_usage;
  if (!a || !held) return a !== null && held === null;
  if (a.output_tokens !== held.output) return a.output_tokens > held.output;
  return a.total_input_tokens > held.totalInput;
}

/** How many recent requests are held back so that later lines of the same response can replace them. */
export const DEDUPE_WINDOW = 512;

/**
 * Streams requests in input order while merging Claude Code duplicates, in bounded memory.
 * A request is held until `size` newer ones have arrived (or the input ends): the lines of one
 * streamed response sit next to each other, so they meet inside the window. A duplicate of a request
 * already released is dropped (subagent transcripts replay their parent's lines); if it was the more
 * complete one, one warning says how many such lines there were.
 *
 * Held requests sit in a ring of fixed slots (HeldResults), oldest at `head`. A response is known by
 * `message.id` + U+0000 + `requestId`. That string is not built for each line: a held response is found by
 * its `key`, the id, then by its `part`, the request id, along a chain of the slots held under one id
 * (`next`, newest first). Where the two parts would not tell the joined string apart (no id, or a U+0000
 * in either part), `key` is the joined string itself and `part` is undefined. Either way `key` and `part`
 * are what SeenKeys takes for the joined string.
 */
export class DedupeWindow {
  private readonly results: HeldResults;
  private readonly keys: (string | null)[];
  private readonly parts: (string | undefined)[];
  /** The next older slot held under the same key, or -1; -2 marks a request held without a key. */
  private readonly next: Int32Array;
  private head = 0;
  private count = 0;
  /** The newest slot held under each key. */
  private readonly byKey = new Map<string, number>();
  /**
   * Keys of every Claude Code response offered so far, held or released: a key found here but not held
   * was released, and a copy of it came much later. Added on arrival, so each key is hashed once.
   */
  private readonly seen = new SeenKeys();
  private lateMoreComplete = 0;
  private lateSource: Problem['source'] | null = null;

  constructor(private readonly size: number = DEDUPE_WINDOW) {
    // One slot more than the window: a request is placed before the oldest one leaves.
    this.results = new HeldResults(size + 1);
    this.keys = new Array<string | null>(size + 1).fill(null);
    this.parts = new Array<string | undefined>(size + 1).fill(undefined);
    this.next = new Int32Array(size + 1);
  }

  /** Offers a request; passes those that leave the window to `release`, oldest first. */
  push(result: RequestResult, release: (r: RequestResult) => void): void {
    const keyed = isKeyed(result);
    let first = NO_KEY;
    let key: string | null = null;
    let part: string | undefined;
    if (!keyed) {
      // Nothing held to keep ahead of it (inputs other than Claude Code): it leaves at once, so that it is
      // not kept alive while `size` more arrive.
      if (this.count === 0) {
        release(result);
        return;
      }
    } else {
      const id = result.id ?? '';
      const requestId = result.request_id ?? '';
      const whole = id === '' || id.includes('\u0000') || requestId.includes('\u0000');
      key = whole ? `${id}\u0000${requestId}` : id;
      part = whole ? undefined : requestId;
      first = this.byKey.get(key) ?? -1;
      let current = first;
      while (current !== -1 && this.parts[current] !== part) current = this.next[current] as number;
      if (current !== -1) {
        if (moreComplete(result, this.results.billed(current))) this.results.put(current, result);
        return;
      }
      if (!this.seen.add(key, part)) {
        if (this.lateMoreComplete === 0) this.lateSource = result.source;
        this.lateMoreComplete++;
        return;
      }
    }
    const slot = (this.head + this.count) % this.results.capacity;
    this.results.put(slot, result);
    this.keys[slot] = key;
    this.parts[slot] = part;
    this.next[slot] = first;
    this.count++;
    if (key !== null) this.byKey.set(key, slot);
    if (this.count > this.size) release(this.release());
  }

  /** Releases everything still held. */
  flush(release: (r: RequestResult) => void): void {
    while (this.count > 0) release(this.release());
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
    const slot = this.head;
    if (this.next[slot] !== NO_KEY) this.unchain(slot);
    this.keys[slot] = null;
    this.parts[slot] = undefined;
    this.head = (slot + 1) % this.results.capacity;
    this.count--;
    return this.results.take(slot);
  }

  /** Removes `slot` from the chain of its key. */
  private unchain(slot: number): void {
    const key = this.keys[slot] as string;
    let current = this.byKey.get(key) as number;
    if (current === slot) {
      const older = this.next[slot] as number;
      if (older === -1) this.byKey.delete(key);
      else this.byKey.set(key, older);
      return;
    }
    while (this.next[current] !== slot) current = this.next[current] as number;
    this.next[current] = this.next[slot] as number;
  }
}

/** `next` of a request held without a key. */
const NO_KEY = -2;
