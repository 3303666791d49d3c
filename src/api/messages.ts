import { type CallError, type RecordingLine, recordingLine, usefulHeaders } from '../recording/line.js';
import type { PlannedRequest } from '../request/build-request.js';
import type { ApiClient } from './client.js';
import { callErrorFrom, callErrorToCliError, INCOMPLETE_STREAM, isUserAbort, redact } from './failures.js';

export type CallResult = { line: RecordingLine } | { interrupted: true };

/**
 * The two calls used, on the standard or the beta resource. Bodies come from users' JSON and are
 * checked by the API, not by the SDK's parameter types, so they are passed through as they are.
 */
interface MessagesResource {
  create(params: Record<string, unknown>, options: { signal: AbortSignal }): Promise<unknown>;
  countTokens(
    params: Record<string, unknown>,
    options: { signal: AbortSignal },
  ): Promise<{ input_tokens: number }>;
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
  const streaming = plan.body.stream === true;
  let response: unknown = null;
  let events: unknown[] | undefined;
  let error: CallError | null = null;
  try {
    const messages = messagesFor(api, plan.betas);
    if (streaming) {
      const stream = (await messages.create(withBetas(plan.body, plan.betas), {
        signal,
      })) as AsyncIterable<unknown>;
      events = [];
      try {
        for await (const event of stream) events.push(event);
      } catch (err) {
        if (callErrorFrom(err, api.context) === null && !isUserAbort(err)) {
          // The body stopped mid-stream (connection reset, bad chunk): keep the usage known so far.
          error = {
            type: INCOMPLETE_STREAM,
            message: redact(
              `the stream broke off before message_stop: ${(err as Error).message}`,
              api.context.secrets,
            ),
            status: null,
            request_id: null,
          };
        } else throw err;
      }
      // The SDK ends the iteration quietly when its signal aborts.
      if (signal.aborted) return { interrupted: true };
      const last = events.at(-1) as { type?: unknown } | undefined;
      if (!error && last?.type !== 'message_stop') {
        error = {
          type: INCOMPLETE_STREAM,
          message: 'the stream ended before message_stop; usage shown is what was known so far',
          status: null,
          request_id: null,
        };
      }
    } else {
      response = await messages.create(withBetas(plan.body, plan.betas), { signal });
    }
  } catch (err) {
    if (isUserAbort(err) || signal.aborted) return { interrupted: true };
    error = callErrorFrom(err, api.context);
    if (!error) throw err;
    const body = (err as { error?: unknown }).error;
    if (error.status !== null && body && typeof body === 'object') response = body;
    // The SDK turns an `event: error` into an APIError without status; the recording keeps the event.
    if (events && error.status === null) events.push(errorEvent(error));
  }
  const headers = usefulHeaders(api.lastHeaders());
  if (error && !error.request_id && headers['request-id'])
    error = { ...error, request_id: headers['request-id'] };
  const line = recordingLine({
    sent_at: sentAt.toISOString(),
    duration_ms: Math.round(performance.now() - started),
    request: plan.body,
    betas: plan.betas,
    response,
    ...(events ? { events } : {}),
    headers,
    error,
  });
  return { line };
}

/** Calls the token counting endpoint; a failure ends the run with the API's error. */
export async function countTokens(
  api: ApiClient,
  body: Record<string, unknown>,
  betas: string[],
  signal: AbortSignal,
): Promise<number> {
  try {
    const result = await messagesFor(api, betas).countTokens(withBetas(body, betas), { signal });
    return result.input_tokens;
  } catch (err) {
    const error = callErrorFrom(err, api.context);
    if (error) throw callErrorToCliError(error);
    throw err;
  }
}
