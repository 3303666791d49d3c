import type { BreakCause, TokenCounts } from '../core/types.js';
import { utcMillis } from '../pricing/rules/dates.js';

export type CacheTtl = '5m' | '1h' | 'mixed';

/** What a request's cache writes say about the TTL of the entry it left. */
export interface WrittenTtl {
  ttl: CacheTtl;
  /** Why the TTL is an assumption rather than read from the usage, when it is one. */
  assumption: string | null;
}

const SPLIT_UNKNOWN = 'the input does not give the 5m/1h split of cache writes; 5m assumed';

/**
 * Cache lifetimes. The default is 5 minutes, `"ttl": "1h"` asks for an hour, and the lifetime is counted
 * from the start of the request that wrote or last read the entry (every hit refreshes it):
 * https://platform.claude.com/docs/en/build-with-claude/prompt-caching#how-prompt-caching-works
 * https://platform.claude.com/docs/en/build-with-claude/prompt-caching#1-hour-cache-duration
 */
export const TTL_SECONDS = { '5m': 300, '1h': 3600 } as const;

/**
 * The TTL actually written, read from `usage.cache_creation` rather than from what was asked for: the
 * 1-hour TTL is sometimes silently downgraded. Null when the request wrote nothing.
 */
export function writtenTtl(counts: TokenCounts): WrittenTtl | null {
  if (counts.cache_creation_input_tokens === 0) return null;
  const m5 = counts.cache_creation.ephemeral_5m_input_tokens ?? 0;
  const h1 = counts.cache_creation.ephemeral_1h_input_tokens ?? 0;
  const unknown = counts.cache_creation_unknown_ttl_tokens > 0;
  if (h1 > 0 && (m5 > 0 || unknown)) return { ttl: 'mixed', assumption: unknown ? SPLIT_UNKNOWN : null };
  if (h1 > 0) return { ttl: '1h', assumption: null };
  return { ttl: '5m', assumption: unknown && m5 === 0 ? SPLIT_UNKNOWN : null };
}

export interface ExpiryFinding {
  cause: Extract<BreakCause, 'ttl_expired_5m' | 'ttl_expired_1h'>;
  detail: string;
}

export function formatGap(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/**
 * Whether the entry had expired when the next request started. With both TTLs written, the 5-minute
 * part expires first (1-hour entries precede 5-minute ones in the prompt).
 */
export function expiry(written: WrittenTtl, gapSeconds: number): ExpiryFinding | null {
  const gap = formatGap(gapSeconds);
  const assumed = written.assumption ? ` (${written.assumption})` : '';
  if (written.ttl !== '5m' && gapSeconds > TTL_SECONDS['1h']) {
    return {
      cause: 'ttl_expired_1h',
      detail: `${gap} after the previous request, past the 1-hour TTL${assumed}`,
    };
  }
  if (written.ttl !== '1h' && gapSeconds > TTL_SECONDS['5m']) {
    return {
      cause: 'ttl_expired_5m',
      detail: `${gap} after the previous request, past the 5-minute TTL${assumed}`,
    };
  }
  return null;
}

/** The last time parsed: requests are compared in order, so each one's time is asked for twice running. */
let lastText = '';
let lastTime = Number.NaN;

function timeOf(text: string): number {
  if (text !== lastText) {
    lastTime = utcMillis(text);
    lastText = text;
  }
  return lastTime;
}

/** Seconds from `from` to `to` (ISO times); null when either is missing or unreadable. */
export function gapSeconds(from: string | null, to: string | null): number | null {
  if (!from || !to) return null;
  const a = timeOf(from);
  const b = timeOf(to);
  return Number.isFinite(a) && Number.isFinite(b) ? (b - a) / 1000 : null;
}
