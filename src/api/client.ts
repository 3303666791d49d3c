import type { Anthropic, Middleware } from '@anthropic-ai/sdk';
import { DEFAULT_API_URL } from '../choices.js';
import { CliError } from '../errors.js';
import { displayURL, type FailureContext, redact } from './failures.js';
import { loadSdk, type SdkModule } from './sdk.js';

export type Credentials = { apiKey: string } | { authToken: string };

export interface ConnectionOptions {
  /** --base-url; ANTHROPIC_BASE_URL and then the SDK default apply when null. */
  baseURL: string | null;
  /** Per-attempt timeout; the SDK default (10 minutes) when null. */
  timeoutMs: number | null;
  /** The SDK default (2) when null. */
  maxRetries: number | null;
}

/**
 * The credential from the environment, checked before any network call. The SDK would otherwise go
 * looking for profiles on disk; here only ANTHROPIC_API_KEY and ANTHROPIC_AUTH_TOKEN are used, the
 * key first (the SDK's own precedence).
 */
export function resolveCredentials(env: Record<string, string | undefined>): Credentials {
  const apiKey = env.ANTHROPIC_API_KEY?.trim();
  if (apiKey) return { apiKey };
  const authToken = env.ANTHROPIC_AUTH_TOKEN?.trim();
  if (authToken) return { authToken };
  throw new CliError(
    'no API key: set ANTHROPIC_API_KEY (or ANTHROPIC_AUTH_TOKEN) in the environment; nothing was sent',
  );
}

export function resolveBaseURL(flag: string | null, env: Record<string, string | undefined>): string {
  const raw = flag ?? (env.ANTHROPIC_BASE_URL?.trim() || DEFAULT_API_URL);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CliError(`base URL ${JSON.stringify(raw)} is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new CliError(`base URL ${displayURL(raw)} must start with http:// or https://`);
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
  const secret = 'apiKey' in credentials ? credentials.apiKey : credentials.authToken;
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
      return response;
    } catch (err) {
      const code = (err as { cause?: { code?: unknown } }).cause?.code;
      lastFailure = typeof code === 'string' ? code : 'a connection error';
      throw err;
    }
  };

  const client = new sdk.Anthropic({
    ...credentials,
    baseURL,
    ...(options.timeoutMs !== null ? { timeout: options.timeoutMs } : {}),
    ...(options.maxRetries !== null ? { maxRetries: options.maxRetries } : {}),
    middleware: [watch],
    // SDK warnings go to stderr so that stdout keeps only the report.
    logger: {
      error: (msg) => hooks.onWarning(redact(msg, [secret])),
      warn: (msg) => hooks.onWarning(redact(msg, [secret])),
      info: () => {},
      debug: () => {},
    },
    logLevel: 'warn',
    openTelemetry: false,
  });
  return { sdk, client, context: { baseURL, secrets: [secret] }, lastHeaders: () => headers };
}
