import { isPlainObject } from '../extract/counts.js';

export type Shape =
  | 'message'
  | 'usage'
  | 'event'
  | 'batch'
  | 'claude_code'
  | 'claude_code_other'
  | 'recording'
  | 'error_body'
  | 'unknown';

/** Stream event types: https://platform.claude.com/docs/en/build-with-claude/streaming#event-types */
const EVENT_TYPES = new Set([
  'message_start',
  'message_delta',
  'message_stop',
  'content_block_start',
  'content_block_delta',
  'content_block_stop',
  'ping',
]);

/** Line types of Claude Code transcripts that carry no API usage. */
const CLAUDE_CODE_TYPES = new Set([
  'user',
  'system',
  'summary',
  'file-history-snapshot',
  'attachment',
  'progress',
]);

/** Recognises what one parsed JSON value is. */
export function classify(value: unknown): Shape {
  if (!isPlainObject(value)) return 'unknown';
  if ('recording' in value) return 'recording';
  const type = value.type;
  if (type === 'message') return 'message';
  if ('custom_id' in value && ('result' in value || Object.keys(value).length <= 2)) return 'batch';
  if (typeof type === 'string' && EVENT_TYPES.has(type)) return 'event';
  // `!== undefined` is `in` for parsed JSON (it holds no undefined), and also fits the fixed-shape objects
  // of decode/fast-json-line.ts, whose absent keys are undefined.
  const looksClaudeCode =
    value.sessionId !== undefined || value.uuid !== undefined || value.parentUuid !== undefined;
  if (type === 'assistant' && isPlainObject(value.message)) return 'claude_code';
  if (looksClaudeCode || (typeof type === 'string' && CLAUDE_CODE_TYPES.has(type))) {
    return 'claude_code_other';
  }
  if (type === 'error' && 'error' in value) return 'error_body';
  if (type === undefined && ('input_tokens' in value || 'output_tokens' in value)) return 'usage';
  return 'unknown';
}

/** Names the keys of an unrecognised object, for a useful one-line problem. */
export function describeKeys(value: unknown): string {
  if (Array.isArray(value)) return 'a JSON array';
  if (!isPlainObject(value)) return `a JSON ${value === null ? 'null' : typeof value}`;
  const keys = Object.keys(value).slice(0, 6);
  return keys.length === 0
    ? 'an empty object'
    : `an object with keys ${keys.join(', ')}${Object.keys(value).length > 6 ? ', …' : ''}`;
}
