// AssemblyScript, compiled to src/wasm/json-scan.wasm by `npm run build` (not part of the TypeScript build).
//
// Checks that one line is a single JSON text exactly as JSON.parse accepts it, and notes where the keys
// the caller asks for are, with their values (and the keys of the objects they hold). The decoder then parses
// only the few values it needs (decode/fast-json-line.ts): the bulk of a response line is the text of its
// content, which this scan skips 16 bytes at a time while still checking every byte of it.
//
// The grammar is ECMA-404 (JSON.parse's): https://262.ecma-international.org/#sec-json.parse
// - whitespace between tokens is space, tab, LF or CR only;
// - a string holds any byte but `"`, `\` and control characters (below 0x20); escapes are \" \\ \/ \b \f
//   \n \r \t and \u with four hex digits. Bytes of 0x80 and above are left to the caller's UTF-8 check;
// - a number is -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?; literals are true, false and null.
// Whatever this scan does not accept (invalid JSON, a top-level value that is not an object, nesting deeper
// than MAX_DEPTH, more than MAX_ENTRIES keys noted, an escape inside a key it looks at) it hands back to
// JSON.parse, which then gives the real result or the real error.

/** scan's result for a line of whitespace only. */
const BLANK: i32 = -1;
/** scan's result for a line JSON.parse must read. */
const HAND_BACK: i32 = -2;

const MAX_ENTRIES: i32 = 1024;
const MAX_DEPTH: i32 = 4096;
/**
 * Each noted key: depth | STRING_FLAG for a string value without escapes, key start, key end, value start, value end, parent (the
 * noted key whose object holds it, or -1), the key's number in the caller's list of names (or -1), and
 * the interned value's number (see `intern`).
 */
const ENTRY_BYTES: i32 = 32;
const STRING_FLAG: i32 = 1 << 16;

const entries = memory.data(MAX_ENTRIES * ENTRY_BYTES, 16);
const stack = memory.data(MAX_DEPTH, 16);

/**
 * The names the caller looks for, so that keys are matched here rather than byte by byte in JS: an
 * open-addressing table of (name address, length, number), and the bytes of the names.
 */
const NAME_SLOTS: i32 = 256;
const MAX_NAME_BYTES: i32 = 4096;
const nameTable = memory.data(NAME_SLOTS * 12, 16);
const nameBytes = memory.data(MAX_NAME_BYTES, 16);
let nameBytesUsed: i32 = 0;
/** Per name number: INTERN_VALUES and EVERY_KEY, as the caller set them. */
const nameFlags = memory.data(NAME_SLOTS, 16);
/** The name's string values are interned (see `intern`). */
const INTERN_VALUES: u8 = 1;
/** Every key of an object under this name is noted, not only those among the names. */
const EVERY_KEY: u8 = 2;

/**
 * Short string values that repeat line after line (a type, a model, a session id) are kept here, so that
 * the caller decodes each once and then reuses its string: an open-addressing table of (address, length,
 * number), and the bytes. Once full, values are no longer interned; what is held stays valid.
 */
const INTERN_SLOTS: i32 = 1024;
const MAX_INTERNED: i32 = 512;
const MAX_INTERN_LENGTH: i32 = 64;
const INTERN_BYTES: i32 = MAX_INTERNED * MAX_INTERN_LENGTH;
const internTable = memory.data(INTERN_SLOTS * 12, 16);
const internBytes = memory.data(INTERN_BYTES + 8, 16);
let internBytesUsed: i32 = 0;
let internedCount: i32 = 0;
let namesHeld: i32 = 0;

/** Whether the last string scanned held an escape. */
let escaped = false;

/** Where the table of noted keys is (ENTRY_BYTES each). */
export function entryTable(): usize {
  return entries;
}

/** Where the caller writes a name before `addName`: room for `maxLength` bytes, or 0 if full. */
export function nameRoom(maxLength: i32): usize {
  // 8 bytes more: names are compared 8 bytes at a time.
  return nameBytesUsed + maxLength + 8 <= MAX_NAME_BYTES && namesHeld < NAME_SLOTS / 2
    ? nameBytes + <usize>nameBytesUsed
    : 0;
}

@inline
function nameHash(start: usize, length: i32): i32 {
  const last = <i32>load<u8>(start + <usize>(length - 1));
  const middle = <i32>load<u8>(start + <usize>(length >> 1));
  return (length * 31 + <i32>load<u8>(start) * 7 + middle * 5 + last * 13) & (NAME_SLOTS - 1);
}

/**
 * Adds the name just written at nameRoom() (`length` bytes, at least 1) with the number `id` (below
 * NAME_SLOTS) and `flags` (INTERN_VALUES, EVERY_KEY).
 */
export function addName(length: i32, id: i32, flags: u8): void {
  const start = nameBytes + <usize>nameBytesUsed;
  store<u8>(nameFlags + <usize>id, flags);
  nameBytesUsed += length;
  namesHeld++;
  let slot = nameHash(start, length);
  while (load<i32>(nameTable + <usize>(slot * 12), 4) != 0) slot = (slot + 1) & (NAME_SLOTS - 1);
  const at = nameTable + <usize>(slot * 12);
  store<i32>(at, <i32>start);
  store<i32>(at, length, 4);
  store<i32>(at, id, 8);
}

/** Whether `length` bytes at a and b are the same; up to 7 bytes after each are read, not compared. */
@inline
function sameBytes(a: usize, b: usize, length: usize): bool {
  let i: usize = 0;
  while (i + 8 <= length) {
    if (load<u64>(a + i) != load<u64>(b + i)) return false;
    i += 8;
  }
  if (i == length) return true;
  const mask: u64 = ((<u64>1) << (<u64>(length - i) * 8)) - 1;
  return ((load<u64>(a + i) ^ load<u64>(b + i)) & mask) == 0;
}

/** The number of the name held in [start, end), or -1. */
function nameId(start: usize, end: usize): i32 {
  const length = <i32>(end - start);
  if (length == 0) return -1;
  let slot = nameHash(start, length);
  while (true) {
    const at = nameTable + <usize>(slot * 12);
    const held = load<i32>(at, 4);
    if (held == 0) return -1;
    if (held == length && sameBytes(<usize>load<i32>(at), start, <usize>length)) return load<i32>(at, 8);
    slot = (slot + 1) & (NAME_SLOTS - 1);
  }
}

/** The first byte free for input; the caller keeps 16 bytes after the input readable (vector loads). */
export function inputBase(): usize {
  return (__heap_base + 15) & ~(15 as usize);
}

@inline
function skipSpace(p: usize, end: usize): usize {
  while (p < end) {
    const c = load<u8>(p);
    if (c != 0x20 && c != 0x0a && c != 0x0d && c != 0x09) break;
    p++;
  }
  return p;
}

@inline
function isDigit(c: u32): bool {
  return c - 0x30 < 10;
}

@inline
function isHex(c: u32): bool {
  return c - 0x30 < 10 || (c | 0x20) - 0x61 < 6;
}

/** `p` is at an opening quote: the position after the closing one, or 0 if the string is not valid. */
function scanString(p: usize, end: usize): usize {
  p++;
  const quote = i8x16.splat(0x22);
  const backslash = i8x16.splat(0x5c);
  const space = i8x16.splat(0x20);
  while (true) {
    // Any of `"`, `\` or a control character in the next 16 bytes? Bytes past `end` may be read (the caller
    // keeps them readable) but never accepted.
    const v = v128.load(p);
    const hits = i8x16.bitmask(
      v128.or(v128.or(i8x16.eq(v, quote), i8x16.eq(v, backslash)), i8x16.lt_u(v, space)),
    );
    if (hits == 0) {
      p += 16;
      if (p >= end) return 0;
      continue;
    }
    p += ctz<i32>(hits);
    if (p >= end) return 0;
    const c = load<u8>(p);
    if (c == 0x22) return p + 1;
    if (c != 0x5c) return 0;
    escaped = true;
    if (p + 1 >= end) return 0;
    const e = load<u8>(p + 1);
    if (e == 0x75) {
      if (p + 6 > end) return 0;
      if (!isHex(load<u8>(p + 2)) || !isHex(load<u8>(p + 3)) || !isHex(load<u8>(p + 4)) || !isHex(load<u8>(p + 5)))
        return 0;
      p += 6;
    } else if (
      e == 0x22 ||
      e == 0x5c ||
      e == 0x2f ||
      e == 0x62 ||
      e == 0x66 ||
      e == 0x6e ||
      e == 0x72 ||
      e == 0x74
    ) {
      p += 2;
    } else {
      return 0;
    }
  }
}

/** The position after the number at `p`, or 0 if it is not a valid one. */
function scanNumber(p: usize, end: usize): usize {
  if (load<u8>(p) == 0x2d) p++;
  if (p >= end) return 0;
  const first = load<u8>(p);
  if (first == 0x30) {
    p++;
  } else if (first - 0x31 < 9) {
    p++;
    while (p < end && isDigit(load<u8>(p))) p++;
  } else {
    return 0;
  }
  if (p < end && load<u8>(p) == 0x2e) {
    const digits = ++p;
    while (p < end && isDigit(load<u8>(p))) p++;
    if (p == digits) return 0;
  }
  if (p < end && (load<u8>(p) | 0x20) == 0x65) {
    p++;
    if (p < end && (load<u8>(p) == 0x2b || load<u8>(p) == 0x2d)) p++;
    const digits = p;
    while (p < end && isDigit(load<u8>(p))) p++;
    if (p == digits) return 0;
  }
  return p;
}

/** The position after true, false or null at `p`, or 0. Little-endian words: "true", "fals", "null". */
function scanLiteral(p: usize, end: usize): usize {
  if (p + 4 > end) return 0;
  const word = load<u32>(p);
  if (word == 0x65757274 || word == 0x6c6c756e) return p + 4;
  if (word == 0x736c6166 && p + 5 <= end && load<u8>(p + 4) == 0x65) return p + 5;
  return 0;
}

/**
 * The number of the interned string [start, end), added now if new; -1 if not interned (too long, empty,
 * or no room). The caller decodes each number's string the first time it reads it.
 */
function intern(start: usize, end: usize): i32 {
  const length = <i32>(end - start);
  if (length == 0 || length > MAX_INTERN_LENGTH) return -1;
  let hash: u64 = <u64>length * 0x9e3779b97f4a7c15;
  let i: usize = 0;
  for (; i + 8 <= <usize>length; i += 8) hash = (hash ^ load<u64>(start + i)) * 0x100000001b3;
  if (i < <usize>length) {
    const mask: u64 = ((<u64>1) << (<u64>(<usize>length - i) * 8)) - 1;
    hash = (hash ^ (load<u64>(start + i) & mask)) * 0x100000001b3;
  }
  let slot = <i32>((hash >> 32) ^ hash) & (INTERN_SLOTS - 1);
  while (true) {
    const at = internTable + <usize>(slot * 12);
    const held = load<i32>(at, 4);
    if (held == 0) break;
    if (held == length && sameBytes(<usize>load<i32>(at), start, <usize>length)) return load<i32>(at, 8);
    slot = (slot + 1) & (INTERN_SLOTS - 1);
  }
  if (internedCount == MAX_INTERNED) return -1;
  const copy = internBytes + <usize>internBytesUsed;
  memory.copy(copy, start, <usize>length);
  internBytesUsed += length;
  const at = internTable + <usize>(slot * 12);
  store<i32>(at, <i32>copy);
  store<i32>(at, length, 4);
  store<i32>(at, internedCount, 8);
  internedCount++;
  return internedCount - 1;
}

function finish(entry: i32, p: usize): void {
  const at = entries + <usize>(entry * ENTRY_BYTES);
  const start = <usize>load<i32>(at, 12);
  const plainString = load<u8>(start) == 0x22 && !escaped;
  store<i32>(at, load<i32>(at) | (plainString ? STRING_FLAG : 0));
  store<i32>(at, <i32>p, 16);
  const id = load<i32>(at, 24);
  const interned = plainString && id >= 0 && (load<u8>(nameFlags + <usize>id) & INTERN_VALUES) != 0;
  store<i32>(at, interned ? intern(start + 1, p - 1) : -1, 28);
}

const KEY = 0;
const VALUE = 1;
const AFTER = 2;

/**
 * Per depth: the noted key whose object this is, times 2, plus 1 if every key of the object is noted (-1
 * if none: the top level, an array, or an object under a key not noted); and the noted key of this depth
 * whose value is being read (-1 if none).
 */
const owner = memory.data((MAX_DEPTH + 1) * 4, 16);
const reading = memory.data((MAX_DEPTH + 1) * 4, 16);

/**
 * Scans the line in memory [start, end). Returns BLANK, HAND_BACK, or the number of keys noted, in the
 * order written: the keys that are among the names added, in the top-level object and in objects that
 * are values of noted keys, at any depth (not inside arrays), and every key of an object under an EVERY_KEY
 * name. Each names its parent, the
 * noted key whose object holds it (-1 at the top). A string value without escapes is flagged, so the caller
 * can take its bytes as they are.
 */
export function scan(start: usize, end: usize): i32 {
  let p = skipSpace(start, end);
  if (p == end) return BLANK;
  if (load<u8>(p) != 0x7b) return HAND_BACK;
  let depth: i32 = 0;
  let count: i32 = 0;
  /** The noted key whose value is about to be read, or -1. */
  let valueOf: i32 = -1;
  let state = VALUE;
  while (true) {
    if (state == VALUE) {
      const c = load<u8>(p);
      if (c == 0x7b || c == 0x5b) {
        if (depth == MAX_DEPTH) return HAND_BACK;
        store<u8>(stack + <usize>depth, c);
        depth++;
        const slot = <usize>(depth << 2);
        let owned = -1;
        if (c == 0x7b && depth > 1 && valueOf >= 0) {
          const id = load<i32>(entries + <usize>(valueOf * ENTRY_BYTES), 24);
          const every = id >= 0 && (load<u8>(nameFlags + <usize>id) & EVERY_KEY) != 0;
          owned = (valueOf << 1) | (every ? 1 : 0);
        }
        store<i32>(owner + slot, owned);
        store<i32>(reading + slot, -1);
        valueOf = -1;
        p = skipSpace(p + 1, end);
        if (p >= end) return HAND_BACK;
        const next = load<u8>(p);
        if (next == c + 2) {
          // {} or []: the closing bracket is the opening one plus 2 in ASCII.
          depth--;
          p++;
          state = AFTER;
        } else {
          state = c == 0x7b ? KEY : VALUE;
        }
        continue;
      }
      valueOf = -1;
      if (c == 0x22) p = scanString(p, end);
      else if (c == 0x2d || isDigit(c)) p = scanNumber(p, end);
      else if (c == 0x74 || c == 0x66 || c == 0x6e) p = scanLiteral(p, end);
      else return HAND_BACK;
      if (p == 0) return HAND_BACK;
      state = AFTER;
      continue;
    }
    if (state == KEY) {
      if (load<u8>(p) != 0x22) return HAND_BACK;
      escaped = false;
      const keyEnd = scanString(p, end);
      if (keyEnd == 0) return HAND_BACK;
      const owned = load<i32>(owner + <usize>(depth << 2));
      const parent = owned >> 1;
      let noted = false;
      if (depth == 1 || parent >= 0) {
        // A key spelt with escapes could be any name: only JSON.parse can tell.
        if (escaped) return HAND_BACK;
        const id = nameId(p + 1, keyEnd - 1);
        noted = id >= 0 || (parent >= 0 && (owned & 1) != 0);
        if (noted) {
          if (count == MAX_ENTRIES) return HAND_BACK;
          const at = entries + <usize>(count * ENTRY_BYTES);
          store<i32>(at, depth);
          store<i32>(at, <i32>(p + 1), 4);
          store<i32>(at, <i32>(keyEnd - 1), 8);
          store<i32>(at, parent, 20);
          store<i32>(at, id, 24);
        }
      }
      p = skipSpace(keyEnd, end);
      if (p >= end || load<u8>(p) != 0x3a) return HAND_BACK;
      p = skipSpace(p + 1, end);
      if (p >= end) return HAND_BACK;
      if (noted) {
        store<i32>(entries + <usize>(count * ENTRY_BYTES), <i32>p, 12);
        store<i32>(reading + <usize>(depth << 2), count);
        valueOf = count;
        count++;
      }
      escaped = false;
      state = VALUE;
      continue;
    }
    // AFTER: a value ends at p.
    if (depth == 0) return skipSpace(p, end) == end ? count : HAND_BACK;
    const slot = reading + <usize>(depth << 2);
    const done = load<i32>(slot);
    if (done >= 0) {
      finish(done, p);
      store<i32>(slot, -1);
    }
    p = skipSpace(p, end);
    if (p >= end) return HAND_BACK;
    const c = load<u8>(p);
    const container = load<u8>(stack + <usize>(depth - 1));
    if (c == 0x2c) {
      p = skipSpace(p + 1, end);
      if (p >= end) return HAND_BACK;
      state = container == 0x7b ? KEY : VALUE;
      continue;
    }
    if (c != container + 2) return HAND_BACK;
    depth--;
    p++;
  }
}
