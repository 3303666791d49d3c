import type { CacheTarget, CacheTtl } from '../choices.js';
import { CliError } from '../errors.js';
import { isPlainObject } from '../extract/counts.js';
import { applyCacheOptions, type RequestBody } from './cache-control.js';
import { DEFAULT_MAX_TOKENS, DEFAULT_MODEL } from './defaults.js';

/** A request as the user described it with flags, files already read. */
export interface RequestSpec {
  /** The user turn: prompt arguments joined, or --message. */
  prompt: string | null;
  system: string | null;
  /** A whole Messages request body (--request); flags below override its fields. */
  base: RequestBody | null;
  model: string | null;
  maxTokens: number | null;
  stream: boolean;
  betas: string[];
  tools: unknown[] | null;
  /** A budget in tokens (manual extended thinking) or `adaptive`. */
  thinking: number | 'adaptive' | null;
  cache: CacheTarget[] | null;
  ttl: CacheTtl | null;
}

/** What to send: the wire body, and the beta names that go in the `anthropic-beta` header. */
export interface PlannedRequest {
  body: RequestBody;
  betas: string[];
}

function thinkingConfig(thinking: number | 'adaptive'): Record<string, unknown> {
  // https://platform.claude.com/docs/en/build-with-claude/extended-thinking
  return thinking === 'adaptive' ? { type: 'adaptive' } : { type: 'enabled', budget_tokens: thinking };
}

function readBetas(value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((b) => typeof b === 'string'))
    throw new CliError('--request: `betas` must be an array of strings');
  return value;
}

/**
 * Builds the Messages request body from flags. With --request the file is the starting point and
 * explicit flags replace its fields; its own `betas` (an SDK parameter, not a body field) join --beta.
 */
export function buildRequest(spec: RequestSpec): PlannedRequest {
  const { betas: baseBetas, ...base } = spec.base ?? {};
  if (spec.base && spec.prompt !== null)
    throw new CliError('give the prompt either as text or in the --request body, not both');
  // Fields keep their place in a --request body (key order is part of what gets cached); a body
  // built from flags reads model, max_tokens, system, tools, then messages.
  let body: RequestBody = { ...base };
  if (!spec.base && (spec.prompt === null || spec.prompt.trim() === ''))
    throw new CliError('no prompt: give it as arguments, with --message, or as a whole body with --request');
  if (spec.base && (!Array.isArray(body.messages) || body.messages.length === 0))
    throw new CliError('--request: the body has no `messages` array');
  body.model = spec.model ?? (typeof body.model === 'string' ? body.model : DEFAULT_MODEL);
  body.max_tokens =
    spec.maxTokens ?? (typeof body.max_tokens === 'number' ? body.max_tokens : DEFAULT_MAX_TOKENS);
  if (spec.stream) body.stream = true;
  if (spec.system !== null) body.system = spec.system;
  if (spec.tools !== null) body.tools = spec.tools;
  if (spec.thinking !== null) body.thinking = thinkingConfig(spec.thinking);
  if (!spec.base) body.messages = [{ role: 'user', content: spec.prompt }];
  const budget = isPlainObject(body.thinking) ? body.thinking.budget_tokens : undefined;
  if (typeof budget === 'number' && typeof body.max_tokens === 'number' && budget >= body.max_tokens) {
    // "budget_tokens must be less than max_tokens": https://platform.claude.com/docs/en/build-with-claude/extended-thinking
    throw new CliError(`a thinking budget of ${budget} needs --max-tokens above ${budget}`);
  }
  body = applyCacheOptions(body, spec.cache, spec.ttl);
  const betas = [...new Set([...readBetas(baseBetas), ...spec.betas])];
  return { body, betas };
}
