import { CliError, ExitCode } from '../errors.js';
import { isPlainObject } from '../extract/counts.js';
import type { CallError } from '../recording/line.js';
import { redact } from '../secrets.js';
import { BodyTimeoutError } from './body-timeout.js';
import { loadedSdk } from './sdk.js';

// The one place that knows the SDK's error classes. Every API failure becomes a plain CallError
// (kept in recordings, shown in the table) and, when it ends a run, a one-line CliError with exit 3.
// Error types by status: https://platform.claude.com/docs/en/api/errors

/** Where the failure happened, for messages that name the server. */
export interface FailureContext {
  baseURL: string;
  /** Credentials to blank out of any text we print or record, whatever its origin. */
  secrets: readonly string[];
}

export const INCOMPLETE_STREAM = 'incomplete_stream';
/** A non-streaming response that did not arrive whole (docs/recording-format.md). */
export const INCOMPLETE_RESPONSE = 'incomplete_response';
/** A success status with a body that is not JSON, or not a Message with usage. */
export const INVALID_RESPONSE = 'invalid_response';

/** The innermost `code` (ECONNREFUSED, ENOTFOUND, …) or message of a fetch or socket failure. */
export function networkReason(err: unknown): string {
  let reason: string | null = null;
  let current: unknown = err;
  for (let depth = 0; current instanceof Error && depth < 6; depth++) {
    const code = (current as NodeJS.ErrnoException).code;
    if (typeof code === 'string') reason = code;
    else if (!reason && current.message && current.message !== 'fetch failed') reason = current.message;
    current = (current as { cause?: unknown }).cause;
  }
  return reason ?? 'connection failed';
}

/** Shows the base URL without any user:password part. */
export function displayURL(baseURL: string): string {
  try {
    const url = new URL(baseURL);
    url.username = '';
    url.password = '';
    return url.toString().replace(/\/$/, '');
  } catch {
    return baseURL;
  }
}

/** Whether `err` is the SDK reporting that our own AbortSignal stopped the call (Ctrl-C). */
export function isUserAbort(err: unknown): boolean {
  const sdk = loadedSdk();
  return (sdk !== null && err instanceof sdk.APIUserAbortError) || (err as Error)?.name === 'AbortError';
}

/**
 * Classifies an error thrown by an SDK call. Returns null for anything that is not an API or
 * connection failure (a bug, or a local SDK error), which the caller must rethrow.
 */
export function callErrorFrom(err: unknown, context: FailureContext): CallError | null {
  const sdk = loadedSdk();
  if (!sdk || !(err instanceof sdk.APIError) || err instanceof sdk.APIUserAbortError) return null;
  const clean = (s: string) => redact(s, context.secrets);
  const where = displayURL(context.baseURL);
  if (err instanceof sdk.APIConnectionTimeoutError) {
    return { type: 'timeout', message: `timed out waiting for ${where}`, status: null, request_id: null };
  }
  if (err instanceof sdk.APIConnectionError) {
    return {
      type: 'connection_error',
      message: clean(`cannot connect to ${where}: ${networkReason(err.cause ?? err)}`),
      status: null,
      request_id: null,
    };
  }
  const status = typeof err.status === 'number' ? err.status : null;
  return {
    type: err.type ?? (status === null ? 'error' : `http_${status}`),
    message: clean(err.apiMessage ?? err.message),
    status,
    request_id: err.requestID ?? null,
  };
}

/**
 * A response whose headers arrived but whose body broke off (the connection closed early) or was not
 * JSON. The SDK hands the response over before reading its body, so it never retries these; they are
 * failed calls, not bugs. Anything else is left to the caller (null).
 */
export function responseBodyFailure(err: unknown, context: FailureContext): CallError | null {
  const where = displayURL(context.baseURL);
  if (err instanceof SyntaxError) {
    const reason = redact(err.message.split('\n')[0] ?? '', context.secrets).slice(0, 200);
    return {
      type: INVALID_RESPONSE,
      message: `the response from ${where} is not valid JSON: ${reason}`,
      status: null,
      request_id: null,
    };
  }
  if (err instanceof BodyTimeoutError) {
    return {
      type: 'timeout',
      message: `timed out waiting for ${where}: ${err.message}`,
      status: null,
      request_id: null,
    };
  }
  // undici ends a body cut short with TypeError('terminated'), its socket error as the cause.
  if (err instanceof TypeError && err.message === 'terminated') {
    return {
      type: INCOMPLETE_RESPONSE,
      message: `the response from ${where} broke off before it was complete (${networkReason(err.cause ?? err)})`,
      status: null,
      request_id: null,
    };
  }
  return null;
}

/**
 * A successful non-streaming response must be a Message with usage
 * (https://platform.claude.com/docs/en/api/messages); anything else (a gateway's own JSON, say) is a
 * failed call, so that it is reported rather than shown as a row without usage.
 */
export function notAMessage(body: unknown, context: FailureContext): CallError | null {
  if (isPlainObject(body) && body.type === 'message' && isPlainObject(body.usage)) return null;
  const found = isPlainObject(body)
    ? body.type === 'message'
      ? 'a Message without usage'
      : 'another JSON object'
    : `JSON ${body === null ? 'null' : Array.isArray(body) ? 'array' : typeof body}`;
  return {
    type: INVALID_RESPONSE,
    message: `the response from ${displayURL(context.baseURL)} is not a Message with usage (found ${found})`,
    status: null,
    request_id: null,
  };
}

/**
 * Whether a failure is of the moment, so that the next call may well succeed: what the SDK itself
 * retries (408, 409, 429, 5xx, connection failures and timeouts, per its shouldRetry), the same
 * errors arriving as a stream `error` event, and responses cut short. An error that says the request
 * or the key is wrong (400, 401, 403, 404, 413, a body that is not JSON) would repeat.
 * Error types: https://platform.claude.com/docs/en/api/errors
 */
export function isTransient(error: CallError): boolean {
  if (error.status !== null)
    return error.status === 408 || error.status === 409 || error.status === 429 || error.status >= 500;
  return TRANSIENT_TYPES.has(error.type);
}

const TRANSIENT_TYPES = new Set([
  'timeout',
  'connection_error',
  INCOMPLETE_STREAM,
  INCOMPLETE_RESPONSE,
  'rate_limit_error',
  'overloaded_error',
  'api_error',
  'timeout_error',
]);

/** The one-line message and exit code for a call that ended a run. */
export function callErrorToCliError(error: CallError): CliError {
  if (error.type === 'timeout' || error.type === 'connection_error')
    return new CliError(error.message, ExitCode.apiError);
  const id = error.request_id ? ` (request-id ${error.request_id})` : '';
  if (
    error.type === INCOMPLETE_STREAM ||
    error.type === INCOMPLETE_RESPONSE ||
    error.type === INVALID_RESPONSE
  )
    return new CliError(`${error.message}${id}`, ExitCode.apiError);
  const what = error.status === null ? 'error event in the stream' : `API error ${error.status}`;
  return new CliError(`${what}: ${error.type}: ${error.message}${id}`, ExitCode.apiError);
}

/**
 * For the error boundary: an SDK error that escaped a command becomes a CliError. API failures exit 3;
 * other SDK errors (a request the SDK refuses to send) are bad input and exit 2.
 */
export function translateSdkError(err: unknown, context?: FailureContext): CliError | null {
  const sdk = loadedSdk();
  if (!sdk || !(err instanceof sdk.AnthropicError)) return null;
  if (isUserAbort(err)) return new CliError('interrupted', ExitCode.interrupted);
  const failure = callErrorFrom(err, context ?? { baseURL: 'the API', secrets: [] });
  if (failure) return callErrorToCliError(failure);
  return new CliError(redact(err.message, context?.secrets ?? []), ExitCode.badInput);
}
