import { beforeAll, expect, test } from 'vitest';
import { callErrorFrom, callErrorToCliError, displayURL, translateSdkError } from '../src/api/failures.js';
import { loadSdk, type SdkModule } from '../src/api/sdk.js';
import { CliError } from '../src/errors.js';
import { redact } from '../src/secrets.js';

let sdk: SdkModule;
beforeAll(async () => {
  sdk = await loadSdk();
});

const context = { baseURL: 'https://user:pw@gateway.example/anthropic', secrets: ['sk-secret'] };
const headers = new Headers({ 'request-id': 'req_1' });
const body = (type: string, message: string) => ({ type: 'error', error: { type, message } });

test('API errors keep the API type and message, and the request id', () => {
  const err = new sdk.AuthenticationError(
    401,
    body('authentication_error', 'invalid x-api-key'),
    undefined,
    headers,
  );
  const failure = callErrorFrom(err, context);
  expect(failure).toEqual({
    type: 'authentication_error',
    message: 'invalid x-api-key',
    status: 401,
    request_id: 'req_1',
  });
  const cli = callErrorToCliError(failure as NonNullable<typeof failure>);
  expect(cli.exitCode).toBe(3);
  expect(cli.message).toBe('API error 401: authentication_error: invalid x-api-key (request-id req_1)');
});

test('connection failures name the base URL without its credentials', () => {
  const cause = Object.assign(new TypeError('fetch failed'), {
    cause: Object.assign(new Error('x'), { code: 'ENOTFOUND' }),
  });
  expect(callErrorFrom(new sdk.APIConnectionError({ cause }), context)).toEqual({
    type: 'connection_error',
    message: 'cannot connect to https://gateway.example/anthropic: ENOTFOUND',
    status: null,
    request_id: null,
  });
  expect(callErrorFrom(new sdk.APIConnectionTimeoutError(), context)?.message).toBe(
    'timed out waiting for https://gateway.example/anthropic',
  );
});

test('a key echoed in an error message is blanked out', () => {
  const err = new sdk.BadRequestError(
    400,
    body('invalid_request_error', 'bad key sk-secret'),
    undefined,
    headers,
  );
  expect(callErrorFrom(err, context)?.message).toBe('bad key [redacted]');
  expect(redact('a sk-secret b sk-secret', ['sk-secret'])).toBe('a [redacted] b [redacted]');
});

test('an error event in a stream has no status', () => {
  const err = new sdk.APIError(
    undefined,
    body('overloaded_error', 'Overloaded'),
    undefined,
    headers,
    'overloaded_error',
  );
  const failure = callErrorFrom(err, context);
  expect(failure).toMatchObject({ type: 'overloaded_error', status: null });
  expect(callErrorToCliError(failure as NonNullable<typeof failure>).message).toBe(
    'error event in the stream: overloaded_error: Overloaded (request-id req_1)',
  );
});

test('the error boundary translates SDK errors and leaves other errors alone', () => {
  expect(translateSdkError(new sdk.APIUserAbortError())?.exitCode).toBe(130);
  const local = translateSdkError(
    new sdk.AnthropicError('Streaming is required for operations that may take longer'),
  );
  expect(local).toBeInstanceOf(CliError);
  expect(local?.exitCode).toBe(2);
  expect(
    translateSdkError(new sdk.RateLimitError(429, body('rate_limit_error', 'slow'), undefined, headers))
      ?.exitCode,
  ).toBe(3);
  expect(translateSdkError(new Error('a bug'))).toBeNull();
  expect(callErrorFrom(new Error('a bug'), context)).toBeNull();
});

test('displayURL drops user and password', () => {
  expect(displayURL('http://a:b@127.0.0.1:8080/')).toBe('http://127.0.0.1:8080');
  expect(displayURL('not a url')).toBe('not a url');
});
