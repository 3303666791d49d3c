import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  apiError,
  FakeAnthropic,
  fixtureJson,
  fixtureText,
  sseErrorEvent,
  sseEvents,
  sseStreams,
} from './support/fake-anthropic-server.js';
import { recordingLines, tableRows, useFakeApi } from './support/fake-api-suite.js';
import { parseJson } from './support/report-schema.js';
import { CANARY_KEY, type CliRun, runCli, spawnCli, waitFor } from './support/run-cli.js';

const suite = useFakeApi('send');
const env = () => suite.env();
const send = (args: string[], extra: Record<string, string | undefined> = {}) =>
  runCli(['send', ...args], { env: { ...env(), ...extra } });

/** The key must never reach stdout, stderr or any file the run wrote. */
function expectNoKey(run: CliRun, ...files: string[]) {
  expect(run.stdout).not.toContain(CANARY_KEY);
  expect(run.stderr).not.toContain(CANARY_KEY);
  for (const f of files) expect(readFileSync(f, 'utf8')).not.toContain(CANARY_KEY);
}

describe('send', () => {
  test('sends the request with the key, and reports the response like inspect does', async () => {
    const run = await send(['What', 'is', 'a', 'system?', '--max-tokens', '100']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const [received] = suite.fake.received('/v1/messages');
    expect(received?.headers.authorization).toBe(`Bearer ${CANARY_KEY}`);
    expect(received?.body).toEqual({
      model: 'claude-sonnet-5-5',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'What is a system?' }],
    });
    // 11-cache-read.json: 11 input, 2,055 read, 100 output; 11 × $3 + 2,055 × $0.30 + 100 × $15 per MTok.
    expect(tableRows(run.stdout)).toEqual([
      ['#', 'Model', 'Input', 'Write', 'Read', 'Output (thinking)', 'Hit rate', 'Cost', 'Cache'],
      ['1', 'claude-sonnet-4-20250514', '11', '0', '2,055', '100', '99.5%', '$0.00215', 'hit'],
    ]);
    expectNoKey(run);
  });

  test('--cache and --ttl place breakpoints in the body the server receives', async () => {
    const tools = join(suite.dir, 'tools.json');
    writeFileSync(
      tools,
      JSON.stringify([{ name: 'lookup', description: 'd', input_schema: { type: 'object' } }]),
    );
    const run = await send([
      '--system',
      'Be terse.',
      '--tools',
      tools,
      '--cache',
      'tools,system',
      '--cache',
      'messages',
      '--ttl',
      '1h',
      'hi',
    ]);
    expect(run.code).toBe(0);
    const body = suite.fake.received('/v1/messages')[0]?.body as Record<string, unknown>;
    const oneHour = { type: 'ephemeral', ttl: '1h' };
    expect(body.tools).toEqual([
      { name: 'lookup', description: 'd', input_schema: { type: 'object' }, cache_control: oneHour },
    ]);
    expect(body.system).toEqual([{ type: 'text', text: 'Be terse.', cache_control: oneHour }]);
    expect(body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'hi', cache_control: oneHour }] },
    ]);
  });

  test('--message and --system-file fill the user turn and the system prompt', async () => {
    const system = join(suite.dir, 'system.md');
    writeFileSync(system, 'You answer in one word.\n');
    const run = await send([
      '--message',
      'Capital of France?',
      '--system-file',
      system,
      '--thinking',
      'adaptive',
    ]);
    expect(run.code).toBe(0);
    expect(suite.fake.received('/v1/messages')[0]?.body).toEqual({
      model: 'claude-sonnet-5-5',
      max_tokens: 1024,
      system: 'You answer in one word.\n',
      thinking: { type: 'adaptive' },
      messages: [{ role: 'user', content: 'Capital of France?' }],
    });
  });

  test.each(['csv', 'markdown', 'ndjson'])('--format %s renders like inspect', async (format) => {
    const run = await send(['--format', format, 'hi']);
    expect(run.code).toBe(0);
    const inspected = await runCli(['inspect', '--format', format, '-'], {
      stdin: JSON.stringify(fixtureJson('11-cache-read.json')),
    });
    // Same renderer, same numbers; only the source and request id differ.
    const numbers = (text: string) => text.match(/\b2,?055\b/g)?.length ?? 0;
    expect(numbers(run.stdout)).toBeGreaterThan(0);
    expect(numbers(run.stdout)).toBe(numbers(inspected.stdout));
  });

  test('--cache auto sets the top-level cache_control', async () => {
    await send(['--cache', 'auto', 'hi']);
    expect(suite.fake.received('/v1/messages')[0]?.body.cache_control).toEqual({ type: 'ephemeral' });
  });

  test('--beta uses the beta API: the names arrive in the anthropic-beta header, not in the body', async () => {
    const run = await send(['--beta', 'context-management-2025-06-27', '--beta', 'compact-2026-01-12', 'hi']);
    expect(run.code).toBe(0);
    const [received] = suite.fake.received('/v1/messages');
    expect(received?.headers['anthropic-beta']).toBe('context-management-2025-06-27,compact-2026-01-12');
    expect(received?.body).not.toHaveProperty('betas');
  });

  test('--request takes a whole body; flags override its fields', async () => {
    const body = join(suite.dir, 'body.json');
    writeFileSync(
      body,
      JSON.stringify({
        model: 'claude-opus-5-5',
        max_tokens: 7,
        messages: [{ role: 'user', content: 'from file' }],
      }),
    );
    const run = await send(['--request', body, '--max-tokens', '9', '--thinking', '8']);
    expect(run.code).toBe(0);
    expect(suite.fake.received('/v1/messages')[0]?.body).toEqual({
      model: 'claude-opus-5-5',
      max_tokens: 9,
      messages: [{ role: 'user', content: 'from file' }],
      thinking: { type: 'enabled', budget_tokens: 8 },
    });
  });

  test('--request - reads the body from stdin', async () => {
    const stdin = JSON.stringify({ messages: [{ role: 'user', content: 'piped' }] });
    const run = await runCli(['send', '--request', '-'], { env: env(), stdin: stdin });
    expect(run.code).toBe(0);
    expect(suite.fake.received('/v1/messages')[0]?.body.messages).toEqual([
      { role: 'user', content: 'piped' },
    ]);
  });

  test('--repeat with streams shows the write, then the read, and records both calls', async () => {
    const [write, read] = sseStreams(fixtureText('05-cache-write-then-read-2streams.sse'));
    suite.fake.enqueue(
      '/v1/messages',
      { kind: 'sse', events: write ?? [] },
      { kind: 'sse', events: read ?? [] },
    );
    const record = join(suite.dir, 'run.jsonl');
    const run = await send(['--stream', '--repeat', '2', '--delay', '0', '--record', record, 'summarise']);
    expect(run.code).toBe(0);
    expect(tableRows(run.stdout).map((r) => [r[0], r[2], r[3], r[4], r.at(-1)])).toEqual([
      ['#', 'Input', 'Write', 'Read', 'Cache'],
      ['1', '4', '1,165', '0', 'write'],
      ['2', '4', '0', '1,165', 'hit'],
      ['Σ', '8', '1,165', '1,165', ''],
    ]);
    expect(suite.fake.received('/v1/messages').map((r) => r.body.stream)).toEqual([true, true]);
    const lines = recordingLines(record);
    expect(lines).toHaveLength(2);
    expect(statSync(record).mode & 0o777).toBe(0o600);
    expectNoKey(run, record);
  });

  test('--delay waits between calls', async () => {
    const started = Date.now();
    const run = await send(['--repeat', '2', '--delay', '300ms', 'hi']);
    expect(run.code).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    const [first, second] = suite.fake.received('/v1/messages');
    expect(first && second).toBeTruthy();
  });

  test('rows appear as calls finish, before later calls are answered', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    suite.fake.enqueue(
      '/v1/messages',
      { kind: 'json', body: fixtureJson('11-cache-read.json') },
      {
        kind: 'json',
        body: fixtureJson('11-cache-read.json'),
        gate,
      },
    );
    const cli = spawnCli(['send', '--repeat', '2', '--delay', '0', 'hi'], { env: env() });
    await waitFor(
      () => suite.fake.received('/v1/messages').length === 2 && cli.output().stdout.includes('│ 1 │'),
    );
    expect(cli.output().stdout).not.toContain('│ 2 │');
    release();
    const run = await cli.done;
    expect(run.code).toBe(0);
    expect(tableRows(run.stdout).map((r) => r[0])).toEqual(['#', '1', '2', 'Σ']);
  });

  test('--format json prints only the JSON report, valid against the report schema', async () => {
    const run = await send(['--format', 'json', 'hi']);
    expect(run.code).toBe(0);
    const report = parseJson(run.stdout);
    expect(report.schema_version).toBe(1);
    expect(report.requests).toHaveLength(1);
    expect(report.requests[0]).toMatchObject({
      kind: 'message',
      source: { file: 'send', line: 1, event: null },
      request_id: 'req_fake_1',
      status: 'ok',
      cache: { status: 'hit' },
    });
    expect(report.totals.billed_usage.cache_read_input_tokens).toBe(2055);
    // Priced like inspect: 11 × $3 + 2,055 × $0.30 + 100 × $15 per MTok (claude-sonnet-4-20250514).
    expect(report.requests[0].cost.total_usd).toBe(0.0021495);
    expect(report.totals.cost.total_usd).toBe(0.0021495);
  });

  test('--pricing and --explain apply to send as to inspect', async () => {
    const prices = join(suite.dir, 'prices.json');
    writeFileSync(
      prices,
      JSON.stringify({ models: { 'claude-sonnet-4': { input: 1, output: 2, cache_read: 0.1 } } }),
    );
    const run = await send(['--pricing', prices, '--explain', '--format', 'json', 'hi']);
    expect(run.code).toBe(0);
    // 11 × $1 + 2,055 × $0.10 + 100 × $2 per MTok
    expect(parseJson(run.stdout).requests[0].cost.total_usd).toBe(0.0004165);
    expect(run.stderr).toContain('cache read             2,055 × $0.1/MTok = $0.0002055');
  });

  test('ANTHROPIC_AUTH_TOKEN is used when there is no API key', async () => {
    const run = await send(['hi'], { ANTHROPIC_API_KEY: undefined, ANTHROPIC_AUTH_TOKEN: CANARY_KEY });
    expect(run.code).toBe(0);
    expect(suite.fake.received('/v1/messages')[0]?.headers.authorization).toBe(`Bearer ${CANARY_KEY}`);
    expectNoKey(run);
  });

  test('--base-url overrides ANTHROPIC_BASE_URL', async () => {
    const run = await send(['--base-url', suite.fake.url, 'hi'], {
      ANTHROPIC_BASE_URL: 'http://127.0.0.1:9',
    });
    expect(run.code).toBe(0);
    expect(suite.fake.received('/v1/messages')).toHaveLength(1);
  });

  test('--dry-run prints the body and breakpoints, needs no key and sends nothing', async () => {
    const run = await runCli(['send', '--dry-run', '--system', 'S', '--cache', 'system', 'hi'], {
      env: {
        ANTHROPIC_BASE_URL: suite.fake.url,
      },
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('"cache_control": {\n        "type": "ephemeral"\n      }');
    expect(run.stdout).toContain(
      'Cache breakpoints (1 of at most 4, in prefix order):\n  1. system[0]  ttl 5m',
    );
    expect(suite.fake.requests).toHaveLength(0);
    const json = JSON.parse(
      (await runCli(['send', '--dry-run', '-f', 'json', '--cache', 'auto', 'hi'])).stdout,
    );
    expect(json.breakpoints).toEqual([
      { index: 1, section: 'automatic', location: 'cache_control', ttl: '5m' },
    ]);
    expect(json.request.cache_control).toEqual({ type: 'ephemeral' });
  });

  test('more than 4 breakpoints is refused before sending', async () => {
    const body = join(suite.dir, 'body.json');
    const marked = (t: string) => ({ type: 'text', text: t, cache_control: { type: 'ephemeral' } });
    writeFileSync(
      body,
      JSON.stringify({
        system: [marked('a'), marked('b'), marked('c'), marked('d')],
        messages: [{ role: 'user', content: 'x' }],
      }),
    );
    const run = await send(['--request', body, '--cache', 'messages']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'usage-inspect: the request has 5 cache_control breakpoints; the API allows at most 4; nothing was sent\n',
    );
    expect(suite.fake.requests).toHaveLength(0);
  });

  test.each([
    [
      ['--request', '/nonexistent/body.json'],
      'usage-inspect: --request /nonexistent/body.json: no such file\n',
    ],
    [
      ['--repeat', '0', 'x'],
      "error: option '--repeat <n>' argument '0' is invalid. --repeat must be a whole number above 0\n",
    ],
    [
      ['--delay', 'soon', 'x'],
      "error: option '--delay <duration>' argument 'soon' is invalid. --delay must be a duration such as 2s, 500ms or 1m\n",
    ],
    [
      ['--cache', 'everything', 'x'],
      "error: option '--cache <where>' argument 'everything' is invalid. --cache takes tools, system, messages, auto, none (comma-separated)\n",
    ],
    [
      [],
      'usage-inspect: no prompt: give it as arguments, with --message, or as a whole body with --request\n',
    ],
  ])('bad input %j is a one-line error, exit 2', async (args, stderr) => {
    const run = await send(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(stderr);
    expect(suite.fake.requests).toHaveLength(0);
  });

  test('a missing key is reported before any network call', async () => {
    const run = await send(['hi'], { ANTHROPIC_API_KEY: undefined });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'usage-inspect: no API key: set ANTHROPIC_API_KEY (or ANTHROPIC_AUTH_TOKEN) in the environment; nothing was sent\n',
    );
    expect(suite.fake.requests).toHaveLength(0);
  });
});

describe('send: API errors', () => {
  test.each([
    [400, 'invalid_request_error', 'max_tokens: must be at least 1'],
    [401, 'authentication_error', 'invalid x-api-key'],
    [403, 'permission_error', 'Your API key does not have permission to use the specified resource.'],
    [404, 'not_found_error', 'model: claude-nonexistent'],
    [413, 'request_too_large', 'Request exceeds the maximum allowed number of bytes.'],
  ])('HTTP %i: the error type, message and request id, exit 3, no retry', async (status, type, message) => {
    suite.fake.enqueue('/v1/messages', apiError(status, type, message));
    const record = join(suite.dir, 'err.jsonl');
    const run = await send(['--record', record, 'hi']);
    expect(run.code).toBe(3);
    expect(run.stderr).toBe(
      `usage-inspect: API error ${status}: ${type}: ${message} (request-id req_err_${status})\n`,
    );
    expect(tableRows(run.stdout)[1]?.at(-1)).toBe(`error: ${type}`);
    expect(suite.fake.received('/v1/messages')).toHaveLength(1);
    const [line] = recordingLines(record);
    expect(line?.error).toEqual({ type, message, status, request_id: `req_err_${status}` });
    expect(line?.response).toEqual({
      type: 'error',
      error: { type, message },
      request_id: `req_err_${status}`,
    });
    expectNoKey(run, record);
  });

  test('429 and 529 are retried by the SDK, and each retry is announced on stderr', async () => {
    suite.fake.enqueue(
      '/v1/messages',
      apiError(429, 'rate_limit_error', 'slow down', { 'retry-after': '0.01' }),
      apiError(529, 'overloaded_error', 'Overloaded', { 'retry-after': '0.01' }),
    );
    const run = await send(['hi']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(
      'usage-inspect: retry 1 of 2 for /v1/messages after HTTP 429 (retry-after 0.01s)\n' +
        'usage-inspect: retry 2 of 2 for /v1/messages after HTTP 529 (retry-after 0.01s)\n',
    );
    expect(suite.fake.received('/v1/messages')).toHaveLength(3);
    expect(tableRows(run.stdout)[1]?.at(-1)).toBe('hit');
  });

  test('when retries run out, the last error is reported, exit 3', async () => {
    const busy = apiError(500, 'api_error', 'Internal server error', { 'retry-after': '0.01' });
    suite.fake.enqueue('/v1/messages', busy, busy);
    const run = await send(['--max-retries', '1', 'hi']);
    expect(run.code).toBe(3);
    expect(suite.fake.received('/v1/messages')).toHaveLength(2);
    expect(run.stderr).toBe(
      'usage-inspect: retry 1 of 1 for /v1/messages after HTTP 500 (retry-after 0.01s)\n' +
        'usage-inspect: API error 500: api_error: Internal server error (request-id req_err_500)\n',
    );
  });

  test('an error that would repeat stops the run; finished calls stay in the table and recording', async () => {
    suite.fake.enqueue(
      '/v1/messages',
      { kind: 'json', body: fixtureJson('11-cache-read.json') },
      apiError(400, 'invalid_request_error', 'bad'),
    );
    const record = join(suite.dir, 'r.jsonl');
    const run = await send(['--repeat', '3', '--delay', '0', '--record', record, 'hi']);
    expect(run.code).toBe(3);
    expect(suite.fake.received('/v1/messages')).toHaveLength(2);
    expect(tableRows(run.stdout).map((r) => r.at(-1))).toEqual([
      'Cache',
      'hit',
      'error: invalid_request_error',
      '',
    ]);
    expect(recordingLines(record)).toHaveLength(2);
  });
});

/**
 * The row of 02-cache-write-1h-stream.sse cut after message_start: 13 input, 3,913 written, 1 output,
 * priced as known so far: 13 × $3 + 3,913 × $6 (1h write) + 1 × $15 per MTok.
 */
const partialWriteRow = (status: string) => [
  '1',
  'claude-sonnet-4-6',
  '13',
  '3,913',
  '0',
  '1',
  '0.0%',
  '$0.023532',
  status,
];

describe('send: connection failures', () => {
  test('connection refused names the base URL in one line', async () => {
    const closed = await FakeAnthropic.start();
    const url = closed.url;
    await closed.close();
    const run = await send(['--max-retries', '1', 'hi'], { ANTHROPIC_BASE_URL: url });
    expect(run.code).toBe(3);
    expect(run.stderr).toBe(
      'usage-inspect: retry 1 of 1 for /v1/messages after ECONNREFUSED\n' +
        `usage-inspect: cannot connect to ${url}: ECONNREFUSED\n`,
    );
  });

  test('a DNS failure names the base URL in one line', async () => {
    const run = await send(['--max-retries', '0', 'hi'], {
      ANTHROPIC_BASE_URL: 'http://no-such-host.invalid',
    });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(
      /^usage-inspect: cannot connect to http:\/\/no-such-host\.invalid: (ENOTFOUND|EAI_AGAIN)\n$/,
    );
  });

  test('a slow server hits --timeout', async () => {
    suite.fake.enqueue('/v1/messages', {
      kind: 'json',
      body: fixtureJson('11-cache-read.json'),
      delayMs: 2000,
    });
    const run = await send(['--timeout', '200ms', '--max-retries', '0', 'hi']);
    expect(run.code).toBe(3);
    expect(run.stderr).toBe(`usage-inspect: timed out waiting for ${suite.fake.url}\n`);
    expectNoKey(run);
    expect(tableRows(run.stdout)[1]?.at(-1)).toBe('error: timeout');
  });

  test('an error event midway shows the request as an error with the usage known so far', async () => {
    const events = sseEvents(fixtureText('02-cache-write-1h-stream.sse'));
    suite.fake.enqueue('/v1/messages', {
      kind: 'sse',
      events: [...events.slice(0, 4), sseErrorEvent('overloaded_error', 'Overloaded')],
    });
    const record = join(suite.dir, 'stream.jsonl');
    const run = await send(['--stream', '--record', record, 'hi']);
    const json = parseJson((await runCli(['replay', '-f', 'json', record])).stdout);
    expect(json.requests[0]).toMatchObject({
      kind: 'recording',
      status: 'error',
      error: { type: 'overloaded_error' },
    });
    expect(run.code).toBe(3);
    expect(run.stderr).toBe(
      'usage-inspect: error event in the stream: overloaded_error: Overloaded (request-id req_fake_1)\n',
    );
    // message_start said 13 input, 3,913 written (1h), 1 output so far.
    expect(tableRows(run.stdout)[1]).toEqual(partialWriteRow('error: overloaded_error'));
    const [line] = recordingLines(record);
    expect(((line?.events ?? []) as unknown[]).at(-1)).toEqual({
      type: 'error',
      error: { type: 'overloaded_error', message: 'Overloaded' },
    });
  });

  test.each(['end', 'destroy'] as const)(
    'a stream cut midway (%s) keeps the usage known so far',
    async (cut) => {
      const events = sseEvents(fixtureText('02-cache-write-1h-stream.sse'));
      suite.fake.enqueue('/v1/messages', { kind: 'sse', events: events.slice(0, 3), cut });
      const run = await send(['--stream', '--max-retries', '0', 'hi']);
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(
        /^usage-inspect: the stream (ended before message_stop|broke off before message_stop)/,
      );
      expect(tableRows(run.stdout)[1]).toEqual(partialWriteRow('error: incomplete_stream'));
    },
  );
});

describe('send: Ctrl-C', () => {
  test('keeps every finished call in the table and the recording, exit 130', async () => {
    const never = new Promise<void>(() => {});
    suite.fake.enqueue(
      '/v1/messages',
      { kind: 'json', body: fixtureJson('11-cache-read.json') },
      {
        kind: 'json',
        body: fixtureJson('11-cache-read.json'),
        gate: never,
      },
    );
    const record = join(suite.dir, 'int.jsonl');
    const cli = spawnCli(['send', '--repeat', '3', '--delay', '0', '--record', record, 'hi'], { env: env() });
    await waitFor(
      () => suite.fake.received('/v1/messages').length === 2 && cli.output().stdout.includes('│ 1 │'),
    );
    cli.child.kill('SIGINT');
    const run = await cli.done;
    expect(run.code).toBe(130);
    expect(run.stderr).toBe('usage-inspect: interrupted: 1 of 3 calls finished\n');
    expect(tableRows(run.stdout).map((r) => r[0])).toEqual(['#', '1']);
    expect(run.stdout.trimEnd().endsWith('┘')).toBe(true);
    expect(recordingLines(record)).toHaveLength(1);
  });
});
