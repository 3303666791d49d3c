/**
 * A set of strings that keeps 8 bytes per string: each is remembered by a 64-bit hash, in an
 * open-addressing table of 32-bit pairs. Claude Code deduplication must remember every response it has
 * released for the whole run (a resumed session repeats its parent's lines much later, in another file);
 * held as strings those keys cost over 100 bytes each, which for gigabytes of transcripts broke the
 * 150 MB memory budget (bench/ --memory-gb). Two different keys share a hash with probability about
 * n² / 2^65 for n keys: below one in 100 million for a million responses.
 */
export class SeenKeys {
  private table = new Int32Array(2 * 1024);
  private count = 0;

  /** Adds `key` (see `has` for `second`); false when it was there already. */
  add(key: string, second?: string): boolean {
    const [a, b] = hashPair(key, second);
    return this.addHash(a, b);
  }

  /** Adds the key whose `hashPair` is (a, b); false when it was there already. */
  addHash(a: number, b: number): boolean {
    if (2 * (this.count + 1) > this.table.length / 2) this.grow();
    if (!this.insert(a, b)) return false;
    this.count++;
    return true;
  }

  /** Whether `key` was added; with `second`, the key is `key` + U+0000 + `second`, not built as a string. */
  has(key: string, second?: string): boolean {
    const [a, b] = hashPair(key, second);
    const t = this.table;
    const mask = t.length / 2 - 1;
    for (let slot = a & mask; ; slot = (slot + 1) & mask) {
      const x = t[2 * slot] as number;
      const y = t[2 * slot + 1] as number;
      if (x === 0 && y === 0) return false;
      if (x === a && y === b) return true;
    }
  }

  get size(): number {
    return this.count;
  }

  /** Places a pair; false when it was there already. */
  private insert(a: number, b: number): boolean {
    const t = this.table;
    const mask = t.length / 2 - 1;
    for (let slot = a & mask; ; slot = (slot + 1) & mask) {
      const x = t[2 * slot] as number;
      const y = t[2 * slot + 1] as number;
      if (x === a && y === b) return false;
      if (x === 0 && y === 0) {
        t[2 * slot] = a;
        t[2 * slot + 1] = b;
        return true;
      }
    }
  }

  private grow(): void {
    const old = this.table;
    this.table = new Int32Array(old.length * 2);
    for (let i = 0; i < old.length; i += 2) {
      const a = old[i] as number;
      const b = old[i + 1] as number;
      if (a !== 0 || b !== 0) this.insert(a, b);
    }
  }
}

const pair: [number, number] = [0, 0];
/** The two hashes while a key is being hashed. */
let ha = 0;
let hb = 0;

function mix(c: number): void {
  ha = Math.imul(ha ^ c, 0x01000193);
  hb = Math.imul(hb ^ c, 0x5bd1e995);
  hb = (hb << 13) | (hb >>> 19);
}

function mixAll(s: string): void {
  for (let i = 0; i < s.length; i++) mix(s.charCodeAt(i));
}

/**
 * Two independent 32-bit hashes of the UTF-16 code units (FNV-1a and a multiply-rotate hash with a
 * murmur3 finaliser), never both zero: (0, 0) marks an empty slot. With `second`, the hashes of `key` +
 * U+0000 + `second`. The pair returned is reused by the next call.
 */
export function hashPair(key: string, second?: string): [number, number] {
  ha = 0x811c9dc5;
  hb = 0x9747b28c;
  mixAll(key);
  let length = key.length;
  if (second !== undefined) {
    // The same hash as of the joined string: a U+0000, then the second part.
    mix(0);
    mixAll(second);
    length += 1 + second.length;
  }
  const a = ha;
  let b = hb ^ length;
  b = Math.imul(b ^ (b >>> 16), 0x85ebca6b);
  b = Math.imul(b ^ (b >>> 13), 0xc2b2ae35);
  b ^= b >>> 16;
  pair[0] = a | 0;
  pair[1] = a === 0 && b === 0 ? 1 : b | 0;
  return pair;
}
