import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { run as runInProcess } from '../src/run.js';
import { apiError, fixtureJson, fixtureText, sseEvents } from './support/fake-anthropic-server.js';
import { recordingLines, tableRows, useFakeApi } from './support/fake-api-suite.js';
import { memoryIO } from './support/memory-io.js';
import { runCli, waitFor } from './support/run-cli.js';

// Failures that happen after the response headers (which the SDK never retries), and what a run of
// many calls does after a failed one.

const suite = useFakeApi('send-failures');
const send = (args: string[]) => runCli(['send', ...args], { env: suite.env() });
const message = () => fixtureJson('11-cache-read.json');
const streamEvents = () => sseEvents(fixtureText('02-cache-write-1h-stream.sse'));
const lastCells = (stdout: string) => tableRows(stdout).map((r) => r.at(-1));

describe('a response that breaks after its headers', () => {
  test('a JSON body cut midway is a failed call, recorded, exit 3', async () => {
    suite.fake.enqueue('/v1/messages', { kind: 'json', body: message(), cut: 'body' });
    const record = join(suite.dir, 'r.jsonl');
    const run = await send(['--record', record, 'hi']);
    expect(run.code).toBe(3);
    expect(run.stderr).toBe(
      `usage-inspect: the response from ${suite.fake.url} broke off before it was complete (UND_ERR_SOCKET) (request-id req_fake_1)\n`,
    );
    expect(lastCells(run.stdout)).toEqual(['Cache', 'error: incomplete_response']);
    const [line] = recordingLines(record);
    expect(line?.error).toMatchObject({
      type: 'incomplete_response',
      status: null,
      request_id: 'req_fake_1',
    });
    expect(line?.response).toBeNull();
  });

  test('a 200 whose body is not JSON (a proxy page) is a failed call', async () => {
    suite.fake.enqueue('/v1/messages', { kind: 'json', body: null, raw: '<html>gateway</html>' });
    const record = join(suite.dir, 'r.jsonl');
    const run = await send(['--record', record, 'hi']);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(
      /^usage-inspect: the response from http:\/\/127\.0\.0\.1:\d+ is not valid JSON: .+ \(request-id req_fake_1\)\n$/,
    );
    expect(recordingLines(record)[0]?.error).toMatchObject({ type: 'invalid_response' });
  });

  test.each([
    ['null', 'JSON null'],
    ['[]', 'JSON array'],
    ['{}', 'another JSON object'],
    ['{"type":"message","id":"m"}', 'a Message without usage'],
  ])('a 200 whose body is %s is a failed call that says what came', async (raw, found) => {
    suite.fake.enqueue('/v1/messages', { kind: 'json', body: null, raw });
    const record = join(suite.dir, 'r.jsonl');
    const run = await send(['--record', record, 'hi']);
    expect(run.code).toBe(3);
    expect(run.stderr).toBe(
      `usage-inspect: the response from ${suite.fake.url} is not a Message with usage (found ${found}) (request-id req_fake_1)\n`,
    );
    const [line] = recordingLines(record);
    expect(line?.response).toEqual(JSON.parse(raw));
    expect(line?.error).toMatchObject({ type: 'invalid_response' });
    // Replayed, the call is the same error row.
    const replayed = await runCli(['replay', record]);
    expect(lastCells(replayed.stdout)).toEqual(['Cache', 'error: invalid_response']);
  });

  test('a JSON body that stalls after the headers hits --timeout instead of hanging', async () => {
    suite.fake.enqueue('/v1/messages', { kind: 'json', body: message(), stallMs: 10_000 });
    const started = Date.now();
    const run = await send(['--timeout', '300ms', 'hi']);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(run.code).toBe(3);
    expect(run.stderr).toBe(
      `usage-inspect: timed out waiting for ${suite.fake.url}: no data for 300 ms after the response headers (--timeout)\n`,
    );
    expect(lastCells(run.stdout)).toEqual(['Cache', 'error: timeout']);
  });

  test('a stream that stalls hits --timeout and keeps the usage known so far', async () => {
    const events = streamEvents();
    suite.fake.enqueue('/v1/messages', {
      kind: 'sse',
      events,
      holdAfter: { events: Math.floor(events.length / 2), gate: new Promise(() => {}) },
    });
    const record = join(suite.dir, 'r.jsonl');
    const started = Date.now();
    const run = await send(['--stream', '--timeout', '300ms', '--record', record, 'hi']);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(run.code).toBe(3);
    expect(run.stderr).toBe(
      'usage-inspect: the stream broke off before message_stop: no data for 300 ms after the response headers (--timeout) (request-id req_fake_1)\n',
    );
    // message_start of 02-cache-write-1h-stream.sse: 13 input, 3,913 written.
    expect(tableRows(run.stdout)[1]?.slice(2, 5)).toEqual(['13', '3,913', '0']);
    expect(recordingLines(record)[0]?.error).toMatchObject({ type: 'incomplete_stream' });
  });

  test('a stream event whose data is not JSON: one line, the usage known so far kept', async () => {
    const events = streamEvents();
    suite.fake.enqueue('/v1/messages', {
      kind: 'sse',
      events: [...events.slice(0, 2), 'event: content_block_delta\ndata: {"oops', ...events.slice(2)],
    });
    const run = await send(['--stream', 'hi']);
    expect(run.code).toBe(3);
    expect(run.stderr).toBe(
      "usage-inspect: the stream broke off before message_stop: an event's data is not JSON (Unterminated string in JSON at position 6) (request-id req_fake_1)\n",
    );
    expect(tableRows(run.stdout)[1]?.slice(2, 5)).toEqual(['13', '3,913', '0']);
  });

  test('a connection dropped after message_stop leaves a complete call', async () => {
    suite.fake.enqueue('/v1/messages', { kind: 'sse', events: streamEvents(), cut: 'destroy' });
    const record = join(suite.dir, 'r.jsonl');
    const run = await send(['--stream', '--record', record, 'hi']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(recordingLines(record)[0]?.error).toBeNull();
  });

  test('a connection dropped before the headers is retried, then reported', async () => {
    suite.fake.enqueue('/v1/messages', { kind: 'drop' }, { kind: 'drop' });
    const run = await send(['--max-retries', '1', 'hi']);
    expect(run.code).toBe(3);
    expect(run.stderr).toBe(
      'usage-inspect: retry 1 of 1 for /v1/messages after UND_ERR_SOCKET\n' +
        `usage-inspect: cannot connect to ${suite.fake.url}: UND_ERR_SOCKET\n`,
    );
    expect(lastCells(run.stdout)).toEqual(['Cache', 'error: connection_error']);
  });
});

describe('count, when the token counting endpoint misbehaves', () => {
  test.each([
    [{ kind: 'json', body: { input_tokens: 12 }, cut: 'body' } as const, /broke off before it was complete/],
    [
      { kind: 'json', body: {} } as const,
      /answered without a whole input_tokens count \(request-id req_fake_1\)/,
    ],
    [{ kind: 'json', body: { input_tokens: '12' } } as const, /answered without a whole input_tokens count/],
    [{ kind: 'json', body: null, raw: 'null' } as const, /answered without a whole input_tokens count/],
  ])('%j: one line, exit 3', async (answer, message) => {
    suite.fake.enqueue('/v1/messages/count_tokens', answer);
    const run = await runCli(['count', 'hi'], { env: suite.env() });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.split('\n')).toHaveLength(2);
  });
});

describe('after a failed call', () => {
  const overloaded = () => apiError(529, 'overloaded_error', 'Overloaded');
  const badRequest = () => apiError(400, 'invalid_request_error', 'bad');

  test('by default the run goes on after a transient failure and counts it', async () => {
    suite.fake.enqueue('/v1/messages', { kind: 'json', body: message() }, overloaded());
    const record = join(suite.dir, 'r.jsonl');
    const run = await send(['--repeat', '3', '--delay', '0', '--max-retries', '0', '--record', record, 'hi']);
    expect(run.code).toBe(3);
    expect(suite.fake.received('/v1/messages')).toHaveLength(3);
    expect(lastCells(run.stdout)).toEqual(['Cache', 'hit', 'error: overloaded_error', 'hit', '']);
    expect(run.stderr).toBe(
      'usage-inspect: call 2 of 3 failed: API error 529: overloaded_error: Overloaded (request-id req_err_529)\n' +
        'usage-inspect: 1 of 3 calls failed (overloaded_error 1)\n',
    );
    expect(recordingLines(record).map((l) => l.error === null)).toEqual([true, false, true]);
  });

  test('by default it stops at an error that would repeat, and says how to go on', async () => {
    suite.fake.enqueue('/v1/messages', badRequest());
    const run = await send(['--repeat', '3', '--delay', '0', 'hi']);
    expect(run.code).toBe(3);
    expect(suite.fake.received('/v1/messages')).toHaveLength(1);
    expect(run.stderr).toBe(
      'usage-inspect: call 1 of 3 failed: API error 400: invalid_request_error: bad (request-id req_err_400)\n' +
        'usage-inspect: 1 of 3 calls failed (invalid_request_error 1); stopped after call 1: its error would repeat (--keep-going sends the rest)\n',
    );
  });

  test('--keep-going sends every call whatever fails', async () => {
    suite.fake.enqueue('/v1/messages', badRequest(), { kind: 'json', body: message() }, badRequest());
    const run = await send(['--repeat', '3', '--delay', '0', '--keep-going', 'hi']);
    expect(run.code).toBe(3);
    expect(suite.fake.received('/v1/messages')).toHaveLength(3);
    expect(run.stderr.split('\n').at(-2)).toBe(
      'usage-inspect: 2 of 3 calls failed (invalid_request_error 2)',
    );
  });

  test('--stop-on-error stops at the first failed call, transient or not', async () => {
    suite.fake.enqueue('/v1/messages', overloaded());
    const run = await send(['--repeat', '3', '--delay', '0', '--max-retries', '0', '--stop-on-error', 'hi']);
    expect(run.code).toBe(3);
    expect(suite.fake.received('/v1/messages')).toHaveLength(1);
    expect(run.stderr.split('\n').at(-2)).toBe(
      'usage-inspect: 1 of 3 calls failed (overloaded_error 1); stopped at the first failed call (--stop-on-error)',
    );
  });

  test('--keep-going and --stop-on-error cannot be combined', async () => {
    const run = await send(['--keep-going', '--stop-on-error', 'hi']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/cannot be used with option '--keep-going'/);
    expect(suite.fake.requests).toHaveLength(0);
  });
});

describe('a recording that cannot be written', () => {
  test('a full disk stops the run after the call it could not keep; that call is still shown', async () => {
    const run = await send(['--repeat', '3', '--delay', '0', '--record', '/dev/full', 'hi']);
    expect(run.code).toBe(2);
    expect(suite.fake.received('/v1/messages')).toHaveLength(1);
    expect(lastCells(run.stdout)).toEqual(['Cache', 'hit']);
    expect(run.stderr).toBe(
      'usage-inspect: --record /dev/full: cannot write: ENOSPC: no space left on device, write; stopped after call 1 of 3, which is not in the recording\n',
    );
  });
});

describe('SIGTERM', () => {
  test('in-process: stops the run like Ctrl-C, with exit 143', async () => {
    const { io, out, interrupt } = memoryIO(suite.env());
    const done = runInProcess(['send', '--repeat', '3', '--delay', '10s', 'hi'], io);
    await waitFor(() => out.stdout.includes('│ 1 │'));
    interrupt('SIGTERM');
    expect(await done).toBe(143);
    expect(out.stderr).toBe('usage-inspect: terminated: 1 of 3 calls finished\n');
  });
});
