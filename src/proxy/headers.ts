import type { IncomingHttpHeaders } from 'node:http';

/**
 * Headers that describe one connection rather than the message, which a proxy must not pass on
 * (RFC 9110 §7.6.1, https://www.rfc-editor.org/rfc/rfc9110#section-7.6.1, and the Proxy-* pair meant
 * for the proxy itself). Node frames each side's body on its own (length or chunked), so
 * Transfer-Encoding and Connection are set again by the side that sends.
 */
const HOP_BY_HOP = new Set([
  'connection',
  'proxy-connection',
  'keep-alive',
  'te',
  'transfer-encoding',
  'upgrade',
  'proxy-authenticate',
  'proxy-authorization',
]);

/** Headers named in `Connection` are hop-by-hop too (same section of RFC 9110). */
function connectionTokens(raw: readonly string[]): Set<string> {
  const named = new Set<string>();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if ((raw[i] as string).toLowerCase() !== 'connection') continue;
    for (const token of (raw[i + 1] as string).split(',')) {
      const name = token.trim().toLowerCase();
      if (name) named.add(name);
    }
  }
  return named;
}

/**
 * The end-to-end headers of `raw` (Node's `rawHeaders`: name, value, name, value…), names in their
 * original case and repeated headers kept, less the hop-by-hop ones and those in `drop`.
 */
export function endToEndHeaders(raw: readonly string[], drop: readonly string[] = []): string[] {
  const skip = new Set([...HOP_BY_HOP, ...connectionTokens(raw), ...drop]);
  const out: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string;
    if (!skip.has(name.toLowerCase())) out.push(name, raw[i + 1] as string);
  }
  return out;
}

/**
 * Request headers for the upstream. `Host` names the upstream (the application named the proxy);
 * `Expect: 100-continue` was answered by the proxy's own server already.
 */
export function upstreamRequestHeaders(raw: readonly string[], upstreamHost: string): string[] {
  return [...endToEndHeaders(raw, ['host', 'expect']), 'Host', upstreamHost];
}

/** A header's value as one string (repeated headers joined with `, `), or null. */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | null {
  const value = headers[name];
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(', ') : value;
}

/** Every header as [name, value] pairs, for usefulHeaders. */
export function headerPairs(headers: IncomingHttpHeaders): [string, string][] {
  const pairs: [string, string][] = [];
  for (const name of Object.keys(headers)) {
    const value = headerValue(headers, name);
    if (value !== null) pairs.push([name, value]);
  }
  return pairs;
}

/**
 * The credentials the application sent (`x-api-key`, or the token of `Authorization`), to blank out of
 * anything the proxy prints or records. They are passed on to the upstream and kept nowhere else.
 */
export function credentialsIn(headers: IncomingHttpHeaders): string[] {
  const found: string[] = [];
  const key = headerValue(headers, 'x-api-key')?.trim();
  if (key) found.push(key);
  const auth = headerValue(headers, 'authorization')?.trim();
  if (auth) {
    found.push(auth);
    const token = auth.replace(/^\S+\s+/, '');
    if (token !== auth) found.push(token);
  }
  // Very short values could match ordinary text; no real credential is that short.
  return found.filter((s) => s.length >= 8);
}
