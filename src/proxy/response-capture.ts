import { SseParser } from '../decode/sse-parser.js';
import { isPlainObject } from '../extract/counts.js';
import { BodyDecoder } from './body-decoder.js';

/** The `error` of a stream's `error` event. */
export interface StreamError {
  type: string;
  message: string;
}

/** What the proxy kept of a response body for accounting. */
export type CapturedBody =
  | { kind: 'json'; text: string }
  | {
      kind: 'events';
      /** Every event's parsed `data`, in order, pings left out (as a recording keeps them). */
      events: unknown[];
      /** A `message_stop` arrived. */
      stopped: boolean;
      /** The stream sent an `error` event. */
      error: StreamError | null;
    };

export interface Captured {
  body: CapturedBody;
  /** Why some or all of the body could not be read (it was still forwarded whole). */
  problems: string[];
}

/**
 * Cuts text into lines at CRLF, LF or CR, the line ends of text/event-stream, across chunk boundaries
 * (https://html.spec.whatwg.org/multipage/server-sent-events.html#parsing-an-event-stream).
 */
export class LineSplitter {
  private rest = '';

  /** The lines that `text` completes. */
  push(text: string): string[] {
    let s = this.rest + text;
    // A CR at the very end may be the first half of a CRLF cut by the chunk boundary.
    const holdCr = s.endsWith('\r');
    if (holdCr) s = s.slice(0, -1);
    const parts = s.split(/\r\n|\r|\n/);
    this.rest = (parts.pop() as string) + (holdCr ? '\r' : '');
    return parts;
  }

  /** The last line, when the text did not end with a line end. */
  end(): string[] {
    const last = this.rest.replace(/\r$/, '');
    this.rest = '';
    return last === '' ? [] : [last];
  }
}

function streamError(data: Record<string, unknown>): StreamError {
  const error = isPlainObject(data.error) ? data.error : {};
  return {
    type: typeof error.type === 'string' ? error.type : 'error',
    message: typeof error.message === 'string' ? error.message : '',
  };
}

/** Reads an SSE body into events, as the Messages API streams them. */
class EventReader {
  readonly events: unknown[] = [];
  stopped = false;
  error: StreamError | null = null;
  readonly problems: string[] = [];
  private readonly text = new TextDecoder('utf-8');
  private readonly lines = new LineSplitter();
  private readonly parser = new SseParser();
  private lineNo = 0;
  private eventNo = 0;

  push(bytes: Buffer): void {
    this.feed(this.lines.push(this.text.decode(bytes, { stream: true })));
  }

  end(): void {
    this.feed([...this.lines.push(this.text.decode()), ...this.lines.end()]);
    const last = this.parser.end();
    if (last) this.onEvent(last.data);
  }

  private feed(lines: string[]): void {
    for (const line of lines) {
      const event = this.parser.push(line, ++this.lineNo);
      if (event) this.onEvent(event.data);
    }
  }

  private onEvent(data: string): void {
    this.eventNo++;
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch {
      this.problems.push(`stream event ${this.eventNo}: its data is not JSON; left out of the recording`);
      return;
    }
    const type = isPlainObject(parsed) ? parsed.type : undefined;
    // https://platform.claude.com/docs/en/build-with-claude/streaming#event-types: pings carry nothing.
    if (type === 'ping') return;
    this.events.push(parsed);
    if (type === 'message_stop') this.stopped = true;
    if (type === 'error' && isPlainObject(parsed)) this.error = streamError(parsed);
  }
}

/**
 * Keeps a copy of one response body for accounting while the original bytes go to the application:
 * SSE bodies are read event by event as they arrive, other bodies are kept as text.
 */
export class ResponseCapture {
  private readonly decoder: BodyDecoder;
  private readonly reader: EventReader | null;
  private readonly chunks: Buffer[] = [];

  constructor(contentType: string | null, contentEncoding: string | null) {
    const sse = (contentType ?? '').toLowerCase().startsWith('text/event-stream');
    this.reader = sse ? new EventReader() : null;
    this.decoder = new BodyDecoder(contentEncoding, (chunk) => {
      if (this.reader) this.reader.push(chunk);
      else this.chunks.push(chunk);
    });
  }

  push(chunk: Buffer): void {
    this.decoder.push(chunk);
  }

  /** What arrived, once the body has ended or been cut. */
  async end(): Promise<Captured> {
    const failure = await this.decoder.end();
    const problems = failure ? [`${failure}; its usage is not known`] : [];
    if (!this.reader) {
      return { body: { kind: 'json', text: Buffer.concat(this.chunks).toString('utf8') }, problems };
    }
    this.reader.end();
    const { events, stopped, error } = this.reader;
    return {
      body: { kind: 'events', events, stopped, error },
      problems: [...problems, ...this.reader.problems],
    };
  }
}

/** Keeps the request body (decoded when the application compressed it) for the recording. */
export class RequestCapture {
  private readonly chunks: Buffer[] = [];
  private readonly decoder: BodyDecoder;

  constructor(contentEncoding: string | null) {
    this.decoder = new BodyDecoder(contentEncoding, (chunk) => this.chunks.push(chunk));
  }

  push(chunk: Buffer): void {
    this.decoder.push(chunk);
  }

  /** The body as a JSON object, or null when it is not one (the upstream will say what is wrong). */
  async end(): Promise<Record<string, unknown> | null> {
    if (await this.decoder.end()) return null;
    try {
      const body: unknown = JSON.parse(Buffer.concat(this.chunks).toString('utf8'));
      return isPlainObject(body) ? body : null;
    } catch {
      return null;
    }
  }
}
