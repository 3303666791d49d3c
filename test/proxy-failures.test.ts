import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  apiError,
  FakeAnthropic,
  fixtureText,
  sseErrorEvent,
  sseEvents,
} from './support/fake-anthropic-server.js';
import { recordingLines, useFakeApi } from './support/fake-api-suite.js';
import {
  ask,
  askStream,
  freePort,
  heldStream,
  proxyRows,
  rawRequest,
  sdkApp,
  startProxyCli,
} from './support/proxy-cli.js';
import { CANARY_KEY, runCli, waitFor } from './support/run-cli.js';

const suite = useFakeApi('proxy-failures');
const proxy = (args: string[] = []) => startProxyCli(['--upstream', suite.fake.url, ...args]);
const record = () => join(suite.dir, 'calls.jsonl');
const streamStart = () => sseEvents(fixtureText('02-cache-write-1h-stream.sse')).slice(0, 3);

const eventTypes = (line: Record<string, unknown>) => (line.events as { type: string }[]).map((e) => e.type);

/** Reads a stream to its end through the SDK; resolves with the error it ended with, if any. */
async function streamError(client: ReturnType<typeof sdkApp>['client']): Promise<Error | null> {
  try {
    for await (const _ of await client.messages.create(askStream('go')));
    return null;
  } catch (err) {
    return err as Error;
  }
}

describe('proxy failures', () => {
  test('an API error is returned unchanged and shown as an error row', async () => {
    suite.fake.enqueue(
      '/v1/messages',
      apiError(529, 'overloaded_error', 'Overloaded', { 'retry-after': '3' }),
    );
    const p = await proxy(['--record', record()]);
    const app = sdkApp(p.url);
    const err = await app.client.messages.create(ask('hi')).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 529, type: 'overloaded_error', requestID: 'req_err_529' });
    expect(await app.received.get('req_err_529')).toEqual(suite.fake.bodies.get('req_err_529'));
    await waitFor(() => p.output().stderr.includes('#1:'));
    const run = await p.stop();
    expect(run.code).toBe(0);
    expect(proxyRows(run.stdout).map((r) => r.Cache)).toEqual(['error: overloaded_error']);
    expect(run.stderr).toContain(
      'usage-inspect: #1: API error 529: overloaded_error: Overloaded (request-id req_err_529)\n',
    );
    expect(run.stderr).toContain('1 Messages call, 1 failed;');
    const [line] = recordingLines(record());
    expect(line?.error).toEqual({
      type: 'overloaded_error',
      message: 'Overloaded',
      status: 529,
      request_id: 'req_err_529',
    });
    expect(line?.headers).toEqual({
      'request-id': 'req_err_529',
      'retry-after': '3',
      'anthropic-ratelimit-requests-remaining': '49',
    });
  });

  test('an error event mid-stream reaches the application as the same error', async () => {
    const events = [...streamStart(), sseErrorEvent('overloaded_error', 'Overloaded')];
    suite.fake.enqueue('/v1/messages', { kind: 'sse', events }, { kind: 'sse', events });
    const direct = await streamError(sdkApp(suite.fake.url).client);
    const p = await proxy(['--record', record()]);
    const proxied = await streamError(sdkApp(p.url).client);
    expect(direct).toMatchObject({ type: 'overloaded_error' });
    expect(proxied?.constructor).toBe(direct?.constructor);
    expect(proxied?.message).toBe(direct?.message);
    await waitFor(() => p.output().stderr.includes('#1:'));
    const run = await p.stop();
    // The usage known before the error is kept: message_start's cache write.
    expect(proxyRows(run.stdout).map((r) => [r.Write, r.Cache])).toEqual([
      ['3,913', 'error: overloaded_error'],
    ]);
    expect(run.stderr).toContain(
      '#1: error event in the stream: overloaded_error: Overloaded (request-id req_fake_2)',
    );
    const [line = {}] = recordingLines(record());
    expect((line.events as unknown[]).at(-1)).toEqual({
      type: 'error',
      error: { type: 'overloaded_error', message: 'Overloaded' },
    });
  });

  test('a connection dropped mid-stream is dropped for the application too; what arrived is recorded', async () => {
    const cut = { kind: 'sse' as const, events: streamStart(), cut: 'destroy' as const };
    suite.fake.enqueue('/v1/messages', cut, cut);
    const direct = await streamError(sdkApp(suite.fake.url).client);
    const p = await proxy(['--record', record()]);
    const proxied = await streamError(sdkApp(p.url).client);
    expect(direct).not.toBeNull();
    expect(proxied?.constructor).toBe(direct?.constructor);
    expect(proxied?.message).toBe(direct?.message);
    await waitFor(() => p.output().stderr.includes('#1:'));
    const run = await p.stop();
    expect(proxyRows(run.stdout).map((r) => [r.Write, r.Cache])).toEqual([
      ['3,913', 'error: incomplete_stream'],
    ]);
    const [line = {}] = recordingLines(record());
    // The three events sent, less the ping (recordings leave pings out).
    expect(eventTypes(line)).toEqual(['message_start', 'content_block_start']);
    expect(line.error).toMatchObject({ type: 'incomplete_stream', status: null, request_id: 'req_fake_2' });
    expect((line.error as { message: string }).message).toMatch(
      /^the upstream connection broke off before message_stop/,
    );
  });

  test('an application that goes away mid-stream aborts the upstream call; what arrived is recorded', async () => {
    suite.fake.enqueue('/v1/messages', heldStream(sseEvents(fixtureText('02-cache-write-1h-stream.sse')), 2));
    const p = await proxy(['--record', record()]);
    const abort = new AbortController();
    const stream = await sdkApp(p.url).client.messages.create(askStream('go'), {
      signal: abort.signal,
    });
    const seen: string[] = [];
    // The SDK ends the iteration quietly when its signal aborts.
    for await (const event of stream) {
      seen.push(event.type);
      abort.abort();
    }
    expect(seen[0]).toBe('message_start');
    await waitFor(() => suite.fake.closedEarly === 1);
    await waitFor(() => p.output().stderr.includes('#1:'));
    const run = await p.stop();
    expect(run.code).toBe(0);
    const [line = {}] = recordingLines(record());
    expect(line.error).toMatchObject({
      type: 'incomplete_stream',
      message: 'the application closed its connection before message_stop',
    });
    expect(eventTypes(line)).toEqual(['message_start', 'content_block_start']);
    expect(proxyRows(run.stdout).map((r) => r.Write)).toEqual(['3,913']);
  });

  test('calls in flight when the proxy stops are cut and recorded as such', async () => {
    suite.fake.enqueue('/v1/messages', heldStream(sseEvents(fixtureText('02-cache-write-1h-stream.sse')), 1));
    const p = await proxy(['--record', record()]);
    const app = streamError(sdkApp(p.url).client);
    await waitFor(() => suite.fake.received('/v1/messages').length === 1);
    const run = await p.stop('SIGTERM');
    expect(await app).not.toBeNull();
    expect(run.code).toBe(0);
    expect(recordingLines(record())[0]?.error).toMatchObject({
      type: 'incomplete_stream',
      message: 'the proxy stopped before message_stop',
    });
    expect(run.stderr).toContain('proxy stopped (SIGTERM): 1 Messages call, 1 failed;');
  });

  test('an unreachable upstream gets the application a 502 API error; the proxy keeps serving', async () => {
    const port = await freePort();
    const p = await startProxyCli(['--upstream', `http://127.0.0.1:${port}`, '--record', record()]);
    const app = sdkApp(p.url);
    const err = await app.client.messages.create(ask('hi')).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 502, type: 'api_error' });
    expect((err as { error: unknown }).error).toEqual({
      type: 'error',
      error: {
        type: 'api_error',
        message: `usage-inspect proxy: cannot reach the upstream http://127.0.0.1:${port}: ECONNREFUSED`,
      },
    });
    const models = await rawRequest(`${p.url}/v1/models`, { headers: { 'x-api-key': CANARY_KEY } });
    expect(models.status).toBe(502);
    expect(models.headers['content-type']).toBe('application/json');

    // The upstream comes up: the same proxy now forwards to it.
    const late = await FakeAnthropic.start({ port });
    try {
      const message = await app.client.messages.create(ask('again'));
      expect(message.usage.cache_read_input_tokens).toBe(2055);
      await waitFor(() => p.output().stderr.includes('#1:') && p.output().stdout.includes('│     2 │'));
      const run = await p.stop();
      expect(run.code).toBe(0);
      expect(proxyRows(run.stdout).map((r) => r.Cache)).toEqual(['error: connection_error', 'hit']);
      expect(run.stderr).toContain(
        `usage-inspect: #1: cannot connect to http://127.0.0.1:${port}: ECONNREFUSED\n`,
      );
      expect(run.stderr).toContain(`GET /v1/models: usage-inspect proxy: cannot reach the upstream`);
      expect(run.stderr).toContain('2 Messages calls, 1 failed; 1 other request passed through');
      expect(recordingLines(record())[0]?.error).toEqual({
        type: 'connection_error',
        message: `cannot connect to http://127.0.0.1:${port}: ECONNREFUSED`,
        status: null,
        request_id: null,
      });
    } finally {
      await late.close();
    }
  });

  test('the key never appears in output or recordings, even when the upstream echoes it', async () => {
    suite.fake.enqueue(
      '/v1/messages',
      apiError(401, 'authentication_error', `invalid x-api-key ${CANARY_KEY}`),
    );
    const p = await proxy(['--record', record()]);
    const response = await rawRequest(`${p.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': CANARY_KEY, 'content-type': 'application/json' },
      body: JSON.stringify(ask('hi')),
    });
    // The application gets the upstream's body as it was.
    expect(response.body.toString()).toContain(CANARY_KEY);
    await waitFor(() => p.output().stderr.includes('#1:'));
    const run = await p.stop();
    expect(run.stderr).toContain('authentication_error: invalid x-api-key [redacted]');
    for (const text of [run.stdout, run.stderr, readFileSync(record(), 'utf8')])
      expect(text).not.toContain(CANARY_KEY);
  });

  test('a recording that cannot be written stops the proxy with one line and exit 2', async () => {
    const p = await proxy(['--record', '/dev/full']);
    // The application still gets its answer; the proxy stops rather than go on without recording.
    const message = await sdkApp(p.url).client.messages.create(ask('hi'));
    expect(message.usage.cache_read_input_tokens).toBe(2055);
    const run = await p.done;
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/usage-inspect: --record \/dev\/full: cannot write: ENOSPC[^\n]*\n$/);
  });

  test('listening on every interface says so, and gives the loopback URL to use', async () => {
    const p = await startProxyCli(['--host', '0.0.0.0', '--upstream', suite.fake.url]);
    expect(p.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(p.output().stderr).toContain(`proxy listening on http://0.0.0.0:${new URL(p.url).port},`);
    expect(p.output().stderr).toContain(
      'usage-inspect: warning: 0.0.0.0 accepts connections from other machines; their calls are shown and recorded too\n',
    );
    expect((await sdkApp(p.url).client.messages.create(ask('hi'))).usage.cache_read_input_tokens).toBe(2055);
    expect((await p.stop()).code).toBe(0);
  });

  test('bad flags and a port in use end with one line and exit 2', async () => {
    const p = await proxy();
    const port = new URL(p.url).port;
    const taken = await runCli(['proxy', '--port', port, '--upstream', suite.fake.url]);
    expect(taken.code).toBe(2);
    expect(taken.stderr).toBe(
      `usage-inspect: cannot listen on 127.0.0.1:${port}: the port is in use (choose another with --port, or --port 0 for any free one)\n`,
    );
    const loop = await runCli(['proxy', '--port', '7001', '--upstream', 'http://localhost:7001']);
    expect(loop.stderr).toBe(
      "usage-inspect: --upstream http://localhost:7001 is the proxy's own address: every call would loop\n",
    );
    expect((await runCli(['proxy', '--upstream', 'ftp://x'])).stderr).toBe(
      'usage-inspect: --upstream ftp://x must start with http:// or https://\n',
    );
    expect((await runCli(['proxy', '--port', '70000'])).code).toBe(2);
    await p.stop();
  });
});
