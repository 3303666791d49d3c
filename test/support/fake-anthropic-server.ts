import { readFileSync } from 'node:fs';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { fixture } from './run-cli.js';

// A local stand-in for the Messages API: a real HTTP server on 127.0.0.1 that speaks its wire format
// (JSON bodies, SSE streams, error bodies, request-id and rate-limit headers). Tests script its
// answers from recorded fixtures and inject failures; the CLI reaches it through ANTHROPIC_BASE_URL.

export function fixtureText(name: string): string {
  return readFileSync(fixture(name), 'utf8');
}

/** The SSE events of a fixture, each as its `event:`/`data:` text without the blank line. */
export function sseEvents(text: string): string[] {
  return text
    .replace(/\r\n/g, '\n')
    .split(/\n\n+/)
    .map((e) => e.trim())
    .filter((e) => e !== '');
}

/** A fixture holding several concatenated streams, split at each message_start. */
export function sseStreams(text: string): string[][] {
  const streams: string[][] = [];
  for (const event of sseEvents(text)) {
    if (event.startsWith('event: message_start') || streams.length === 0) streams.push([]);
    streams.at(-1)?.push(event);
  }
  return streams;
}

export function fixtureJson(name: string): Record<string, unknown> {
  return JSON.parse(fixtureText(name)) as Record<string, unknown>;
}

/** A content coding the server applies to a body (the proxy must forward it as it is). */
export type Encoding = 'gzip' | 'deflate' | 'br';

const ENCODERS: Record<Encoding, (b: Buffer) => Buffer> = {
  gzip: (b) => gzipSync(b),
  deflate: (b) => deflateSync(b),
  br: (b) => brotliCompressSync(b),
};

export type Answer =
  | {
      kind: 'json';
      status?: number;
      body: unknown;
      headers?: Record<string, string>;
      /** Wait this long before sending headers (a slow server, for timeouts). */
      delayMs?: number;
      /** Answer only once this promise settles. */
      gate?: Promise<unknown>;
      encoding?: Encoding;
      /** Send this text instead of the JSON of `body` (a gateway's HTML page, say). */
      raw?: string;
      /** Drop the connection after the headers (`headers`) or halfway through the body (`body`). */
      cut?: 'headers' | 'body';
      /** Send half the body, pause this long, then the rest (a body that stalls after the headers). */
      stallMs?: number;
    }
  | {
      kind: 'sse';
      events: string[];
      headers?: Record<string, string>;
      delayMs?: number;
      gate?: Promise<unknown>;
      /** After the events: end the body normally, or drop the connection. */
      cut?: 'end' | 'destroy';
      /** Send the first `events`, then wait for `gate` before the rest (a model still generating). */
      holdAfter?: { events: number; gate: Promise<unknown> };
      /** The whole stream compressed, then written in a few pieces. */
      encoding?: Encoding;
    }
  /** Drop the connection without answering. */
  | { kind: 'drop'; delayMs?: number; gate?: Promise<unknown> };

export function apiError(
  status: number,
  type: string,
  message: string,
  headers?: Record<string, string>,
): Answer {
  return {
    kind: 'json',
    status,
    body: { type: 'error', error: { type, message }, request_id: `req_err_${status}` },
    ...(headers ? { headers } : {}),
  };
}

export function sseErrorEvent(type: string, message: string): string {
  return `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type, message } })}`;
}

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

export type Route = '/v1/messages' | '/v1/messages/count_tokens' | '/v1/models' | '/v1/messages/batches';

/** Words in every string under system, messages and tools: a stand-in tokenizer, exact for tests. */
export function fakeTokenCount(body: Record<string, unknown>): number {
  let words = 0;
  const walk = (value: unknown, key: string | null) => {
    if (typeof value === 'string') {
      if (key === 'type' || key === 'role' || key === 'ttl') return;
      words += value.split(/\s+/).filter((w) => w !== '').length;
    } else if (Array.isArray(value)) {
      for (const v of value) walk(v, key);
    } else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) walk(v, k);
    }
  };
  walk(body.system, null);
  walk(body.messages, null);
  walk(body.tools, null);
  return words;
}

/** Picks the answer to a Messages request that has no scripted answer; null falls back to the default. */
export type Answerer = (
  route: Route,
  body: Record<string, unknown>,
  headers: IncomingHttpHeaders,
) => Answer | null;

export class FakeAnthropic {
  readonly requests: ReceivedRequest[] = [];
  /** The bytes of every response body by its request-id header (encoded, when they were). */
  readonly bodies = new Map<string, Buffer>();
  /** Responses whose connection closed before they were complete (the client went away). */
  closedEarly = 0;
  private readonly queues = new Map<Route, Answer[]>();
  private served = 0;
  private answerer: Answerer | null = null;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  /** Listens on `port`, or on any free one; over HTTPS with `tls`. */
  static async start(
    options: { port?: number; tls?: { key: Buffer; cert: Buffer } } = {},
  ): Promise<FakeAnthropic> {
    let fake: FakeAnthropic | null = null;
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        void fake?.handle(
          req.method ?? 'GET',
          req.url ?? '/',
          req.headers,
          Buffer.concat(chunks).toString(),
          res,
        );
      });
    };
    const server = options.tls ? createTlsServer(options.tls, handler) : createServer(handler);
    await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
    const address = server.address() as AddressInfo;
    fake = new FakeAnthropic(server, `${options.tls ? 'https' : 'http'}://127.0.0.1:${address.port}`);
    return fake;
  }

  /** Answers for the next calls to `route`, in order; an empty queue gets the default answer. */
  enqueue(route: Route, ...answers: Answer[]): void {
    this.queues.set(route, [...(this.queues.get(route) ?? []), ...answers]);
  }

  /** Answers every Messages request that has no scripted answer (fault injection, say). */
  answerWith(answerer: Answerer | null): void {
    this.answerer = answerer;
  }

  /** Forgets requests, scripted answers, the answerer and the request-id counter between tests. */
  reset(): void {
    this.answerer = null;
    this.requests.length = 0;
    this.bodies.clear();
    this.closedEarly = 0;
    this.queues.clear();
    this.served = 0;
  }

  /** Requests received on one route. */
  received(route: Route): ReceivedRequest[] {
    return this.requests.filter((r) => r.path === route);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private defaultAnswer(route: Route, body: Record<string, unknown>): Answer {
    if (route === '/v1/messages/count_tokens')
      return { kind: 'json', body: { input_tokens: fakeTokenCount(body) } };
    if (body.stream === true)
      return { kind: 'sse', events: sseEvents(fixtureText('02-cache-write-1h-stream.sse')) };
    return { kind: 'json', body: fixtureJson('11-cache-read.json') };
  }

  private async handle(
    method: string,
    url: string,
    headers: IncomingHttpHeaders,
    raw: string,
    res: ServerResponse,
  ): Promise<void> {
    const path = new URL(url, 'http://localhost').pathname;
    let body: Record<string, unknown> = {};
    try {
      body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    } catch {
      body = { unparsable: raw };
    }
    this.requests.push({ method, path, headers, body });
    const queued = this.queues.get(path as Route)?.shift();
    if (!queued && (method !== 'POST' || (path !== '/v1/messages' && path !== '/v1/messages/count_tokens'))) {
      this.write(res, apiError(404, 'not_found_error', `no route ${method} ${path}`));
      return;
    }
    const answer =
      queued ?? this.answerer?.(path as Route, body, headers) ?? this.defaultAnswer(path as Route, body);
    if (answer.gate) await answer.gate;
    if (answer.delayMs) await new Promise((r) => setTimeout(r, answer.delayMs));
    if (res.destroyed) return;
    res.on('close', () => {
      if (!res.writableFinished) this.closedEarly++;
    });
    void this.write(res, answer);
  }

  private async write(res: ServerResponse, answer: Answer): Promise<void> {
    this.served++;
    if (answer.kind === 'drop') {
      res.socket?.destroy();
      return;
    }
    // Error bodies repeat the request id of their header, as the API's do.
    const bodyId = answer.kind === 'json' ? (answer.body as { request_id?: unknown })?.request_id : undefined;
    const requestId = typeof bodyId === 'string' ? bodyId : `req_fake_${this.served}`;
    const common = {
      'request-id': requestId,
      'anthropic-ratelimit-requests-remaining': '49',
      'anthropic-organization-id': 'org-not-recorded',
      ...answer.headers,
    };
    const encoded = answer.encoding ? { 'content-encoding': answer.encoding } : {};
    if (answer.kind === 'json') {
      const body = Buffer.from(answer.raw ?? JSON.stringify(answer.body));
      const bytes = answer.encoding ? ENCODERS[answer.encoding](body) : body;
      this.bodies.set(requestId, bytes);
      const half = bytes.subarray(0, Math.floor(bytes.length / 2));
      if (answer.cut) {
        // A length that promises more than is sent, so that the client sees the body break off.
        res.writeHead(answer.status ?? 200, {
          'content-type': 'application/json',
          'content-length': String(bytes.length),
          ...encoded,
          ...common,
        });
        if (answer.cut === 'body') res.write(half);
        else res.flushHeaders();
        setTimeout(() => res.socket?.destroy(), 20);
        return;
      }
      res.writeHead(answer.status ?? 200, { 'content-type': 'application/json', ...encoded, ...common });
      if (answer.stallMs) {
        res.write(half);
        await new Promise((r) => setTimeout(r, answer.stallMs));
        if (!res.destroyed) res.end(bytes.subarray(half.length));
        return;
      }
      res.end(bytes);
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      ...encoded,
      ...common,
    });
    const sent: Buffer[] = [];
    const send = (bytes: Buffer) => {
      sent.push(bytes);
      res.write(bytes);
    };
    if (answer.encoding) {
      const whole = ENCODERS[answer.encoding](Buffer.from(answer.events.map((e) => `${e}\n\n`).join('')));
      // Pieces that cut the compressed data anywhere, as a network would.
      for (let at = 0; at < whole.length; at += 37) send(whole.subarray(at, at + 37));
    } else {
      for (const [i, event] of answer.events.entries()) {
        if (answer.holdAfter && i === answer.holdAfter.events) await answer.holdAfter.gate;
        if (res.destroyed) break;
        send(Buffer.from(`${event}\n\n`));
      }
    }
    this.bodies.set(requestId, Buffer.concat(sent));
    // Dropping the connection waits a moment so that the events written so far reach the client.
    if (answer.cut === 'destroy') setTimeout(() => res.socket?.destroy(), 50);
    else res.end();
  }
}
