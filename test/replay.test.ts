import { appendFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { fixtureJson, fixtureText, sseStreams } from './support/fake-anthropic-server.js';
import { recordingLines, tableRows, useFakeApi } from './support/fake-api-suite.js';
import { CANARY_KEY, runCli } from './support/run-cli.js';

const suite = useFakeApi('replay');
const env = () => suite.env();

/** Records a cache write then a read (two streamed calls) and a plain JSON call into one file. */
async function makeRecording(): Promise<string> {
  const [write, read] = sseStreams(fixtureText('05-cache-write-then-read-2streams.sse'));
  suite.fake.enqueue(
    '/v1/messages',
    { kind: 'sse', events: write ?? [] },
    { kind: 'sse', events: read ?? [] },
  );
  const record = join(suite.dir, 'session.jsonl');
  const streamed = await runCli(
    [
      'send',
      '--stream',
      '--repeat',
      '2',
      '--delay',
      '0',
      '--record',
      record,
      '--cache',
      'messages',
      'summarise',
    ],
    { env: env() },
  );
  expect(streamed.code).toBe(0);
  const plain = await runCli(['send', '--record', record, '--beta', 'compact-2026-01-12', 'hello'], {
    env: env(),
  });
  expect(plain.code).toBe(0);
  return record;
}

describe('send --record', () => {
  test('writes one complete line per call in the documented format, without credentials', async () => {
    const record = await makeRecording();
    const text = readFileSync(record, 'utf8');
    expect(text).not.toContain(CANARY_KEY);
    expect(text).not.toMatch(/authorization|x-api-key/i);
    expect(text.endsWith('\n')).toBe(true);
    expect(statSync(record).mode & 0o777).toBe(0o600);
    const [first, second, third] = recordingLines(record);
    const received = suite.fake.received('/v1/messages');
    expect(Object.keys(first ?? {})).toEqual([
      'recording',
      'sent_at',
      'duration_ms',
      'request',
      'response',
      'headers',
      'error',
      'events',
    ]);
    expect(first).toMatchObject({ recording: 1, response: null, error: null, request: received[0]?.body });
    expect(new Date(String(first?.sent_at)).toISOString()).toBe(first?.sent_at);
    expect(first?.duration_ms).toEqual(expect.any(Number));
    // Every event of the stream except pings, in order.
    const wireEvents = sseStreams(fixtureText('05-cache-write-then-read-2streams.sse'))[0] ?? [];
    expect(((first?.events ?? []) as { type: string }[]).map((e) => e.type)).toEqual(
      wireEvents.map((e) => e.split('\n')[0]?.replace('event: ', '')).filter((t) => t !== 'ping'),
    );
    // Only the useful headers: request id and rate limits, not the organisation id.
    expect(first?.headers).toEqual({
      'request-id': 'req_fake_1',
      'anthropic-ratelimit-requests-remaining': '49',
    });
    expect(second?.headers).toMatchObject({ 'request-id': 'req_fake_2' });
    expect(third).toMatchObject({
      betas: ['compact-2026-01-12'],
      response: fixtureJson('11-cache-read.json'),
      error: null,
    });
    expect(third).not.toHaveProperty('events');
  });

  test('appends to an existing file and never truncates it', async () => {
    const record = join(suite.dir, 'existing.jsonl');
    writeFileSync(record, '{"keep":"me"}\n', { mode: 0o644 });
    const run = await runCli(['send', '--record', record, 'hi'], { env: env() });
    expect(run.code).toBe(0);
    const text = readFileSync(record, 'utf8').split('\n');
    expect(text[0]).toBe('{"keep":"me"}');
    expect(JSON.parse(text[1] ?? '')).toMatchObject({ recording: 1 });
    // An existing file keeps its own mode.
    expect(statSync(record).mode & 0o777).toBe(0o644);
  });

  test('a recording file that cannot be opened stops the run before any call', async () => {
    const run = await runCli(['send', '--record', join(suite.dir, 'missing', 'r.jsonl'), 'hi'], {
      env: env(),
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `usage-inspect: --record ${join(suite.dir, 'missing', 'r.jsonl')}: cannot open: its folder does not exist\n`,
    );
    expect(suite.fake.requests).toHaveLength(0);
  });
});

describe('replay', () => {
  test('offline: shows the recorded calls with no key and no network', async () => {
    const record = await makeRecording();
    suite.fake.reset();
    // Wide enough for the full layout, whose Source column holds the total's label.
    const run = await runCli(['replay', record], {
      env: { ANTHROPIC_BASE_URL: suite.fake.url, COLUMNS: '220' },
    });
    expect(run.code).toBe(0);
    expect(suite.fake.requests).toHaveLength(0);
    const rows = run.stdout.split('\n').filter((l) => /^│ \d/.test(l));
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatch(/│ write\s+│$/);
    expect(rows[1]).toMatch(/│ hit\s+│$/);
    expect(run.stdout).toContain('Total: 3 requests');
  });

  test('offline replay and inspect print the same report as the run that recorded it', async () => {
    const record = await makeRecording();
    const replayed = JSON.parse((await runCli(['replay', record, '-f', 'json'])).stdout);
    const inspected = JSON.parse((await runCli(['inspect', record, '-f', 'json'])).stdout);
    expect(inspected).toEqual(replayed);
    expect(replayed.requests.map((r: { cache: { status: string } }) => r.cache.status)).toEqual([
      'write',
      'hit',
      'hit',
    ]);
    expect(replayed.requests.map((r: { request_id: string }) => r.request_id)).toEqual([
      'req_fake_1',
      'req_fake_2',
      'req_fake_3',
    ]);
    expect(replayed.totals.billed_usage).toMatchObject({
      cache_creation_input_tokens: 1165,
      cache_read_input_tokens: 1165 + 2055,
    });
  });

  test('offline: a bad line is reported with its file and line; the rest is still shown; exit 2', async () => {
    const record = await makeRecording();
    appendFileSync(record, '{"recording":99,"request":{}}\nnot json\n');
    const run = await runCli(['replay', record], { env: { COLUMNS: '220' } });
    expect(run.code).toBe(2);
    const [versionLine, jsonLine, ttlLine, rest] = run.stderr.split('\n');
    expect(versionLine).toBe(
      `${record}:4: error: recording format version 99 is not supported (this build reads 1)`,
    );
    expect(jsonLine).toMatch(
      new RegExp(`^${record.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:5: error: invalid JSON: `),
    );
    // The first recorded stream (legacy shape) gives no 5m/1h split: its writes are priced at the 5m rate.
    expect(ttlLine).toMatch(/warning: 1,165 cache-write tokens in 1 request have no 5m\/1h split/);
    expect(rest).toBe('');
    expect(run.stdout).toContain('Total: 3 requests');
  });

  test('a failed call is replayed as the same error row', async () => {
    suite.fake.enqueue('/v1/messages', {
      kind: 'json',
      status: 529,
      body: {
        type: 'error',
        error: { type: 'overloaded_error', message: 'Overloaded' },
        request_id: 'req_529',
      },
    });
    const record = join(suite.dir, 'fail.jsonl');
    const sent = await runCli(['send', '--max-retries', '0', '--record', record, '-f', 'json', 'hi'], {
      env: env(),
    });
    expect(sent.code).toBe(3);
    const replayed = await runCli(['replay', '-f', 'json', record]);
    const [fromSend, fromReplay] = [JSON.parse(sent.stdout), JSON.parse(replayed.stdout)];
    expect(fromReplay.requests[0]).toMatchObject({
      status: 'error',
      error: { type: 'overloaded_error', message: 'Overloaded' },
      request_id: 'req_529',
      model: 'claude-sonnet-5-5',
    });
    const { kind: _k1, source: _s1, ...sentRow } = fromSend.requests[0];
    const { kind: _k2, source: _s2, ...replayRow } = fromReplay.requests[0];
    expect(replayRow).toEqual(sentRow);
  });

  test('--send re-sends the recorded requests in order, with their betas, and can record again', async () => {
    const record = await makeRecording();
    const originals = suite.fake.received('/v1/messages').map((r) => r.body);
    suite.fake.reset();
    const again = join(suite.dir, 'again.jsonl');
    const run = await runCli(['replay', record, '--send', '--delay', '0', '--record', again], { env: env() });
    expect(run.code).toBe(0);
    const received = suite.fake.received('/v1/messages');
    expect(received.map((r) => r.body)).toEqual(originals);
    expect(received.map((r) => r.headers['anthropic-beta'])).toEqual([
      undefined,
      undefined,
      'compact-2026-01-12',
    ]);
    expect(recordingLines(again)).toHaveLength(3);
    // Rows point at the recording lines they came from.
    expect(run.stdout).not.toContain(CANARY_KEY);
    const json = JSON.parse(
      (await runCli(['replay', record, '--send', '--delay', '0', '-f', 'json'], { env: env() })).stdout,
    );
    expect(json.requests.map((r: { source: { line: number } }) => r.source)).toEqual([
      // Streamed calls point at their message_start event, as when the recording is read offline.
      { file: record, line: 1, event: 1 },
      { file: record, line: 2, event: 1 },
      { file: record, line: 3, event: null },
    ]);
  });

  test('--send sends the good lines, reports the bad ones with file and line, exit 2', async () => {
    const record = join(suite.dir, 'mixed.jsonl');
    const good = {
      recording: 1,
      request: { model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] },
    };
    writeFileSync(record, `${JSON.stringify(good)}\n{"recording":1}\n${JSON.stringify(good)}\n`);
    const run = await runCli(['replay', record, '--send', '--delay', '0'], { env: env() });
    expect(run.code).toBe(2);
    expect(suite.fake.received('/v1/messages').map((r) => r.body)).toEqual([good.request, good.request]);
    expect(run.stderr).toBe(`${record}:2: error: the recording line has no \`request\` body to send\n`);
    expect(tableRows(run.stdout).map((r) => r[0])).toEqual(['#', '1', '2', 'Σ']);
  });

  test('--send needs a key, checked before any call', async () => {
    const record = await makeRecording();
    suite.fake.reset();
    const run = await runCli(['replay', record, '--send'], { env: { ANTHROPIC_BASE_URL: suite.fake.url } });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^usage-inspect: no API key/);
    expect(suite.fake.requests).toHaveLength(0);
  });

  test('--record without --send is refused', async () => {
    const run = await runCli(['replay', 'x.jsonl', '--record', join(suite.dir, 'y.jsonl')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('usage-inspect: --record needs --send (a replay without it sends nothing)\n');
  });
});
