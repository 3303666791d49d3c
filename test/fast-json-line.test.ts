import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { classify } from '../src/decode/classify.js';
import {
  BLANK_LINE,
  type Fields,
  type JsonLineScanner,
  jsonLineScanner,
  LINE,
  USAGE,
} from '../src/decode/fast-json-line.js';
import { isPlainObject } from '../src/extract/counts.js';
import { runPipeline } from '../src/pipeline/run-pipeline.js';
import { LineBatch } from '../src/sources/byte-lines.js';
import { resolveInputs } from '../src/sources/inputs.js';
import { runCli } from './support/run-cli.js';

// The JSON-lines fast path (src/decode/fast-json-line.ts, src/wasm/json-scan.ts) against its reference,
// JSON.parse: it may hand any line back, but a line it reads must be valid JSON, and what it reads of it
// must be what JSON.parse gives.

const scanner = jsonLineScanner() as JsonLineScanner;
const dir = mkdtempSync(join(tmpdir(), 'ui-fast-json-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function readLine(text: string | Buffer) {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  scanner.load(new LineBatch(bytes, bytes.length));
  return scanner.read(0, bytes.length);
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** What the fast path should make of a value JSON.parse gave: the keys `fields` names, as it describes. */
function project(value: Record<string, unknown>, fields: Fields): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of fields.names) {
    const want = fields.wants[name];
    const v = Object.hasOwn(value, name) ? value[name] : undefined;
    if (v === undefined) out[name] = undefined;
    else if (want === 'present') out[name] = true;
    else if (typeof want === 'object' && isPlainObject(v)) out[name] = project(v, want);
    else out[name] = v;
  }
  return out;
}

/** Checks one line: a line the fast path reads parses, and reads as JSON.parse would. Returns whether read. */
function agrees(text: string): boolean {
  const thin = readLine(text);
  if (thin === null) return false;
  if (thin === BLANK_LINE) {
    expect(text.trim()).toBe('');
    return true;
  }
  expect(parses(text)).toBe(true);
  const full = JSON.parse(text);
  expect(isPlainObject(full)).toBe(true);
  for (const key of ['recording', 'custom_id', 'result']) expect(Object.hasOwn(full, key)).toBe(false);
  expect(thin).toEqual(project(full, LINE));
  // The decoder trusts classify on the cut-down object only for these shapes: they must be the full one's.
  const shape = classify(thin);
  if (shape === 'message' || shape === 'claude_code' || shape === 'claude_code_other')
    expect(classify(full)).toBe(shape);
  return true;
}

// Objects are written by hand, so that keys can repeat, be spelt with escapes, and be spaced oddly.
const space = fc.constantFrom('', '', ' ', '\t', '\r', '  ');

function objectText(entries: [string, string][], spaces: string[]): string {
  const body = entries.map(
    ([k, v], i) => `${spaces[i % spaces.length]}${k}${spaces[(i + 1) % spaces.length]}:${v}`,
  );
  return `{${body.join(',')}${spaces[0]}}`;
}

const key = (names: readonly string[]) =>
  fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...names).map((n) => JSON.stringify(n)) },
    // A key JSON.parse reads as a name the fast path knows, spelt so that the scan cannot tell.
    { weight: 1, arbitrary: fc.constantFrom('"\\u0075sage"', '"typ\\u0065"', '"mod\\/el"') },
    { weight: 1, arbitrary: fc.constantFrom('"__proto__"', '"é"', '"content"', '"x"', '""') },
  );

const count = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 200_000 }).map(String) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '-0',
      '0.5',
      '1e3',
      '1E+2',
      '12345678901234567890',
      '9007199254740993',
      '-3',
      'null',
      'true',
      '"12"',
      '{}',
      '[]',
    ),
  },
);

const scalar = fc.oneof(
  count,
  fc.string().map((s) => JSON.stringify(s)),
  fc.constantFrom('"claude-sonnet-4-6"', '"message"', '"assistant"', '"user"', '"standard"', '"t\\u00e9"'),
  fc.jsonValue().map((v) => JSON.stringify(v)),
);

function objectOf(names: readonly string[], value: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.array(fc.tuple(key(names), value), { maxLength: 8 }),
      fc.array(space, { minLength: 1, maxLength: 3 }),
    )
    .map(([entries, spaces]) => objectText(entries, spaces));
}

const split = objectOf(['ephemeral_5m_input_tokens', 'ephemeral_1h_input_tokens'], count);
const tools = objectOf(['web_search_requests', 'web_fetch_requests', 'code_execution_requests'], count);
const usage = objectOf(
  USAGE.names,
  fc.oneof(
    { weight: 4, arbitrary: count },
    { weight: 1, arbitrary: split },
    { weight: 1, arbitrary: tools },
    { weight: 1, arbitrary: scalar },
  ),
);
const message = objectOf(
  ['id', 'model', 'usage', 'type', 'role', 'content', 'stop_reason'],
  fc.oneof({ weight: 2, arbitrary: scalar }, { weight: 2, arbitrary: usage }),
);
const line = objectOf(
  [...LINE.names, 'isSidechain', 'cwd', 'recording', 'custom_id', 'result'],
  fc.oneof(
    { weight: 3, arbitrary: scalar },
    { weight: 2, arbitrary: usage },
    { weight: 2, arbitrary: message },
  ),
);

describe('the JSON-lines scan', () => {
  it('loads (WebAssembly with SIMD is there in every supported Node)', () => {
    expect(scanner).not.toBeNull();
  });

  it('reads only lines JSON.parse accepts, and reads them as JSON.parse does', () => {
    let read = 0;
    fc.assert(
      fc.property(line, (text) => {
        if (agrees(text)) read++;
      }),
      { numRuns: 3000 },
    );
    // Most generated lines are ones the fast path is for: it must not hand them all back.
    expect(read).toBeGreaterThan(500);
  });

  it('hands back every line that a cut, an insertion or a changed byte makes invalid', () => {
    const edited = fc
      .tuple(
        line,
        fc.nat(),
        fc.constantFrom(
          '',
          '"',
          '\\',
          '{',
          '}',
          '[',
          ']',
          ',',
          ':',
          ' ',
          '\t',
          '\u0001',
          'x',
          '0',
          '-',
          '.',
          'e',
          'n',
          '\u00a0',
        ),
        fc.constantFrom('cut', 'insert', 'replace'),
      )
      .map(([text, at, ch, how]) => {
        const i = at % (text.length + 1);
        if (how === 'cut') return text.slice(0, i);
        if (how === 'insert') return text.slice(0, i) + ch + text.slice(i);
        return text.slice(0, i) + ch + text.slice(i + 1);
      });
    fc.assert(
      fc.property(edited, (text) => {
        agrees(text);
      }),
      { numRuns: 5000 },
    );
  });

  it.each([
    ['{}', true],
    [' {"type":"message"} ', true],
    ['{"a":-0.5e+10,"b":1E5,"c":0,"d":-0}', true],
    ['{"a":01}', false],
    ['{"a":1.}', false],
    ['{"a":.5}', false],
    ['{"a":-}', false],
    ['{"a":+1}', false],
    ['{"a":1e}', false],
    ['{"a":1e+}', false],
    ['{"a":1.e5}', false],
    ['{"a":- 1}', false],
    ['{"a":-/}', false],
    ['{"a":-a}', false],
    ['{"a":-01}', false],
    ['{"a":/}', false],
    ['{"a":-9}', true],
    ['{"a":tru}', false],
    ['{"a":nulll}', false],
    ['{"a":"\\x"}', false],
    ['{"a":"\\u12G4"}', false],
    ['{"a":"\t"}', false],
    ['{"a":"\\ud800"}', true],
    ['{"a":1,}', false],
    ['{"a" 1}', false],
    ['{"a":1}}', false],
    ['{"a":1} x', false],
    ['{"a":[1,{"b":[]},"c"]}', true],
    ['{"a":[}', false],
    ['{"a":{]}', false],
    ['\u00a0{}', false],
    ['{"a":"' + 'é'.repeat(40) + '"}', true],
  ])('%j: valid JSON %s', (text, valid) => {
    expect(parses(text)).toBe(valid);
    agrees(text);
  });

  it('takes blank lines as blank, and hands back arrays, scalars and very deep nesting', () => {
    expect(readLine('  \t ')).toBe(BLANK_LINE);
    expect(readLine('')).toBe(BLANK_LINE);
    expect(readLine('[{"type":"message"}]')).toBeNull();
    expect(readLine('"message"')).toBeNull();
    const deep = `{"a":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    expect(parses(deep)).toBe(true);
    expect(readLine(deep)).toBeNull();
  });

  it('reads a value repeated from line to line (interned) the same every time', () => {
    const models = ['claude-sonnet-4-6', 'claude-opus-4-8', 'claude-sonnet-4-6'];
    for (let i = 0; i < 3; i++)
      for (const model of models) {
        // The first sight of a model may be in a key the line does not use (message.type).
        const text = JSON.stringify({ type: 'assistant', message: { type: model, model, usage: {} } });
        const thin = readLine(text) as Record<string, Record<string, unknown>>;
        expect(thin.message?.model).toBe(model);
      }
  });
});

describe('the pipeline with and without the fast path', () => {
  const records = fc.array(
    fc.oneof(
      line,
      usage.map((u) => `{"type":"message","id":"msg_1","model":"claude-sonnet-4-6","usage":${u}}`),
      fc
        .tuple(usage, fc.nat(5), fc.constantFrom('claude-sonnet-4-6', 'claude-haiku-4-5', '<synthetic>'))
        .map(
          ([u, n, model]) =>
            `{"type":"assistant","sessionId":"s","requestId":"req_${n}","timestamp":"2026-11-0${n + 1}T10:00:00.000Z","message":{"id":"msg_${n}","model":"${model}","usage":${u}}}`,
        ),
      fc.constantFrom(
        '{"type":"user","sessionId":"s","uuid":"u","message":{"role":"user","content":"hi"}}',
        '{"custom_id":"a","result":{"type":"succeeded","message":{"type":"message","usage":{"input_tokens":3,"output_tokens":1}}}}',
        '{"type":"message","usage":{"input_tokens":1,"output_tokens":2}',
        '',
        '{"type":"message","\\u0075sage":{"input_tokens":5,"output_tokens":1}}',
      ),
    ),
    { minLength: 2, maxLength: 30 },
  );

  it('gives the same requests, totals and problems on any mix of lines', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(records, async (lines) => {
        const file = join(dir, `mix-${n++}.jsonl`);
        // The first line is sniffed for the layout: keep it a plain Message line.
        writeFileSync(
          file,
          `{"type":"message","usage":{"input_tokens":1,"output_tokens":1}}\n${lines.join('\n')}\n`,
        );
        const { inputs } = await resolveInputs([file]);
        const fast = await runPipeline(inputs, { format: 'auto', strict: false, fast: true });
        const full = await runPipeline(inputs, { format: 'auto', strict: false, fast: false });
        expect(fast).toEqual(full);
      }),
      { numRuns: 150 },
    );
  }, 60_000);
});

describe('a line too long for the scan', () => {
  it('is read by JSON.parse, with the same result', async () => {
    const file = join(dir, 'huge-line.jsonl');
    const huge = JSON.stringify({
      type: 'message',
      model: 'claude-sonnet-4-6',
      content: [{ type: 'text', text: 'x'.repeat(9 << 20) }],
      usage: { input_tokens: 7, output_tokens: 3 },
    });
    const small =
      '{"type":"message","model":"claude-sonnet-4-6","usage":{"input_tokens":1,"output_tokens":1}}';
    writeFileSync(file, `${small}\n${small}\n${huge}\n${small}\n`);
    const { inputs } = await resolveInputs([file]);
    const fast = await runPipeline(inputs, { format: 'auto', strict: false, fast: true });
    const full = await runPipeline(inputs, { format: 'auto', strict: false, fast: false });
    expect(fast).toEqual(full);
    expect(fast.totals.usage.input_tokens).toBe(10);
  });
});

describe('inspect on JSON lines the fast path reads and hands back', () => {
  it('reads each line as JSON.parse would, and names the line of each bad one', async () => {
    const file = join(dir, 'mixed.jsonl');
    const lines = [
      '{"type":"message","id":"msg_a","model":"claude-sonnet-4-6","usage":{"input_tokens":10,"cache_read_input_tokens":2000,"output_tokens":5}}',
      // JSON.parse keeps the last of repeated keys, and reads \u escapes in keys.
      '{"type":"message","id":"msg_b","model":"claude-sonnet-4-6","usage":{"input_tokens":1},"usage":{"input_tokens":20,"output_tokens":7}}',
      '{"type":"message","id":"msg_c","model":"claude-sonnet-4-6","\\u0075sage":{"input_tokens":30,"output_tokens":9}}',
      '{"type":"message","id":"msg_d","model":"claude-sonnet-4-6","usage":{"input_tokens":40,"output_tokens":1}',
      '{"type":"message","id":"msg_e","model":"claude-sonnet-4-6","usage":{"input_tokens":-1,"output_tokens":1}}',
      '{"type":"message","id":"msg_f","model":"claude-sonnet-4-6","usage":{"input_tokens":50,"output_tokens":"2"}}',
      '{"type":"message","id":"msg_g","model":"claude-sonnet-4-6","usage":{"input_tokens":60,"output_tokens":3,"server_tool_use":{"web_search_requests":2}}}',
    ];
    writeFileSync(file, `${lines.join('\n')}\n`);
    const run = await runCli(['inspect', file, '--format', 'json']);
    expect(run.code).toBe(2);
    const out = JSON.parse(run.stdout);
    const byId = new Map(out.requests.map((r: { id: string }) => [r.id, r]));
    expect([...byId.keys()]).toEqual(['msg_a', 'msg_b', 'msg_c', 'msg_g']);
    const usageOf = (id: string) => (byId.get(id) as { usage: Record<string, unknown> }).usage;
    expect(usageOf('msg_a')).toMatchObject({
      input_tokens: 10,
      cache_read_input_tokens: 2000,
      output_tokens: 5,
    });
    expect(usageOf('msg_b')).toMatchObject({ input_tokens: 20, output_tokens: 7 });
    expect(usageOf('msg_c')).toMatchObject({ input_tokens: 30, output_tokens: 9 });
    expect(usageOf('msg_g')).toMatchObject({ input_tokens: 60, server_tool_use: { web_search_requests: 2 } });
    const problems = out.problems.map((p: { source: { line: number }; message: string }) => [
      p.source.line,
      p.message,
    ]);
    expect(problems).toEqual([
      [4, expect.stringMatching(/^invalid JSON: /)],
      [5, expect.stringContaining('usage.input_tokens is -1')],
      [6, expect.stringContaining('usage.output_tokens is the string "2"')],
    ]);
    expect(run.stderr.split('\n').filter((l) => l.includes('mixed.jsonl:4'))).toHaveLength(1);
    // The first line tells the layout and is read by JSON.parse before the scan is loaded; of the other six,
    // the escaped key and the cut line are handed back.
    const debug = await runCli(['inspect', file, '--format', 'json', '--debug']);
    expect(debug.stdout).toBe(run.stdout);
    expect(debug.stderr).toContain(
      'usage-inspect: debug: JSON lines: 4 read by the scan, 2 handed to JSON.parse',
    );
  });
});
