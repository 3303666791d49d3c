import type { Problem, RequestResult } from '../core/types.js';
import { HeldResults } from './held-results.js';
import { hashPair, SeenKeys } from './seen-keys.js';

/**
 * Claude Code writes one transcript line per content block while a response streams, each with the same
 * `message.id` and `requestId`; early lines can hold partial `output_tokens`. Keeping the first line
 * under-counts, so one entry per pair is kept: the most complete (largest output, then largest input).
 */
function isKeyed(r: RequestResult): boolean {
  return r.kind === 'claude_code' && (!!r.id || !!r.request_id);
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
 * `message.id` + U+0000 + `requestId`. That string is never built: its two 32-bit hashes (SeenKeys'
 * `hashPair`, also what SeenKeys keeps) find the slot in `index`, and HeldResults compares the parts
 * themselves. The window holds no string of its own: a Map of id strings kept every held id alive across
 * young-generation collections, and hashed each one again (bench/).
 */
export class DedupeWindow {
  private readonly results: HeldResults;
  /** Per slot: whether it holds a request with a key, and the key's hashes. */
  private readonly keyed: Uint8Array;
  private readonly hashA: Int32Array;
  private readonly hashB: Int32Array;
  /**
   * Open addressing with linear probing on `hashA`: slot + 1 of each request held with a key, 0 for an
   * empty place. At most a quarter full, so a search ends after a probe or two.
   */
  private readonly index: Int32Array;
  private readonly mask: number;
  private head = 0;
  private count = 0;
  /** The slot of the request last held with a key, while it is held; else -1. */
  private newest = -1;
  /**
   * Keys of every Claude Code response offered so far, held or released: a key found here but not held
   * was released, and a copy of it came much later. Added on arrival, so each key is hashed once.
   */
  private readonly seen = new SeenKeys();
  private lateMoreComplete = 0;
  private lateSource: Problem['source'] | null = null;

  constructor(private readonly size: number = DEDUPE_WINDOW) {
    // One slot more than the window: a request is placed before the oldest one leaves.
    const capacity = size + 1;
    this.results = new HeldResults(capacity);
    this.keyed = new Uint8Array(capacity);
    this.hashA = new Int32Array(capacity);
    this.hashB = new Int32Array(capacity);
    let places = 8;
    while (places < 4 * capacity) places *= 2;
    this.index = new Int32Array(places);
    this.mask = places - 1;
  }

  /** Offers a request; passes those that leave the window to `release`, oldest first. */
  push(result: RequestResult, release: (r: RequestResult) => void): void {
    let a = 0;
    let b = 0;
    const keyed = isKeyed(result);
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
      // Most often a line repeats the response just before it: that is checked without hashing.
      const newest = this.newest;
      if (newest !== -1 && this.results.sameKey(newest, id, requestId)) {
        if (this.results.outdoneBy(newest, result)) this.results.put(newest, result);
        return;
      }
      const hash = hashPair(id, requestId);
      a = hash[0];
      b = hash[1];
      const held = this.find(a, b, id, requestId);
      if (held !== -1) {
        if (this.results.outdoneBy(held, result)) this.results.put(held, result);
        return;
      }
      if (!this.seen.addHash(a, b)) {
        if (this.lateMoreComplete === 0) this.lateSource = result.source;
        this.lateMoreComplete++;
        return;
      }
    }
    const slot = (this.head + this.count) % this.results.capacity;
    this.results.put(slot, result);
    this.keyed[slot] = keyed ? 1 : 0;
    if (keyed) {
      this.hashA[slot] = a;
      this.hashB[slot] = b;
      let at = a & this.mask;
      while (this.index[at] !== 0) at = (at + 1) & this.mask;
      this.index[at] = slot + 1;
      this.newest = slot;
    }
    this.count++;
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

  /** The slot holding the response with this key, or -1. */
  private find(a: number, b: number, id: string, requestId: string): number {
    const { index, mask } = this;
    for (let at = a & mask; index[at] !== 0; at = (at + 1) & mask) {
      const slot = (index[at] as number) - 1;
      if (this.hashA[slot] === a && this.hashB[slot] === b && this.results.sameKey(slot, id, requestId))
        return slot;
    }
    return -1;
  }

  private release(): RequestResult {
    const slot = this.head;
    if (this.keyed[slot] === 1) this.unindex(slot);
    if (slot === this.newest) this.newest = -1;
    this.head = (slot + 1) % this.results.capacity;
    this.count--;
    return this.results.take(slot);
  }

  /**
   * Takes `slot` out of `index`, moving back the entries after it that would otherwise no longer be
   * found from their home place (deletion for linear probing, with no markers left behind).
   */
  private unindex(slot: number): void {
    const { index, mask } = this;
    let hole = (this.hashA[slot] as number) & mask;
    while (index[hole] !== slot + 1) hole = (hole + 1) & mask;
    for (let at = (hole + 1) & mask; index[at] !== 0; at = (at + 1) & mask) {
      const home = (this.hashA[(index[at] as number) - 1] as number) & mask;
      // Move the entry back when its home is not in (hole, at], cyclically.
      const between = hole <= at ? home > hole && home <= at : home > hole || home <= at;
      if (!between) {
        index[hole] = index[at] as number;
        hole = at;
      }
    }
    index[hole] = 0;
    this.keyed[slot] = 0;
  }
}
