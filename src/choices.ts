// The closed sets of values that flags accept. Kept apart from the code that uses them so that declaring
// the command line (cli.ts) loads nothing else: `usage-inspect --version` must start as fast as node.

export const INPUT_FORMATS = [
  'auto',
  'json',
  'jsonl',
  'sse',
  'events',
  'batch',
  'claude-code',
  'recording',
] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];

export const OUTPUT_FORMATS = ['table', 'json', 'ndjson', 'csv', 'markdown'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export const PRICING_FORMATS = ['table', 'json'] as const;
export type PricingFormat = (typeof PRICING_FORMATS)[number];
/** `check` prints the verdict as text, or the same JSON and Markdown as inspect. */
export const CHECK_FORMATS = ['text', 'json', 'markdown'] as const;
export type CheckFormat = (typeof CHECK_FORMATS)[number];

export const GROUP_BY = ['none', 'model', 'file', 'session', 'day'] as const;
export type GroupBy = (typeof GROUP_BY)[number];

/** Rows the table and Markdown list by default; the rest are counted in the totals. */
export const DEFAULT_TOP = 50;

/** Where `send --cache` places cache_control breakpoints (src/request/cache-control.ts). */
export const CACHE_TARGETS = ['tools', 'system', 'messages', 'auto', 'none'] as const;
export type CacheTarget = (typeof CACHE_TARGETS)[number];

/** The TTLs a cache_control breakpoint takes: https://platform.claude.com/docs/en/build-with-claude/prompt-caching */
export const CACHE_TTLS = ['5m', '1h'] as const;
export type CacheTtl = (typeof CACHE_TTLS)[number];

/**
 * The port `proxy` listens on when --port is not given (README "proxy"): a fixed one, so that an
 * application's ANTHROPIC_BASE_URL can stay the same from one run to the next.
 */
export const DEFAULT_PROXY_PORT = 7575;

/**
 * The public Anthropic API: the SDK's own default base URL, used by send/replay/count when neither
 * --base-url nor ANTHROPIC_BASE_URL is set, and where `proxy` forwards to without --upstream.
 */
export const DEFAULT_API_URL = 'https://api.anthropic.com';
