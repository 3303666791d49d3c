import { displayURL } from '../api/failures.js';
import { CliError } from '../errors.js';

/** Where the proxy forwards to, checked once at start-up. */
export interface Upstream {
  url: URL;
  /** For messages: the URL without a trailing slash. */
  display: string;
}

export function parseUpstream(raw: string): Upstream {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CliError(`--upstream ${JSON.stringify(raw)} is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new CliError(`--upstream ${displayURL(raw)} must start with http:// or https://`);
  if (url.username || url.password)
    throw new CliError('--upstream must not hold a user name or password: the application sends its own key');
  if (url.search || url.hash)
    throw new CliError(`--upstream ${displayURL(raw)} must not have a query or fragment`);
  return { url, display: displayURL(raw) };
}

/**
 * The upstream path of a request: the upstream URL's own path (a gateway may serve the API under a
 * prefix) followed by the path and query the application asked for. A client that treats the proxy
 * as a forward proxy sends an absolute URL; only its path and query are used.
 */
export function upstreamPath(upstream: URL, requestUrl: string): string {
  const asked = requestUrl.startsWith('/') ? requestUrl : pathAndQuery(requestUrl);
  return `${upstream.pathname.replace(/\/+$/, '')}${asked}`;
}

function pathAndQuery(absolute: string): string {
  try {
    const url = new URL(absolute);
    return `${url.pathname}${url.search}`;
  } catch {
    return `/${absolute}`;
  }
}

/** The request is a Messages API call, whose usage the proxy reports (the SDK's beta calls add `?beta=true`). */
export function isMessagesCall(method: string | undefined, requestUrl: string): boolean {
  if (method !== 'POST') return false;
  const path = requestUrl.startsWith('/') ? requestUrl : pathAndQuery(requestUrl);
  const end = path.search(/[?#]/);
  return (end === -1 ? path : path.slice(0, end)).replace(/\/+$/, '') === '/v1/messages';
}

/** host:port as a URL writes it (IPv6 addresses in brackets). */
export function hostPort(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** Loopback names: a proxy listening elsewhere is reachable from other machines. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Whether the upstream is the proxy itself: each call would come back to it without end. */
export function pointsAtItself(upstream: URL, host: string, port: number): boolean {
  const upHost = upstream.hostname.replace(/^\[|\]$/g, '');
  const upPort = Number(upstream.port || (upstream.protocol === 'https:' ? 443 : 80));
  const same =
    upHost === host || (isLoopback(upHost) && (isLoopback(host) || host === '0.0.0.0' || host === '::'));
  return same && upPort === port;
}
