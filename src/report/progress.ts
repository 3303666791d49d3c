import { formatInt } from './format.js';

export interface ProgressState {
  bytes: number;
  /** Total bytes to read; null when unknown (stdin). */
  total: number | null;
  requests: number;
}

function mb(n: number): string {
  return `${(n / 1e6).toFixed(n < 1e7 ? 1 : 0)} MB`;
}

/** One progress line: a bar when the total is known, else bytes read; always the request count. */
export function formatProgress(p: ProgressState, width: number): string {
  const tail = `${formatInt(p.requests)} requests`;
  if (p.total === null || p.total === 0) return `${mb(p.bytes)} read, ${tail}`.slice(0, width);
  const frac = Math.min(1, p.bytes / p.total);
  const label = ` ${(frac * 100).toFixed(0).padStart(3)}% ${mb(p.bytes)}/${mb(p.total)}, ${tail}`;
  const barWidth = Math.max(10, Math.min(40, width - label.length - 2));
  const filled = Math.round(frac * barWidth);
  return `[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}]${label}`.slice(0, width);
}
