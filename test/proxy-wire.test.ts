import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import {
  apiError,
  FakeAnthropic,
  fixtureJson,
  fixtureText,
  sseEvents,
} from './support/fake-anthropic-server.js';
import { recordingLines, useFakeApi } from './support/fake-api-suite.js';
import { ask, askStream, proxyRows, rawRequest, sdkApp, startProxyCli } from './support/proxy-cli.js';
import { CANARY_KEY, waitFor } from './support/run-cli.js';

const suite = useFakeApi('proxy-wire');
const proxy = (args: string[] = []) => startProxyCli(['--upstream', suite.fake.url, ...args]);
const record = () => join(suite.dir, 'calls.jsonl');
const body = (content: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    model: 'claude-sonnet-5-5',
    max_tokens: 64,
    messages: [{ role: 'user', content }],
    ...extra,
  });
const headers = {
  'x-api-key': CANARY_KEY,
  'content-type': 'application/json',
  'anthropic-version': '2023-06-01',
};

describe('proxy on the wire', () => {
  test('gzip, deflate and br bodies reach the application as sent and are decoded for the table', async () => {
    suite.fake.enqueue(
      '/v1/messages',
      { kind: 'json', body: fixtureJson('11-cache-read.json'), encoding: 'gzip' },
      { kind: 'sse', events: sseEvents(fixtureText('stream-several-deltas.sse')), encoding: 'br' },
      { kind: 'json', body: fixtureJson('message-cache-write-1h.json'), encoding: 'deflate' },
    );
    const p = await proxy();
    const asks = [body('a'), body('b', { stream: true }), body('c')];
    for (const [i, text] of asks.entries()) {
      const res = await rawRequest(`${p.url}/v1/messages`, {
        method: 'POST',
        headers: { ...headers, 'accept-encoding': 'gzip, deflate, br' },
        body: text,
      });
      const id = res.headers['request-id'] as string;
      expect(res.headers['content-encoding']).toBe(['gzip', 'br', 'deflate'][i]);
      expect(res.body).toEqual(suite.fake.bodies.get(id));
    }
    await waitFor(() => proxyRows(p.output().stdout).length === 3);
    const run = await p.stop();
    expect(proxyRows(run.stdout).map((r) => [r.Input, r.Write, r.Read, r.Cache])).toEqual([
      ['11', '0', '2,055', 'hit'],
      ['40', '0', '6,000', 'hit'],
      ['21', '5,120', '0', 'write'],
    ]);
    expect(run.stderr).not.toContain('warning');
  });

  test('an HTTPS upstream: TLS to the upstream, plain HTTP from the application on this machine', async () => {
    const tls = fileURLToPath(new URL('./support/tls/', import.meta.url));
    const secure = await FakeAnthropic.start({
      tls: {
        key: readFileSync(join(tls, 'localhost-key.pem')),
        cert: readFileSync(join(tls, 'localhost-cert.pem')),
      },
    });
    try {
      // The test certificate is trusted the way a company's own CA would be.
      const p = await startProxyCli(['--upstream', secure.url], {
        env: { NODE_EXTRA_CA_CERTS: join(tls, 'localhost-cert.pem') },
      });
      const app = sdkApp(p.url);
      await app.client.messages.create(ask('json'));
      for await (const _ of await app.client.messages.create(askStream('sse')));
      for (const [id, bytes] of app.received) expect(await bytes).toEqual(secure.bodies.get(id));
      expect(app.received.size).toBe(2);
      expect(secure.received('/v1/messages')[0]?.headers.host).toBe(new URL(secure.url).host);
      await waitFor(() => proxyRows(p.output().stdout).length === 2);
      const run = await p.stop();
      expect(proxyRows(run.stdout).map((r) => r.Cache)).toEqual(['hit', 'write']);
    } finally {
      await secure.close();
    }
  });

  test('the SDK, which decompresses, reads the same answers through the proxy', async () => {
    suite.fake.enqueue('/v1/messages', {
      kind: 'json',
      body: fixtureJson('11-cache-read.json'),
      encoding: 'gzip',
    });
    const p = await proxy();
    const message = await sdkApp(p.url).client.messages.create(JSON.parse(body('hi')));
    expect(message.usage.cache_read_input_tokens).toBe(2055);
    await p.stop();
  });

  test('streams are not held back: events reach the application while the upstream is still sending', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    suite.fake.enqueue('/v1/messages', {
      kind: 'sse',
      events: sseEvents(fixtureText('02-cache-write-1h-stream.sse')),
      holdAfter: { events: 2, gate },
    });
    const p = await proxy();
    let received = '';
    let status = 0;
    const ended = new Promise<void>((resolve, reject) => {
      const req = request(`${p.url}/v1/messages`, { method: 'POST', headers }, (res) => {
        status = res.statusCode ?? 0;
        res.on('data', (c: Buffer) => {
          received += c.toString();
        });
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end(body('go', { stream: true }));
    });
    await waitFor(() => received.includes('content_block_start'));
    expect(status).toBe(200);
    expect(received).not.toContain('content_block_delta');
    expect(p.output().stdout).toBe('');
    release();
    await ended;
    expect(received).toContain('message_stop');
    await waitFor(() => proxyRows(p.output().stdout).length === 1);
    await p.stop();
  });

  test('a chunked request body is forwarded whole and recorded', async () => {
    const p = await proxy(['--record', record()]);
    const text = body('in pieces');
    const pieces = [text.slice(0, 10), text.slice(10, 25), text.slice(25)].map((s) => Buffer.from(s));
    const res = await rawRequest(`${p.url}/v1/messages`, { method: 'POST', headers, body: pieces });
    expect(res.status).toBe(200);
    const [received] = suite.fake.received('/v1/messages');
    expect(received?.headers['transfer-encoding']).toBe('chunked');
    expect(received?.body).toEqual(JSON.parse(text));
    await waitFor(() => p.output().stdout.includes('│     1 │'));
    await p.stop();
    expect(recordingLines(record())[0]?.request).toEqual(JSON.parse(text));
  });

  test('a request body that is not JSON goes on as it is; the API error comes back and is shown', async () => {
    suite.fake.enqueue(
      '/v1/messages',
      apiError(400, 'invalid_request_error', 'There was an issue with the body'),
    );
    const p = await proxy(['--record', record()]);
    const res = await rawRequest(`${p.url}/v1/messages`, { method: 'POST', headers, body: '{"model": oops' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(suite.fake.bodies.get('req_err_400'));
    expect(suite.fake.received('/v1/messages')[0]?.body).toEqual({ unparsable: '{"model": oops' });
    await waitFor(() => p.output().stderr.includes('#1:'));
    const run = await p.stop();
    expect(proxyRows(run.stdout).map((r) => r.Cache)).toEqual(['error: invalid_request_error']);
    const [line] = recordingLines(record());
    expect(line?.request).toBeNull();
    expect(line?.error).toMatchObject({ type: 'invalid_request_error', status: 400 });
  });

  test('hop-by-hop headers stop at the proxy; the others pass both ways', async () => {
    suite.fake.enqueue('/v1/messages', {
      kind: 'json',
      body: fixtureJson('11-cache-read.json'),
      headers: { 'x-upstream-hop': '1', connection: 'keep-alive, x-upstream-hop', 'x-end-to-end': 'yes' },
    });
    const p = await proxy();
    const res = await rawRequest(`${p.url}/v1/messages`, {
      method: 'POST',
      headers: {
        ...headers,
        connection: 'keep-alive, x-app-hop',
        'x-app-hop': '1',
        'keep-alive': 'timeout=5',
        te: 'trailers',
        'proxy-authorization': 'Basic cHJveHk6cHJveHk=',
        'x-custom': 'kept',
        'anthropic-beta': 'compact-2026-01-12',
      },
      body: body('hi'),
    });
    const [received] = suite.fake.received('/v1/messages');
    const sent = received?.headers ?? {};
    for (const name of ['x-app-hop', 'keep-alive', 'te', 'proxy-authorization'])
      expect(sent).not.toHaveProperty(name);
    expect(sent).toMatchObject({
      'x-api-key': CANARY_KEY,
      'x-custom': 'kept',
      'anthropic-version': '2023-06-01',
      'anthropic-beta': 'compact-2026-01-12',
      host: new URL(suite.fake.url).host,
    });
    expect(res.headers).not.toHaveProperty('x-upstream-hop');
    expect(res.headers).toMatchObject({ 'x-end-to-end': 'yes', 'request-id': 'req_fake_1' });
    await waitFor(() => p.output().stdout.includes('│     1 │'));
    await p.stop();
  });

  test('other endpoints pass through untouched and get no row', async () => {
    const models = { data: [{ id: 'claude-sonnet-5-5', type: 'model' }], has_more: false };
    const batch = { id: 'msgbatch_1', type: 'message_batch', processing_status: 'in_progress' };
    suite.fake.enqueue('/v1/models', { kind: 'json', body: models });
    suite.fake.enqueue('/v1/messages/batches', { kind: 'json', body: batch });
    const p = await proxy(['--record', record()]);
    const app = sdkApp(p.url);
    const counted = await app.client.messages.countTokens({
      model: 'claude-sonnet-5-5',
      messages: [{ role: 'user', content: 'four words right here' }],
    });
    expect(counted.input_tokens).toBe(4);
    const listed = await rawRequest(`${p.url}/v1/models?limit=1`, { headers });
    expect(listed.body).toEqual(suite.fake.bodies.get(listed.headers['request-id'] as string));
    const created = await rawRequest(`${p.url}/v1/messages/batches`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ requests: [] }),
    });
    expect(JSON.parse(created.body.toString())).toEqual(batch);
    expect(suite.fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /v1/messages/count_tokens',
      'GET /v1/models',
      'POST /v1/messages/batches',
    ]);
    const run = await p.stop();
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('0 Messages calls; 3 other requests passed through');
    expect(() => recordingLines(record())).not.toThrow();
    expect(recordingLines(record())).toHaveLength(0);
  });
});
