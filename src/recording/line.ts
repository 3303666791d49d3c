import { RECORDING_VERSION } from '../decode/recording.js';

/** Why a call failed, as kept in a recording and shown on stderr. */
export interface CallError {
  /**
   * The API's `error.type`, or one of ours (docs/recording-format.md): `connection_error`, `timeout`,
   * `incomplete_stream`, and from the proxy `incomplete_response`, `invalid_response`, `http_NNN`.
   */
  type: string;
  message: string;
  /** HTTP status; null for a stream `error` event or a failure before any response. */
  status: number | null;
  request_id: string | null;
}

/**
 * One line of a recording (docs/recording-format.md), read back by src/decode/recording.ts.
 * It holds what was sent and what came back, never a credential or a request header.
 */
export interface RecordingLine {
  recording: typeof RECORDING_VERSION;
  /** ISO time the call started. */
  sent_at: string;
  /** From the start of the call to its last byte, retries included. */
  duration_ms: number;
  /** The Messages request body as sent; null when it was not a JSON object (the proxy forwards any body). */
  request: Record<string, unknown> | null;
  /** Beta names sent in the `anthropic-beta` header, when any. */
  betas?: string[];
  /** The final Message or the API's error body; null for streams and failures without a body. */
  response: unknown;
  /** For streams: every event received, in order (pings left out), an `error` event included. */
  events?: unknown[];
  headers: Record<string, string>;
  error: CallError | null;
}

/** Names that may carry a credential (`x-api-key`, `authorization`, `cookie`, `x-auth-token`, …). */
const CREDENTIAL_NAME = /key|token|secret|auth|cookie|password|credential|session|signature/i;

/** Rate-limit counters of tokens (`anthropic-ratelimit-input-tokens-remaining`): counts, not credentials. */
const TOKEN_COUNTER = /-tokens-(limit|remaining|reset)$/;

/**
 * Response headers worth keeping: the request id, and what rate limits said
 * (https://platform.claude.com/docs/en/api/rate-limits#response-headers). Any name that may carry a
 * credential is dropped even under those prefixes, as a gateway may add its own headers there.
 */
export function usefulHeaders(headers: Iterable<[string, string]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [rawName, value] of headers) {
    const name = rawName.toLowerCase();
    const kept =
      name === 'request-id' ||
      name === 'retry-after' ||
      name.startsWith('anthropic-ratelimit-') ||
      name.startsWith('anthropic-priority-') ||
      name.startsWith('anthropic-fast-');
    if (kept && !CREDENTIAL_NAME.test(name.replace(TOKEN_COUNTER, ''))) out[name] = value;
  }
  return out;
}

export function recordingLine(fields: Omit<RecordingLine, 'recording'>): RecordingLine {
  const { betas, events, ...rest } = fields;
  return {
    recording: RECORDING_VERSION,
    ...rest,
    ...(betas && betas.length > 0 ? { betas } : {}),
    ...(events ? { events } : {}),
  };
}
