import type { Anthropic, Middleware } from '@anthropic-ai/sdk';
import { DEFAULT_API_URL } from '../choices.js';
import { CliError } from '../errors.js';
import { redact, secretsFromEnv } from '../secrets.js';
import { withBodyTimeout } from './body-timeout.js';
import { displayURL, type FailureContext, networkReason } from './failures.js';
import { loadSdk, type SdkModule } from './sdk.js';

/** What the SDK logs about a stream event whose data is not JSON (core/streaming). */
const SDK_PARSE_NOISE = /^(Could not parse message into JSON|From chunk):/;

/** The SDK's own per-attempt timeout (10 minutes), also used for a body that stops arriving. */
const SDK_DEFAULT_TIMEOUT_MS = 600_000;

export type Credentials = { apiKey: string } | { authToken: string };

export interface ConnectionOptions {
  /** --base-url; ANTHROPIC_BASE_URL and then the SDK default apply when null. */
  baseURL: string | null;
  /** Per-attempt timeout; the SDK default (10 minutes) when null. */
  timeoutMs: number | null;
  /** The SDK default (2) when null. */
  maxRetries: number | null;
  /** --debug: the SDK's request log goes to stderr too (credentials blanked out). */
  debug: boolean;
}

/**
 * The credential from the environment, checked before any network call. The SDK would otherwise go
 * looking for profiles on disk; here only ANTHROPIC_API_KEY and ANTHROPIC_AUTH_TOKEN are used, the
 * key first (the SDK's own precedence).
 */
export function resolveCredentials(env: Record<string, string | undefined>): Credentials {
  const apiKey = env.ANTHROPIC_API_KEY?.trim();
  if (apiKey) return { apiKey: sendable('ANTHROPIC_API_KEY', apiKey) };
  const authToken = env.ANTHROPIC_AUTH_TOKEN?.trim();
  if (authToken) return { authToken: sendable('ANTHROPIC_AUTH_TOKEN', authToken) };
  throw new CliError(
    'no API key: set ANTHROPIC_API_KEY (or ANTHROPIC_AUTH_TOKEN) in the environment; nothing was sent',
  );
}

/**
 * A credential goes in an HTTP header, which cannot hold line breaks or other control characters;
 * fetch would reject it with an error that quotes the header, key included. Keys are plain ASCII, so
 * anything else is a paste mistake, said without showing the key.
 */
function sendable(name: string, value: string): string {
  if (!/^[\x21-\x7e]+$/.test(value))
    throw new CliError(
      `${name} holds a space, line break, control or non-ASCII character, which no key has; nothing was sent`,
    );
  return value;
}

export function resolveBaseURL(flag: string | null, env: Record<string, string | undefined>): string {
  const raw = flag ?? (env.ANTHROPIC_BASE_URL?.trim() || DEFAULT_API_URL);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    // Shown without anything that looks like a user:password@ part.
    throw new CliError(`base URL ${JSON.stringify(raw.replace(/\/\/[^/]*@/, '//'))} is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new CliError(`base URL ${displayURL(raw)} must start with http:// or https://`);
  // fetch refuses such URLs, quoting them whole, password included.
  if (url.username !== '' || url.password !== '')
    throw new CliError(`base URL ${displayURL(raw)} must not hold a user name or password; nothing was sent`);
  return raw.replace(/\/+$/, '');
}

/** An SDK client with what we watch on each HTTP attempt. */
export interface ApiClient {
  sdk: SdkModule;
  client: Anthropic;
  context: FailureContext;
  /** Response headers of the last HTTP attempt; empty when it got no response. */
  lastHeaders(): [string, string][];
}

export interface ClientHooks {
  /** Told when the SDK retries a request, before the retry is sent. */
  onRetry(message: string): void;
  /** The SDK's own warnings and errors. */
  onWarning(message: string): void;
}

export async function openClient(
  options: ConnectionOptions,
  env: Record<string, string | undefined>,
  hooks: ClientHooks,
): Promise<ApiClient> {
  const credentials = resolveCredentials(env);
  const secrets = secretsFromEnv(env);
  const baseURL = resolveBaseURL(options.baseURL, env);
  const sdk = await loadSdk();
  let headers: [string, string][] = [];
  let lastFailure = 'a failure';

  // Runs once per HTTP attempt inside the SDK's retry loop: the SDK numbers attempts in the
  // X-Stainless-Retry-Count request header, so a count above 0 means the previous attempt failed.
  const watch: Middleware = async (request, next) => {
    const retry = Number(request.headers.get('x-stainless-retry-count') ?? '0');
    if (retry > 0) {
      const path = new URL(request.url).pathname;
      hooks.onRetry(`retry ${retry} of ${client.maxRetries} for ${path} after ${lastFailure}`);
    }
    headers = [];
    try {
      const response = await next(request);
      headers = [...response.headers.entries()];
      const retryAfter = response.headers.get('retry-after');
      lastFailure = `HTTP ${response.status}${retryAfter ? ` (retry-after ${retryAfter}s)` : ''}`;
      return withBodyTimeout(response, options.timeoutMs ?? SDK_DEFAULT_TIMEOUT_MS);
    } catch (err) {
      // The SDK aborts an attempt that outlives --timeout; a Ctrl-C abort is never retried.
      lastFailure = (err as Error)?.name === 'AbortError' ? 'a timeout' : networkReason(err);
      throw err;
    }
  };

  const warn = (message: string, details: unknown[]) => {
    // The SDK logs a stream event it cannot parse, then throws; the error line that follows says it.
    if (!options.debug && SDK_PARSE_NOISE.test(message)) return;
    hooks.onWarning(redact(options.debug ? logLine(message, details) : message, secrets));
  };

  const client = new sdk.Anthropic({
    ...credentials,
    baseURL,
    ...(options.timeoutMs !== null ? { timeout: options.timeoutMs } : {}),
    ...(options.maxRetries !== null ? { maxRetries: options.maxRetries } : {}),
    middleware: [watch],
    // SDK warnings (and, under --debug, its request log) go to stderr so that stdout keeps only the report.
    logger: {
      error: (msg, ...details) => warn(msg, details),
      warn: (msg, ...details) => warn(msg, details),
      info: (msg) => hooks.onWarning(`debug: ${redact(msg, secrets)}`),
      debug: (msg, ...details) => hooks.onWarning(`debug: ${redact(logLine(msg, details), secrets)}`),
    },
    logLevel: options.debug ? 'debug' : 'warn',
    openTelemetry: false,
  });
  return { sdk, client, context: { baseURL, secrets }, lastHeaders: () => headers };
}

/** One line for an SDK debug message and its details (which the SDK has already stripped of auth headers). */
function logLine(message: string, details: unknown[]): string {
  if (details.length === 0) return message;
  try {
    return `${message} ${JSON.stringify(details.length === 1 ? details[0] : details)}`;
  } catch {
    return message;
  }
}
