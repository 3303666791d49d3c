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

export const GROUP_BY = ['none', 'model', 'file', 'session', 'day'] as const;
export type GroupBy = (typeof GROUP_BY)[number];

/** Rows the table and Markdown list by default; the rest are counted in the totals. */
export const DEFAULT_TOP = 50;
