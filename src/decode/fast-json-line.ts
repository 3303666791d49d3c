import { readFileSync } from 'node:fs';
import type { LineBatch, Utf8Slicer } from '../sources/byte-lines.js';

/**
 * The JSON-lines fast path. A response line is mostly the text of its content; parsing it whole to read a
 * usage object is most of the cost of reading JSONL. wasm/json-scan.ts checks each line against the JSON
 * grammar (every byte, as JSON.parse would) and notes where the keys that records read are, at any depth
 * (under keys it noted); only those values are then parsed. A line the scan does not accept is handed
 * back to JSON.parse, so errors, and anything unusual, read exactly as before.
 */

/** The line holds only whitespace. */
export const BLANK_LINE = Symbol('blank line');

/** What is used of WebAssembly (its types come with lib "dom" or newer @types/node, neither loaded here). */
declare const WebAssembly: {
  Module: new (code: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
};

interface ScanExports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  scan(start: number, end: number): number;
  inputBase(): number;
  entryTable(): number;
  nameRoom(maxLength: number): number;
  addName(length: number, id: number, flags: number): void;
}

/** Values of wasm/json-scan.ts. */
const BLANK = -1;
const ENTRY_INTS = 8;
const PLAIN_STRING = 1 << 16;
/** Bytes kept readable after the input for the scan's 16-byte loads. */
const PADDING = 16;
/** The largest batch scanned: batches are 256 KiB reads plus a partial line (sources/byte-lines.ts). */
const MAX_BATCH = 8 << 20;

/**
 * What is read of a key: its value as JSON.parse gives it (`value`), only whether it is there (`present`:
 * its value is then `true`), every key of its object with their values (`every`), the keys that a nested
 * Fields names, or nothing: JSON.parse must read the whole line (`handBack`). Other keys are left out, as
 * nothing downstream reads them.
 */
export type Want = 'value' | 'present' | 'every' | 'handBack' | Fields;

interface Field {
  name: string;
  want: Want;
}

/** Every key name the Fields below look for, numbered; the scan matches keys against them. */
const NAMES: string[] = [];

function nameId(name: string): number {
  const known = NAMES.indexOf(name);
  if (known !== -1) return known;
  NAMES.push(name);
  return NAMES.length - 1;
}

/** Keys whose string values repeat from line to line: each is decoded once (wasm/json-scan.ts `intern`). */
const INTERNED = new Set(['type', 'model', 'service_tier', 'speed', 'inference_geo', 'sessionId']);

/** Names of objects whose every key is read: the scan notes all their keys, and only named ones elsewhere. */
const EVERY = new Set<string>();

/** Strings interned so far, by their number in the scanner. */
const internedStrings: string[] = [];

/** A key JSON.parse makes an own property, but assignment would take as the prototype. */
const PROTO_ID = nameId('__proto__');

/**
 * The keys read of one kind of object. `create` makes it empty, as one literal of fixed shape with every
 * name undefined (the readers take undefined as absent), and values are then set by name: objects grown
 * key by key cost several times more.
 */
export class Fields {
  /** Fields by the number of their name in NAMES. */
  readonly byId: (Field | undefined)[] = [];
  /** The keys of the objects made: those wanted, in `create`'s order. */
  readonly names: readonly string[];
  constructor(
    readonly wants: Record<string, Want>,
    readonly create: () => Record<string, unknown>,
  ) {
    this.names = Object.keys(create());
    for (const [name, want] of Object.entries(wants)) {
      // The literal in `create` must hold exactly the keys that are read into it.
      if ((want !== 'handBack') !== this.names.includes(name))
        throw new Error(`Fields: ${name} and create disagree`);
      this.byId[nameId(name)] = { name, want };
      if (want === 'every') EVERY.add(name);
    }
  }
}

const CACHE_SPLIT = new Fields(
  { ephemeral_5m_input_tokens: 'value', ephemeral_1h_input_tokens: 'value' },
  () => ({ ephemeral_5m_input_tokens: undefined, ephemeral_1h_input_tokens: undefined }),
);

const OUTPUT_DETAILS = new Fields({ thinking_tokens: 'value' }, () => ({
  thinking_tokens: undefined,
}));

/**
 * The keys of `usage` that extract/usage.ts, extract/token-counts.ts and extract/iterations.ts read.
 * test/fast-json-line.test.ts checks that what they make of it equals what they make of JSON.parse's.
 */
export const USAGE = new Fields(
  {
    input_tokens: 'value',
    cache_creation_input_tokens: 'value',
    cache_read_input_tokens: 'value',
    output_tokens: 'value',
    output_tokens_details: OUTPUT_DETAILS,
    cache_creation: CACHE_SPLIT,
    server_tool_use: 'every',
    service_tier: 'value',
    speed: 'value',
    inference_geo: 'value',
    iterations: 'value',
  },
  () => ({
    input_tokens: undefined,
    cache_creation_input_tokens: undefined,
    cache_read_input_tokens: undefined,
    output_tokens: undefined,
    output_tokens_details: undefined,
    cache_creation: undefined,
    server_tool_use: undefined,
    service_tier: undefined,
    speed: undefined,
    inference_geo: undefined,
    iterations: undefined,
  }),
);

const MESSAGE = new Fields({ id: 'value', model: 'value', usage: USAGE }, () => ({
  id: undefined,
  model: undefined,
  usage: undefined,
}));

/**
 * What decode/classify.ts and decode/records.ts read of a Message line or a transcript line: of `uuid`
 * and `parentUuid` only whether they are there (classify). Recordings and batch results are read by
 * JSON.parse: their shapes need more of the line.
 */
export const LINE = new Fields(
  {
    type: 'value',
    id: 'value',
    model: 'value',
    usage: USAGE,
    message: MESSAGE,
    requestId: 'value',
    timestamp: 'value',
    sessionId: 'value',
    uuid: 'present',
    parentUuid: 'present',
    recording: 'handBack',
    custom_id: 'handBack',
    result: 'handBack',
  },
  () => ({
    type: undefined,
    id: undefined,
    model: undefined,
    usage: undefined,
    message: undefined,
    requestId: undefined,
    timestamp: undefined,
    sessionId: undefined,
    uuid: undefined,
    parentUuid: undefined,
  }),
);

/**
 * Per noted key of the line being read (scratch, reused from line to line): what is wanted of its object
 * (null: nothing), and the object made for it.
 */
const wantsOf: (Fields | 'every' | null)[] = [];
const objectOf: Record<string, unknown>[] = [];

export class JsonLineScanner {
  private memory: Uint8Array;
  private entries: Int32Array;
  private readonly base: number;
  private readonly table: number;
  private bytes: Utf8Slicer | null = null;

  constructor(private readonly exports: ScanExports) {
    this.base = exports.inputBase();
    this.table = exports.entryTable() >> 2;
    this.memory = new Uint8Array(exports.memory.buffer);
    this.entries = new Int32Array(exports.memory.buffer);
  }

  /**
   * Copies a batch into the scanner's memory, so that lines of it can be read; false for a batch of more
   * than MAX_BATCH bytes (one huge line), left to JSON.parse so that this memory, which never shrinks,
   * stays small.
   */
  load(batch: LineBatch): boolean {
    if (batch.end > MAX_BATCH) return false;
    const need = this.base + batch.end + PADDING;
    const have = this.exports.memory.buffer.byteLength;
    if (need > have) {
      try {
        this.exports.memory.grow(Math.ceil((need - have) / 65536));
      } catch {
        // No memory to grow into: JSON.parse reads this batch.
        return false;
      }
      this.memory = new Uint8Array(this.exports.memory.buffer);
      this.entries = new Int32Array(this.exports.memory.buffer);
    }
    this.memory.set(batch.bytes.subarray(0, batch.end), this.base);
    this.bytes = batch.bytes as Utf8Slicer;
    return true;
  }

  /**
   * Line [start, end) of the loaded batch as its top-level object cut down to what records read (LINE),
   * each value as JSON.parse gives it; BLANK_LINE; or null when JSON.parse must read the line.
   */
  read(start: number, end: number): Record<string, unknown> | typeof BLANK_LINE | null {
    const count = this.exports.scan(this.base + start, this.base + end);
    if (count === BLANK) return BLANK_LINE;
    if (count < 0) return null;
    const { entries, table } = this;
    const top = LINE.create();
    for (let e = 0; e < count; e++) {
      wantsOf[e] = null;
      const at = table + e * ENTRY_INTS;
      const parent = entries[at + 5] as number;
      const wants = parent < 0 ? LINE : wantsOf[parent];
      if (wants === null || wants === undefined) continue;
      const into = parent < 0 ? top : (objectOf[parent] as Record<string, unknown>);
      const flags = entries[at] as number;
      const id = entries[at + 6] as number;
      const valueStart = entries[at + 3] as number;
      const valueEnd = entries[at + 4] as number;
      if (wants === 'every') {
        if (id === PROTO_ID) return null;
        const keyStart = (entries[at + 1] as number) - this.base;
        const keyEnd = (entries[at + 2] as number) - this.base;
        const name = (this.bytes as Utf8Slicer).utf8Slice(keyStart, keyEnd);
        into[name] = this.value(valueStart, valueEnd, flags, entries[at + 7] as number);
        continue;
      }
      const field = id < 0 ? undefined : wants.byId[id];
      if (field === undefined) continue;
      const want = field.want;
      if (want === 'handBack') return null;
      if (want === 'present') {
        into[field.name] = true;
        continue;
      }
      if (want === 'value' || this.memory[valueStart] !== 0x7b) {
        into[field.name] = this.value(valueStart, valueEnd, flags, entries[at + 7] as number);
        continue;
      }
      // An object: its keys follow, each naming this one as parent, and fill it in place. A repeated key
      // (JSON.parse keeps the last) puts a new object in its place.
      const object = want === 'every' ? {} : want.create();
      wantsOf[e] = want;
      objectOf[e] = object;
      into[field.name] = object;
    }
    return top;
  }

  /** The value at [start, end) of memory as JSON.parse gives it. */
  private value(start: number, end: number, depthFlags: number, interned: number): unknown {
    const bytes = this.bytes as Utf8Slicer;
    if (depthFlags & PLAIN_STRING) {
      if (interned >= 0) {
        // Same bytes, same string: decoded the first time it is read.
        const known = internedStrings[interned];
        if (known !== undefined) return known;
      }
      const text = bytes.utf8Slice(start + 1 - this.base, end - 1 - this.base);
      if (interned >= 0) internedStrings[interned] = text;
      return text;
    }
    const memory = this.memory;
    const first = memory[start] as number;
    if (first === 0x6e) return null; // the scan accepted it, so it is `null`
    if (first === 0x30 && end - start === 1) return 0;
    // Whole numbers of up to 15 digits are exact as doubles: read them without JSON.parse.
    if (end - start <= 15 && first !== 0x30) {
      let n = 0;
      let i = start;
      for (; i < end; i++) {
        const d = (memory[i] as number) - 0x30;
        if (d < 0 || d > 9) break;
        n = n * 10 + d;
      }
      if (i === end) return n;
    }
    return JSON.parse(bytes.utf8Slice(start - this.base, end - this.base));
  }
}

/** Lines read by the scan and lines handed back to JSON.parse, in this thread (for --debug). */
export const scanCounts = { read: 0, handedBack: 0 };

let scanner: JsonLineScanner | null | undefined;
/** Why the scanner could not be loaded, for --debug. */
export let scannerProblem: string | null = null;

/** The scanner, loaded on first use; null where WebAssembly (with SIMD) is not available. */
export function jsonLineScanner(): JsonLineScanner | null {
  if (scanner !== undefined) return scanner;
  try {
    const code = readFileSync(new URL('../wasm/json-scan.wasm', import.meta.url));
    const instance = new WebAssembly.Instance(new WebAssembly.Module(code), {
      env: {
        abort() {
          throw new Error('json-scan aborted');
        },
      },
    });
    const exports = instance.exports as unknown as ScanExports;
    NAMES.forEach((name, id) => {
      const bytes = Buffer.from(name, 'latin1');
      const room = exports.nameRoom(bytes.length);
      if (room === 0) throw new Error('json-scan: too many names');
      new Uint8Array(exports.memory.buffer).set(bytes, room);
      exports.addName(bytes.length, id, (INTERNED.has(name) ? 1 : 0) | (EVERY.has(name) ? 2 : 0));
    });
    scanner = new JsonLineScanner(exports);
  } catch (err) {
    scannerProblem = err instanceof Error ? err.message : String(err);
    scanner = null;
  }
  return scanner;
}
