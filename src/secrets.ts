// Credentials must never reach output, error messages or recordings, whatever their origin: the SDK,
// a server or proxy echoing a header, or a stack trace. These helpers blank them out at the edges
// (the error boundary's stdout and stderr, each recording line).

/** Shorter values are not credentials; blanking them would garble output (a key of `x`, say). */
const MIN_SECRET_LENGTH = 8;

export const REDACTED = '[redacted]';

/** The credentials in the environment: the API key and the auth token, as given and trimmed. */
export function secretsFromEnv(env: Record<string, string | undefined>): string[] {
  const out = new Set<string>();
  for (const name of ['ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN']) {
    const value = env[name];
    if (value === undefined) continue;
    for (const v of [value, value.trim()]) if (v.length >= MIN_SECRET_LENGTH) out.add(v);
  }
  // Longest first, so that a secret holding another is blanked whole.
  return [...out].sort((a, b) => b.length - a.length);
}

export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets)
    if (s.length >= MIN_SECRET_LENGTH && out.includes(s)) out = out.split(s).join(REDACTED);
  return out;
}

/** A copy of a JSON value with every string (keys included) redacted; the value itself when clean. */
export function redactDeep<T>(value: T, secrets: readonly string[]): T {
  if (secrets.length === 0) return value;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return redact(v, secrets);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v)) out[redact(k, secrets)] = walk(item);
      return out;
    }
    return v;
  };
  return walk(value) as T;
}

type Writable = { write(chunk: string): unknown; isTTY?: boolean; columns?: number };

/**
 * `target` with every secret blanked out of what is written to it; everything else (isTTY, columns,
 * `once('drain')`) is the target's own. A secret split across two writes is not caught: the code
 * writes whole lines.
 */
export function redactingWriter<W extends Writable>(target: W, secrets: readonly string[]): W {
  if (secrets.length === 0) return target;
  return new Proxy(target, {
    get(t, prop) {
      if (prop === 'write') return (chunk: string) => t.write(redact(String(chunk), secrets));
      const value = Reflect.get(t, prop);
      return typeof value === 'function' ? value.bind(t) : value;
    },
  });
}
