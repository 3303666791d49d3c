import { CliError, ExitCode } from '../errors.js';
import { type CallError, type RecordingLine, recordingLine, usefulHeaders } from '../recording/line.js';
import type { PlannedRequest } from '../request/build-request.js';
import { redact, redactDeep } from '../secrets.js';
import type { ApiClient } from './client.js';
import {
  callErrorFrom,
  callErrorToCliError,
  INCOMPLETE_STREAM,
  isUserAbort,
  notAMessage,
  responseBodyFailure,
} from './failures.js';

export type CallResult = { line: RecordingLine } | { interrupted: true };

/**
 * The two calls used, on the standard or the beta resource. Bodies come from users' JSON and are
 * checked by the API, not by the SDK's parameter types, so they are passed through as they are.
 */
interface MessagesResource {
  create(params: Record<string, unknown>, options: { signal: AbortSignal }): Promise<unknown>;
  countTokens(params: Record<string, unknown>): Promise<{ input_tokens: number }>;
}

function messagesFor(api: ApiClient, betas: string[]): MessagesResource {
  // With betas, the beta resource sends them in the anthropic-beta header:
  // https://platform.claude.com/docs/en/api/beta-headers
  return (betas.length > 0 ? api.client.beta.messages : api.client.messages) as unknown as MessagesResource;
}

function withBetas(body: Record<string, unknown>, betas: string[]): Record<string, unknown> {
  return betas.length > 0 ? { ...body, betas } : body;
}

/** The `error` event a stream ended with, in its wire shape, so that the recording keeps it. */
function errorEvent(error: CallError): Record<string, unknown> {
  return { type: 'error', error: { type: error.type, message: error.message } };
}

function incomplete(message: string): CallError {
  return { type: INCOMPLETE_STREAM, message, status: null, request_id: null };
}

/**
 * Reads a stream to its end, keeping every event. A body that breaks off (connection reset, bad
 * chunk) or ends without message_stop gives an error next to the events, so the usage known so far
 * is kept; API errors (an `error` event) and aborts are thrown for the caller.
 */
async function readStream(
  stream: AsyncIterable<unknown>,
  events: unknown[],
  api: ApiClient,
): Promise<CallError | null> {
  const stopped = () => events.some((e) => (e as { type?: unknown })?.type === 'message_stop');
  try {
    for await (const event of stream) events.push(event);
  } catch (err) {
    if (callErrorFrom(err, api.context) !== null || isUserAbort(err)) throw err;
    // The message was complete; only the connection's closing went wrong.
    if (stopped()) return null;
    const message = redact((err as Error).message, api.context.secrets);
    const reason = err instanceof SyntaxError ? `an event's data is not JSON (${message})` : message;
    return incomplete(`the stream broke off before message_stop: ${reason}`);
  }
  return stopped()
    ? null
    : incomplete('the stream ended before message_stop; usage shown is what was known so far');
}

/**
 * Sends one Messages request and returns its recording line, whatever happened: a Message, the
 * stream's events, the API's error body, or a connection failure. Only an interrupt (the signal)
 * returns no line, as the call did not finish.
 */
export async function sendMessage(
  api: ApiClient,
  plan: PlannedRequest,
  signal: AbortSignal,
): Promise<CallResult> {
  const sentAt = new Date();
  const started = performance.now();
  let response: unknown = null;
  let events: unknown[] | undefined;
  let error: CallError | null = null;
  try {
    const result = await messagesFor(api, plan.betas).create(withBetas(plan.body, plan.betas), { signal });
    if (plan.body.stream === true) {
      events = [];
      error = await readStream(result as AsyncIterable<unknown>, events, api);
      // The SDK ends a stream's iteration quietly when its signal aborts.
      if (signal.aborted) return { interrupted: true };
    } else {
      response = result;
      error = notAMessage(result, api.context);
    }
  } catch (err) {
    if (isUserAbort(err) || signal.aborted) return { interrupted: true };
    error = callErrorFrom(err, api.context) ?? (events ? null : responseBodyFailure(err, api.context));
    if (!error) throw err;
    const body = (err as { error?: unknown }).error;
    if (error.status !== null && body && typeof body === 'object') response = body;
    // The SDK turns an `event: error` into an APIError without status; the recording keeps the event.
    if (events && error.status === null) events.push(errorEvent(error));
  }
  const headers = usefulHeaders(api.lastHeaders());
  if (error && !error.request_id && headers['request-id'])
    error = { ...error, request_id: headers['request-id'] };
  // A server or proxy may echo a credential back (in an error message, say); none is recorded.
  const line = redactDeep(
    recordingLine({
      sent_at: sentAt.toISOString(),
      duration_ms: Math.round(performance.now() - started),
      request: plan.body,
      betas: plan.betas,
      response,
      ...(events ? { events } : {}),
      headers,
      error,
    }),
    api.context.secrets,
  );
  return { line };
}

/** Calls the token counting endpoint; a failure ends the run with the API's error. */
export async function countTokens(
  api: ApiClient,
  body: Record<string, unknown>,
  betas: string[],
): Promise<number> {
  let result: unknown;
  try {
    result = await messagesFor(api, betas).countTokens(withBetas(body, betas));
  } catch (err) {
    const error = callErrorFrom(err, api.context) ?? responseBodyFailure(err, api.context);
    if (error) throw callErrorToCliError(error);
    throw err;
  }
  const count = (result as { input_tokens?: unknown } | null)?.input_tokens;
  if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0) {
    const id = api.lastHeaders().find(([name]) => name === 'request-id')?.[1];
    throw new CliError(
      `the token counting endpoint answered without a whole input_tokens count${id ? ` (request-id ${id})` : ''}`,
      ExitCode.apiError,
    );
  }
  return count;
}
