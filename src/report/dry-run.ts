import type { PlannedRequest } from '../request/build-request.js';
import { type Breakpoint, MAX_BREAKPOINTS } from '../request/cache-control.js';
import { SCHEMA_VERSION } from './json.js';

export interface DryRun extends PlannedRequest {
  breakpoints: Breakpoint[];
  calls: number;
  delayMs: number;
}

export function breakpointJson(b: Breakpoint) {
  return { index: b.index, section: b.section, location: b.location, ttl: b.ttl };
}

/** `send --dry-run --format json`: the body that would be sent and where its breakpoints are. */
export function renderDryRunJson(plan: DryRun): string {
  const doc = {
    schema_version: SCHEMA_VERSION,
    dry_run: true,
    request: plan.body,
    betas: plan.betas,
    breakpoints: plan.breakpoints.map(breakpointJson),
    calls: plan.calls,
    delay_ms: plan.delayMs,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** `send --dry-run`: the body as JSON, then the breakpoints in prefix order. */
export function renderDryRunText(plan: DryRun): string {
  const lines = ['Request body (not sent):', JSON.stringify(plan.body, null, 2)];
  if (plan.betas.length > 0) lines.push(`anthropic-beta: ${plan.betas.join(',')}`);
  if (plan.breakpoints.length === 0) {
    lines.push('Cache breakpoints: none');
  } else {
    lines.push(
      `Cache breakpoints (${plan.breakpoints.length} of at most ${MAX_BREAKPOINTS}, in prefix order):`,
    );
    for (const b of plan.breakpoints) {
      const where =
        b.section === 'automatic' ? 'cache_control (automatic: the last cacheable block)' : b.location;
      lines.push(`  ${b.index}. ${where}  ttl ${b.ttl}`);
    }
  }
  if (plan.calls > 1) lines.push(`Would send ${plan.calls} times, ${plan.delayMs} ms apart.`);
  return `${lines.join('\n')}\n`;
}
