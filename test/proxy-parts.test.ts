import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { BodyDecoder } from '../src/proxy/body-decoder.js';
import { type ProxiedCall, proxiedCallLine } from '../src/proxy/call-line.js';
import { credentialsIn, endToEndHeaders, upstreamRequestHeaders } from '../src/proxy/headers.js';
import { InOrder } from '../src/proxy/in-order.js';
import { LineSplitter, ResponseCapture } from '../src/proxy/response-capture.js';
import { isMessagesCall, parseUpstream, pointsAtItself, upstreamPath } from '../src/proxy/upstream.js';

describe('headers', () => {
  test.each([
    [
      ['Connection', 'keep-alive', 'X-Api-Key', 'k'],
      ['X-Api-Key', 'k'],
    ],
    [
      ['Keep-Alive', 'timeout=5', 'TE', 'trailers', 'Upgrade', 'h2c', 'A', '1'],
      ['A', '1'],
    ],
    [
      ['Transfer-Encoding', 'chunked', 'Proxy-Authorization', 'Basic x', 'B', '2'],
      ['B', '2'],
    ],
    [
      ['Connection', 'close, X-Hop', 'x-hop', '1', 'Set-Cookie', 'a', 'Set-Cookie', 'b'],
      ['Set-Cookie', 'a', 'Set-Cookie', 'b'],
    ],
    [
      ['content-encoding', 'gzip', 'Content-Length', '10'],
      ['content-encoding', 'gzip', 'Content-Length', '10'],
    ],
  ])('%j keeps %j', (raw, kept) => {
    expect(endToEndHeaders(raw)).toEqual(kept);
  });

  test('requests name the upstream host, and Expect was answered by the proxy', () => {
    const raw = ['Host', '127.0.0.1:7575', 'Expect', '100-continue', 'x-api-key', 'k'];
    expect(upstreamRequestHeaders(raw, 'api.anthropic.com')).toEqual([
      'x-api-key',
      'k',
      'Host',
      'api.anthropic.com',
    ]);
  });

  test.each([
    [{ 'x-api-key': 'sk-ant-abcdefgh' }, ['sk-ant-abcdefgh']],
    [{ authorization: 'Bearer sk-ant-token-1234' }, ['Bearer sk-ant-token-1234', 'sk-ant-token-1234']],
    [{ 'x-api-key': 'short' }, []],
    [{}, []],
  ])('credentials in %j', (headers, found) => {
    expect(credentialsIn(headers)).toEqual(found);
  });
});

describe('upstream', () => {
  test.each([
    ['https://api.anthropic.com', '/v1/messages?beta=true', '/v1/messages?beta=true'],
    ['https://gateway.example/anthropic/', '/v1/messages', '/anthropic/v1/messages'],
    ['http://127.0.0.1:9', 'http://anything/v1/models?limit=1', '/v1/models?limit=1'],
  ])('%s + %s → %s', (base, asked, path) => {
    expect(upstreamPath(new URL(base), asked)).toBe(path);
  });

  test.each([
    ['POST', '/v1/messages', true],
    ['POST', '/v1/messages?beta=true', true],
    ['POST', '/v1/messages/', true],
    ['GET', '/v1/messages', false],
    ['POST', '/v1/messages/count_tokens', false],
    ['POST', '/v1/messages/batches', false],
    ['POST', '/v1/complete', false],
  ])('%s %s is a Messages call: %s', (method, url, yes) => {
    expect(isMessagesCall(method, url)).toBe(yes);
  });

  test.each([
    ['http://127.0.0.1:7575', '127.0.0.1', 7575, true],
    ['http://localhost:7575/', '127.0.0.1', 7575, true],
    ['http://localhost:7575', '0.0.0.0', 7575, true],
    ['http://127.0.0.1:7576', '127.0.0.1', 7575, false],
    ['https://api.anthropic.com', '127.0.0.1', 443, false],
  ])('%s from %s:%d loops: %s', (upstream, host, port, loops) => {
    expect(pointsAtItself(new URL(upstream), host, port)).toBe(loops);
  });

  test.each([
    ['not a url', '--upstream "not a url" is not a URL'],
    ['https://user:pw@api.example', '--upstream must not hold a user name or password'],
    ['https://api.example/?x=1', 'must not have a query or fragment'],
  ])('%s is refused', (raw, message) => {
    expect(() => parseUpstream(raw)).toThrow(message);
  });
});

describe('reading bodies', () => {
  test('lines end at CRLF, LF or CR, also when a CRLF is cut between chunks', () => {
    const split = new LineSplitter();
    expect(split.push('a\r')).toEqual([]);
    expect(split.push('\nb\rc\nd')).toEqual(['a', 'b', 'c']);
    expect(split.push('')).toEqual([]);
    expect(split.end()).toEqual(['d']);
  });

  const text = 'x'.repeat(5000);
  const decode = async (encoding: string | null, bytes: Buffer, pieces = 7) => {
    const out: Buffer[] = [];
    const decoder = new BodyDecoder(encoding, (c) => out.push(c));
    for (let at = 0; at < bytes.length; at += pieces) decoder.push(bytes.subarray(at, at + pieces));
    const failure = await decoder.end();
    return { text: Buffer.concat(out).toString(), failure };
  };

  test.each([
    ['gzip', gzipSync],
    ['x-gzip', gzipSync],
    ['deflate', deflateSync],
    ['deflate', deflateRawSync],
    ['br', brotliCompressSync],
    ['identity', (b: Buffer) => b],
  ])('%s is decoded (%o), in pieces of any size', async (encoding, encode) => {
    expect(await decode(encoding, encode(Buffer.from(text)))).toEqual({ text, failure: null });
    expect(await decode(encoding, encode(Buffer.from(text)), 1)).toEqual({ text, failure: null });
  });

  test('a cut gzip body gives what it holds so far', async () => {
    const whole = gzipSync(Buffer.from(text));
    const { text: got, failure } = await decode('gzip', whole.subarray(0, whole.length - 10));
    expect(failure).toBeNull();
    expect(text.startsWith(got)).toBe(true);
    expect(got.length).toBeGreaterThan(0);
  });

  test.each([
    ['zstd', Buffer.from('abc'), 'the body is in content-encoding "zstd", which this build does not decode'],
    [
      'gzip, br',
      Buffer.from('abc'),
      'the body is in content-encoding "gzip, br", which this build does not decode',
    ],
    ['gzip', Buffer.from('not gzip at all'), 'the gzip body does not decode: incorrect header check'],
  ])('%s: %s', async (encoding, bytes, failure) => {
    expect((await decode(encoding, bytes)).failure).toBe(failure);
  });

  test('an SSE copy keeps every event but pings, in order, and notes data that is not JSON', async () => {
    const capture = new ResponseCapture('text/event-stream; charset=utf-8', null);
    const wire = [
      'event: message_start\r\ndata: {"type":"message_start","message":{"usage":{"input_tokens":3}}}\r\n\r\n',
      'event: ping\ndata: {"type": "ping"}\n\n',
      ': a comment\nevent: content_block_delta\ndata: not json\n\n',
      'event: message_stop\ndata: {"type":"message_stop"}',
    ].join('');
    for (let at = 0; at < wire.length; at += 5) capture.push(Buffer.from(wire.slice(at, at + 5)));
    const { body, problems } = await capture.end();
    expect(body).toEqual({
      kind: 'events',
      events: [{ type: 'message_start', message: { usage: { input_tokens: 3 } } }, { type: 'message_stop' }],
      stopped: true,
      error: null,
    });
    expect(problems).toEqual(['stream event 3: its data is not JSON; left out of the recording']);
  });

  test('multi-byte characters cut between chunks survive', async () => {
    const capture = new ResponseCapture('text/event-stream', null);
    const bytes = Buffer.from('data: {"type":"x","text":"é😀"}\n\n');
    for (const b of bytes) capture.push(Buffer.from([b]));
    const { body } = await capture.end();
    expect(body).toMatchObject({ events: [{ type: 'x', text: 'é😀' }] });
  });
});

describe('recording line of a proxied call', () => {
  const base: ProxiedCall = {
    sentAt: new Date('2026-11-21T10:00:00.000Z'),
    durationMs: 812.4,
    request: { model: 'claude-sonnet-5-5', max_tokens: 8, messages: [] },
    betaHeader: null,
    status: 200,
    statusText: 'OK',
    headers: [
      ['request-id', 'req_1'],
      ['x-secret-ish', 'not kept'],
    ],
    body: { kind: 'json', text: '{"type":"message","usage":{"input_tokens":1}}' },
    end: { kind: 'complete' },
    secrets: ['sk-ant-secret-key-1'],
  };
  const line = (over: Partial<ProxiedCall>) => proxiedCallLine({ ...base, ...over });

  test('a Message', () => {
    expect(line({ betaHeader: 'a-1, b-2' })).toEqual({
      recording: 1,
      sent_at: '2026-11-21T10:00:00.000Z',
      duration_ms: 812,
      request: base.request,
      betas: ['a-1', 'b-2'],
      response: { type: 'message', usage: { input_tokens: 1 } },
      headers: { 'request-id': 'req_1' },
      error: null,
    });
  });

  const events = {
    kind: 'events' as const,
    events: [{ type: 'message_start' }],
    stopped: false,
    error: null,
  };
  test.each<[string, Partial<ProxiedCall>, unknown]>([
    [
      'an API error body',
      {
        status: 529,
        body: {
          kind: 'json',
          text: '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}',
        },
      },
      { type: 'overloaded_error', message: 'Overloaded', status: 529, request_id: 'req_1' },
    ],
    [
      'an error page from something in front of the API',
      {
        status: 502,
        statusText: 'Bad Gateway',
        body: { kind: 'json', text: '<html>\n  bad gateway\n</html>' },
      },
      { type: 'http_502', message: '<html> bad gateway </html>', status: 502, request_id: 'req_1' },
    ],
    [
      'an empty error body',
      { status: 503, statusText: 'Service Unavailable', body: { kind: 'json', text: '' } },
      { type: 'http_503', message: 'Service Unavailable', status: 503, request_id: 'req_1' },
    ],
    [
      'a success that is not JSON',
      { body: { kind: 'json', text: 'hello' } },
      {
        type: 'invalid_response',
        message: 'HTTP 200 with a body that is not JSON: hello',
        status: 200,
        request_id: 'req_1',
      },
    ],
    [
      'a JSON body cut by the upstream',
      {
        body: { kind: 'json', text: '{"type":"mes' },
        end: { kind: 'cut', by: 'upstream', reason: 'ECONNRESET' },
      },
      {
        type: 'incomplete_response',
        message: 'the upstream connection broke off before the response was complete: ECONNRESET',
        status: 200,
        request_id: 'req_1',
      },
    ],
    [
      'a stream without message_stop',
      { body: events },
      {
        type: 'incomplete_stream',
        message: 'the stream ended before message_stop; usage shown is what was known so far',
        status: null,
        request_id: 'req_1',
      },
    ],
    [
      'a stream the application left',
      { body: events, end: { kind: 'cut', by: 'application', reason: null } },
      {
        type: 'incomplete_stream',
        message: 'the application closed its connection before message_stop',
        status: null,
        request_id: 'req_1',
      },
    ],
    [
      'a stream with an error event',
      { body: { ...events, error: { type: 'overloaded_error', message: 'Overloaded' } } },
      { type: 'overloaded_error', message: 'Overloaded', status: null, request_id: 'req_1' },
    ],
    [
      'no response before the proxy stopped',
      { status: null, headers: [], body: null, end: { kind: 'cut', by: 'proxy', reason: null } },
      {
        type: 'incomplete_response',
        message: 'the proxy stopped before the response arrived',
        status: null,
        request_id: null,
      },
    ],
    [
      'an unreachable upstream, the key blanked out of the message',
      {
        status: null,
        headers: [],
        body: null,
        end: { kind: 'unreachable', message: 'cannot connect: sk-ant-secret-key-1' },
      },
      { type: 'connection_error', message: 'cannot connect: [redacted]', status: null, request_id: null },
    ],
  ])('%s', (_, over, error) => {
    expect(line(over).error).toEqual(error);
  });

  test('a body that is not a JSON object is recorded as null', () => {
    expect(line({ request: null }).request).toBeNull();
  });
});

test('calls are handed on in the order they ended, whatever order they are read in', () => {
  const out: string[] = [];
  const order = new InOrder<string>((s) => out.push(s));
  const a = order.reserve();
  const b = order.reserve();
  const c = order.reserve();
  c('c');
  b(null);
  expect(out).toEqual([]);
  a('a');
  expect(out).toEqual(['a', 'c']);
});
