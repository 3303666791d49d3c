/** Thrown when a field of an untrusted usage object is not what the API would send. */
export class UsageFieldError extends Error {}

function describe(value: unknown): string {
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'number') {
    return Number.isInteger(value) && Math.abs(value) > Number.MAX_SAFE_INTEGER
      ? `${value} (beyond 2^53-1, where JSON numbers lose precision)`
      : String(value);
  }
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : String(value);
}

/**
 * A token count from untrusted JSON. The SDK types most counters as `number | null`, and null
 * (or absence) means none were used:
 * https://platform.claude.com/docs/en/api/messages/create (Usage)
 */
export function readCount(obj: Record<string, unknown>, key: string, path: string): number {
  const value = obj[key];
  if (value === undefined || value === null) return 0;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new UsageFieldError(
      `${path}.${key} is ${describe(value)}; a token count must be a whole number from 0 to 2^53-1`,
    );
  }
  // -0 is 0: JSON text cannot carry the sign (parallel.ts), and a count shown as "-0" would mislead.
  return value === 0 ? 0 : value;
}

/** Like readCount, but keeps "not reported" apart from 0. */
export function readOptionalCount(obj: Record<string, unknown>, key: string, path: string): number | null {
  const value = obj[key];
  if (value === undefined || value === null) return null;
  return readCount(obj, key, path);
}

export function readOptionalString(obj: Record<string, unknown>, key: string, path: string): string | null {
  const value = obj[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string')
    throw new UsageFieldError(`${path}.${key} is ${describe(value)}; expected a string`);
  return value;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function readOptionalObject(
  obj: Record<string, unknown>,
  key: string,
  path: string,
): Record<string, unknown> | null {
  const value = obj[key];
  if (value === undefined || value === null) return null;
  if (!isPlainObject(value))
    throw new UsageFieldError(`${path}.${key} is ${describe(value)}; expected an object`);
  return value;
}
