/** The UTC day (YYYY-MM-DD) of an ISO timestamp, or null when there is none or it does not parse. */
export function utcDay(when: string | null | undefined): string | null {
  if (!when) return null;
  const t = Date.parse(when);
  return Number.isNaN(t) ? null : new Date(t).toISOString().slice(0, 10);
}

/** Whether a dated rule covers `day`: since ≤ day < until, with null meaning open-ended. */
export function inEffect(rule: { since: string | null; until: string | null }, day: string): boolean {
  return (rule.since === null || rule.since <= day) && (rule.until === null || day < rule.until);
}

export function last<T>(items: T[]): T | null {
  return items.length === 0 ? null : (items[items.length - 1] as T);
}
