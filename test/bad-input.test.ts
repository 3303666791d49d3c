import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPipeline } from '../src/pipeline/run-pipeline.js';
import { fixture, runCli } from './support/run-cli.js';

const bad = (name: string) => fixture(`bad/${name}`);

describe('bad input corpus (fixtures/bad)', () => {
  it.each([
    // file, exit code, stderr lines that must appear, request ids that must still be read
    [
      'truncated-document.json',
      2,
      [
        /truncated-document\.json:6: error: invalid JSON document \(column 15\): Unterminated string/,
        /truncated-document\.json: error: no usage found/,
      ],
      [],
    ],
    [
      'truncated-stream.sse',
      2,
      [
        /truncated-stream\.sse:4 \(event 2\): error: event content_block_delta has invalid JSON data/,
        /truncated-stream\.sse:1 \(event 1\): warning: stream ended before message_stop/,
      ],
      ['msg_01Cut'],
    ],
    [
      'invalid-utf8.jsonl',
      0,
      [/invalid-utf8\.jsonl:1: warning: invalid UTF-8 bytes \(read as U\+FFFD\)/],
      ['msg_01Utf8a', 'msg_01Utf8b'],
    ],
    ['bom-crlf.jsonl', 0, [], ['msg_01Bom1', 'msg_01Bom2']],
    [
      'binary-garbage.bin',
      2,
      [/binary-garbage\.bin:1: error: not JSON, JSONL or an SSE stream; file skipped/, /no usage found/],
      [],
    ],
    ['empty.jsonl', 2, [/empty\.jsonl: warning: empty input/, /empty\.jsonl: error: no usage found/], []],
    [
      'bad-token-counts.jsonl',
      2,
      [
        /:2: error: usage\.input_tokens is -3; a token count must be a whole number/,
        /:3: error: usage\.input_tokens is 1\.5;/,
        /:4: error: usage\.input_tokens is the string "12";/,
        /:5: error: usage\.input_tokens is the string "NaN";/,
        /:6: error: usage\.input_tokens is 9007199254740992 \(beyond 2\^53-1/,
        /:7: error: usage\.input_tokens is Infinity;/,
      ],
      ['msg_01Good1', 'msg_01Good2'],
    ],
    [
      'decoy-usage-in-content.jsonl',
      0,
      [/decoy-usage-in-content\.jsonl:2: warning: no usage found: an object with keys content, metadata/],
      ['msg_01Decoy'],
    ],
    ['unknown-events-and-fields.sse', 0, [], ['msg_01Unknown']],
    [
      'batch-missing-result.jsonl',
      2,
      [/batch-missing-result\.jsonl:2: error: batch result line for "req-2" has no `result` object/],
      ['msg_01B1'],
    ],
    ['transcript-no-usage.jsonl', 2, [/transcript-no-usage\.jsonl: error: no usage found/], []],
  ] as const)('%s → exit %i', async (name, code, messages, ids) => {
    const run = await runCli(['inspect', '--format', 'json', bad(name)]);
    expect(run.code).toBe(code);
    for (const m of messages) expect(run.stderr).toMatch(m);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    const stderrLines = run.stderr.trim() === '' ? [] : run.stderr.trim().split('\n');
    expect(stderrLines).toHaveLength(messages.length);
    const doc = JSON.parse(run.stdout);
    expect(doc.requests.map((r: { id: string }) => r.id)).toEqual(ids);
  });

  it('reads the decoy file by the real top-level usage only', async () => {
    const doc = JSON.parse(
      (await runCli(['inspect', '--format', 'json', bad('decoy-usage-in-content.jsonl')])).stdout,
    );
    expect(doc.totals.usage.input_tokens).toBe(7);
    expect(doc.totals.usage.output_tokens).toBe(3);
  });

  it('keeps unknown usage counters out of the sums but keeps unknown server tools', async () => {
    const doc = JSON.parse(
      (await runCli(['inspect', '--format', 'json', bad('unknown-events-and-fields.sse')])).stdout,
    );
    expect(doc.requests[0].usage).toMatchObject({
      input_tokens: 3,
      cache_read_input_tokens: 1500,
      output_tokens: 8,
      server_tool_use: { new_tool_requests: 2 },
    });
  });

  it('reads every bad file in one run, reporting each and still totalling the good requests', async () => {
    const run = await runCli(['inspect', '--format', 'json', fixture('bad')]);
    expect(run.code).toBe(2);
    const doc = JSON.parse(run.stdout);
    expect(doc.totals.requests_with_usage).toBe(10);
  });

  it('handles a 100 MB line: a valid one is read, a broken one is reported briefly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ui-bigline-'));
    const text = 'x'.repeat(100 * 1024 * 1024);
    const good = {
      id: 'msg_01Big',
      type: 'message',
      model: 'claude-sonnet-4-6',
      content: [{ type: 'text', text }],
      usage: { input_tokens: 1, output_tokens: 2 },
    };
    const file = join(dir, 'big-line.jsonl');
    writeFileSync(
      file,
      `${JSON.stringify(good)}\n{"broken": "${text}\n${JSON.stringify({ ...good, id: 'msg_01After', content: [] })}\n`,
    );
    const run = await runCli(['inspect', '--format', 'json', file]);
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout).requests.map((r: { id: string }) => r.id)).toEqual([
      'msg_01Big',
      'msg_01After',
    ]);
    expect(run.stderr).toMatch(/big-line\.jsonl:2: error: invalid JSON: /);
    expect(run.stderr.length).toBeLessThan(400);
  }, 60_000);

  it('reports a missing file, an empty folder and an unreadable file, and reads the rest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ui-paths-'));
    mkdirSync(join(dir, 'empty-folder'));
    const run = await runCli([
      'inspect',
      join(dir, 'missing.json'),
      join(dir, 'empty-folder'),
      fixture('11-cache-read.json'),
    ]);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('2,055');
    expect(run.stderr).toContain(`${join(dir, 'missing.json')}: error: no such file or folder`);
    expect(run.stderr).toContain(
      `${join(dir, 'empty-folder')}: error: folder holds no .jsonl, .ndjson, .json or .sse files`,
    );

    // Root reads any file whatever its mode, so the unreadable case is driven through an input that fails as
    // an unreadable file does.
    const unreadable = {
      name: '/secret/usage.jsonl',
      open: () => ({
        [Symbol.asyncIterator]: () => ({
          next: () =>
            Promise.reject(Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' })),
        }),
      }),
    };
    const report = await runPipeline([unreadable], { format: 'auto', strict: false });
    expect(report.problems).toEqual([
      {
        source: { file: '/secret/usage.jsonl', line: null, event: null },
        severity: 'error',
        message: 'permission denied',
      },
    ]);
  });
});
