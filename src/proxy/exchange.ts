import type { ClientRequest, Agent as HttpAgent, IncomingMessage, ServerResponse } from 'node:http';
import { request as httpRequest } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import { request as httpsRequest } from 'node:https';
import { networkReason } from '../api/failures.js';
import type { RecordingLine } from '../recording/line.js';
import { redact } from '../secrets.js';
import { type CallEnd, type CutBy, proxiedCallLine } from './call-line.js';
import {
  credentialsIn,
  endToEndHeaders,
  headerPairs,
  headerValue,
  upstreamRequestHeaders,
} from './headers.js';
import { RequestCapture, ResponseCapture } from './response-capture.js';
import { isMessagesCall, type Upstream, upstreamPath } from './upstream.js';

/** A Messages call the proxy saw through, and what could not be read of it. */
export interface ProxiedCallResult {
  line: RecordingLine;
  /** The application's credentials: never printed or recorded. */
  secrets: readonly string[];
  problems: string[];
}

export interface ExchangeContext {
  upstream: Upstream;
  agent: HttpAgent | HttpsAgent;
  /** Takes the call's place among the calls that ended; the function returned hands the call on. */
  reserve(): (call: ProxiedCallResult | null) => void;
  onNotice(message: string): void;
}

/** How long a cut response's last bytes get to reach the application before its connection is dropped. */
const FLUSH_BEFORE_DROP_MS = 2000;

/**
 * Answers the application itself, in the API's error shape
 * (https://platform.claude.com/docs/en/api/errors), so that SDKs read it like any other API error.
 */
function answerError(res: ServerResponse, status: number, type: string, message: string): void {
  if (res.headersSent || res.destroyed) return;
  const body = JSON.stringify({ type: 'error', error: { type, message } });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** A request the proxy cannot send on: 400, as the API answers a malformed request. */
export function refuse(res: ServerResponse, reason: string): void {
  answerError(
    res,
    400,
    'invalid_request_error',
    `usage-inspect proxy: cannot forward this request: ${reason}`,
  );
}

/**
 * One request from the application, forwarded to the upstream, and its response streamed back byte
 * for byte as it arrives. For Messages calls a copy of both bodies is kept and, once the call is over
 * however it ended, turned into a recording line.
 */
export class Exchange {
  readonly done: Promise<void>;
  readonly tracked: boolean;
  private finished: () => void = () => {};
  private settled = false;
  private readonly upstreamReq: ClientRequest;
  private upstreamRes: IncomingMessage | null = null;
  private readonly requestCapture: RequestCapture | null;
  private responseCapture: ResponseCapture | null = null;
  private readonly sentAt = new Date();
  private readonly started = performance.now();
  private readonly secrets: string[];
  private breakReason: string | null = null;

  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly ctx: ExchangeContext,
  ) {
    this.done = new Promise((resolve) => {
      this.finished = resolve;
    });
    const url = req.url ?? '/';
    this.tracked = isMessagesCall(req.method, url);
    this.secrets = credentialsIn(req.headers);
    this.requestCapture = this.tracked
      ? new RequestCapture(headerValue(req.headers, 'content-encoding'))
      : null;

    const { url: base } = ctx.upstream;
    const send = base.protocol === 'https:' ? httpsRequest : httpRequest;
    this.upstreamReq = send({
      protocol: base.protocol,
      hostname: base.hostname.replace(/^\[|\]$/g, ''),
      port: base.port || undefined,
      method: req.method,
      path: upstreamPath(base, url),
      headers: upstreamRequestHeaders(req.rawHeaders, base.host),
      agent: ctx.agent,
    });
    // Small writes go out at once (no Nagle delay), as the application's own would.
    this.upstreamReq.setNoDelay(true);
    this.upstreamReq.on('response', (upstreamRes) => this.respond(upstreamRes));
    this.upstreamReq.on('error', (err) => this.upstreamFailed(err));
    res.on('close', () => {
      if (!res.writableFinished) this.cut('application');
    });
    // A socket error on the application's side closes its connection, which 'close' above handles.
    res.on('error', () => {});
    req.on('error', () => {});
    req.on('data', (chunk: Buffer) => this.requestCapture?.push(chunk));
    req.pipe(this.upstreamReq);
  }

  /** Ends the call early: the application went away, or the proxy is stopping. */
  cut(by: Exclude<CutBy, 'upstream'>): void {
    if (this.settled) return;
    this.settle({ kind: 'cut', by, reason: null });
    this.upstreamReq.destroy();
    if (by === 'proxy') this.res.destroy();
  }

  private respond(upstreamRes: IncomingMessage): void {
    if (this.settled) {
      upstreamRes.destroy();
      return;
    }
    this.upstreamRes = upstreamRes;
    const status = upstreamRes.statusCode ?? 502;
    const headers = endToEndHeaders(upstreamRes.rawHeaders);
    try {
      this.res.writeHead(status, upstreamRes.statusMessage, headers);
    } catch {
      // A reason phrase Node will not send again: the status and headers are what matter.
      this.res.writeHead(status, headers);
    }
    // Headers go out now, not with the first body byte, so the application waits no longer than it would.
    this.res.flushHeaders();
    if (this.tracked) {
      this.responseCapture = new ResponseCapture(
        headerValue(upstreamRes.headers, 'content-type'),
        headerValue(upstreamRes.headers, 'content-encoding'),
      );
    }
    upstreamRes.on('data', (chunk: Buffer) => this.responseCapture?.push(chunk));
    upstreamRes.on('error', (err) => {
      this.breakReason = networkReason(err);
    });
    upstreamRes.on('close', () => {
      if (this.settled) return;
      if (upstreamRes.complete) {
        this.settle({ kind: 'complete' });
        return;
      }
      this.settle({ kind: 'cut', by: 'upstream', reason: this.breakReason });
      this.passOnBreak();
    });
    upstreamRes.pipe(this.res);
  }

  /**
   * The upstream dropped the connection mid-body: the application's connection is closed the same way,
   * after the bytes that did arrive, so that it sees the failure it would have seen without the proxy.
   */
  private passOnBreak(): void {
    const socket = this.res.socket;
    if (!socket) return;
    socket.end();
    setTimeout(() => socket.destroy(), FLUSH_BEFORE_DROP_MS).unref();
  }

  private upstreamFailed(err: Error): void {
    if (this.settled) return;
    if (this.upstreamRes) {
      this.breakReason ??= networkReason(err);
      return;
    }
    const reason = redact(networkReason(err), this.secrets);
    const message = `usage-inspect proxy: cannot reach the upstream ${this.ctx.upstream.display}: ${reason}`;
    // A 502 is retried by the SDKs as they retry the API's own 5xx answers.
    answerError(this.res, 502, 'api_error', message);
    // What the application still sends goes nowhere.
    this.req.unpipe(this.upstreamReq);
    this.req.resume();
    if (!this.tracked)
      this.ctx.onNotice(redact(`${this.req.method} ${this.req.url}: ${message}; answered 502`, this.secrets));
    this.settle({
      kind: 'unreachable',
      message: `cannot connect to ${this.ctx.upstream.display}: ${reason}`,
    });
  }

  private settle(end: CallEnd): void {
    if (this.settled) return;
    this.settled = true;
    const durationMs = performance.now() - this.started;
    if (!this.tracked) {
      this.finished();
      return;
    }
    const handOn = this.ctx.reserve();
    // Whatever goes wrong in reading one call, its slot is filled so that later calls are not held up.
    this.account(end, durationMs)
      .catch((err: unknown) => {
        this.ctx.onNotice(`internal error while reading a call: ${(err as Error).message}`);
        return null;
      })
      .then(handOn)
      .finally(this.finished);
  }

  private async account(end: CallEnd, durationMs: number): Promise<ProxiedCallResult | null> {
    if (!this.requestCapture) return null;
    const upstreamRes = this.upstreamRes;
    const [request, captured] = await Promise.all([
      this.requestCapture.end(),
      this.responseCapture?.end() ?? null,
    ]);
    const line = proxiedCallLine({
      sentAt: this.sentAt,
      durationMs,
      request,
      betaHeader: headerValue(this.req.headers, 'anthropic-beta'),
      status: upstreamRes?.statusCode ?? null,
      statusText: upstreamRes?.statusMessage ?? '',
      headers: upstreamRes ? headerPairs(upstreamRes.headers) : [],
      body: captured?.body ?? null,
      end,
      secrets: this.secrets,
    });
    return { line, secrets: this.secrets, problems: captured?.problems ?? [] };
  }
}
