import { INCOMPLETE_RESPONSE, INCOMPLETE_STREAM, INVALID_RESPONSE } from '../api/failures.js';
import { isPlainObject } from '../extract/counts.js';
import { type CallError, type RecordingLine, recordingLine, usefulHeaders } from '../recording/line.js';
import { redact } from '../secrets.js';
import type { CapturedBody } from './response-capture.js';

/** Who cut a call short. */
export type CutBy = 'upstream' | 'application' | 'proxy';

/** How a proxied call ended. */
export type CallEnd =
  | { kind: 'complete' }
  | { kind: 'unreachable'; message: string }
  | { kind: 'cut'; by: CutBy; reason: string | null };

/** Everything the proxy saw of one Messages call. */
export interface ProxiedCall {
  sentAt: Date;
  durationMs: number;
  /** The request body when it is a JSON object. */
  request: Record<string, unknown> | null;
  /** The `anthropic-beta` request header. */
  betaHeader: string | null;
  /** Null when no response arrived. */
  status: number | null;
  statusText: string;
  headers: [string, string][];
  body: CapturedBody | null;
  end: CallEnd;
  /** The application's credentials, blanked out of any text kept. */
  secrets: readonly string[];
}

function cutMessage(cut: { by: CutBy; reason: string | null }, what: string): string {
  switch (cut.by) {
    case 'upstream':
      return `the upstream connection broke off before ${what}${cut.reason ? `: ${cut.reason}` : ''}`;
    case 'application':
      return `the application closed its connection before ${what}`;
    case 'proxy':
      return `the proxy stopped before ${what}`;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The start of a body that is not JSON, on one line, for an error message. */
function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}

interface Outcome {
  response: unknown;
  events?: unknown[];
  error: Omit<CallError, 'request_id'> | null;
  /** A request id the error body names. */
  bodyRequestId?: string;
}

function streamOutcome(body: Extract<CapturedBody, { kind: 'events' }>, end: CallEnd): Outcome {
  const events = body.events;
  if (body.error) return { response: null, events, error: { ...body.error, status: null } };
  if (body.stopped) return { response: null, events, error: null };
  const message =
    end.kind === 'cut'
      ? cutMessage(end, 'message_stop')
      : 'the stream ended before message_stop; usage shown is what was known so far';
  return { response: null, events, error: { type: INCOMPLETE_STREAM, message, status: null } };
}

/**
 * A JSON body, read the way the SDK reads it: a success status carries the Message, an error status
 * the API's error body (https://platform.claude.com/docs/en/api/errors) or, from something in front
 * of the API, any text.
 */
function jsonOutcome(text: string, status: number, statusText: string, end: CallEnd): Outcome {
  const parsed = parseJson(text);
  if (end.kind === 'cut') {
    const message = cutMessage(end, 'the response was complete');
    return {
      response: parsed ?? null,
      error: { type: INCOMPLETE_RESPONSE, message, status },
    };
  }
  if (status >= 200 && status < 300) {
    if (parsed !== undefined) return { response: parsed, error: null };
    const message = `HTTP ${status} with a body that is not JSON: ${excerpt(text)}`;
    return { response: null, error: { type: INVALID_RESPONSE, message, status } };
  }
  if (isPlainObject(parsed) && parsed.type === 'error') {
    const error = isPlainObject(parsed.error) ? parsed.error : {};
    return {
      response: parsed,
      error: {
        type: typeof error.type === 'string' ? error.type : `http_${status}`,
        message: typeof error.message === 'string' ? error.message : '',
        status,
      },
      ...(typeof parsed.request_id === 'string' ? { bodyRequestId: parsed.request_id } : {}),
    };
  }
  const said = text.trim() === '' ? statusText : excerpt(text);
  return { response: null, error: { type: `http_${status}`, message: said, status } };
}

function outcomeOf(call: ProxiedCall): Outcome {
  if (call.end.kind === 'unreachable') {
    return { response: null, error: { type: 'connection_error', message: call.end.message, status: null } };
  }
  if (call.body === null || call.status === null) {
    const what = call.end.kind === 'cut' ? cutMessage(call.end, 'the response arrived') : 'no response';
    return { response: null, error: { type: INCOMPLETE_RESPONSE, message: what, status: null } };
  }
  if (call.body.kind === 'events') return streamOutcome(call.body, call.end);
  return jsonOutcome(call.body.text, call.status, call.statusText, call.end);
}

function betasOf(header: string | null): string[] {
  return (header ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b !== '');
}

/**
 * The recording line of a proxied call: the same format `send` writes (docs/recording-format.md), so
 * that the table, `replay` and the CI assertions read it with the same code.
 */
export function proxiedCallLine(call: ProxiedCall): RecordingLine {
  const headers = usefulHeaders(call.headers);
  const outcome = outcomeOf(call);
  const error: CallError | null = outcome.error
    ? {
        ...outcome.error,
        message: redact(outcome.error.message, call.secrets),
        request_id: headers['request-id'] ?? outcome.bodyRequestId ?? null,
      }
    : null;
  return recordingLine({
    sent_at: call.sentAt.toISOString(),
    duration_ms: Math.round(call.durationMs),
    request: call.request,
    betas: betasOf(call.betaHeader),
    response: outcome.response,
    ...(outcome.events ? { events: outcome.events } : {}),
    headers,
    error,
  });
}
