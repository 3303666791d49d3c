import { zeroUsage } from '../extract/usage.js';
import { CostAccumulator } from '../pricing/cost-totals.js';
import { hitRate } from './cache-verdict.js';
import type { RequestResult, Totals, Usage } from './types.js';

/** Adds `u` into `into` in place; tier, speed and geo survive only while every request agrees. */
function addInto(into: Usage, u: Usage, first: boolean): void {
  into.input_tokens += u.input_tokens;
  into.cache_creation_input_tokens += u.cache_creation_input_tokens;
  into.cache_read_input_tokens += u.cache_read_input_tokens;
  const split = into.cache_creation;
  const s5 = u.cache_creation.ephemeral_5m_input_tokens;
  const s1 = u.cache_creation.ephemeral_1h_input_tokens;
  if (first) {
    split.ephemeral_5m_input_tokens = s5;
    split.ephemeral_1h_input_tokens = s1;
  } else {
    if (s5 !== null || split.ephemeral_5m_input_tokens !== null)
      split.ephemeral_5m_input_tokens = (split.ephemeral_5m_input_tokens ?? 0) + (s5 ?? 0);
    if (s1 !== null || split.ephemeral_1h_input_tokens !== null)
      split.ephemeral_1h_input_tokens = (split.ephemeral_1h_input_tokens ?? 0) + (s1 ?? 0);
  }
  into.cache_creation_unknown_ttl_tokens += u.cache_creation_unknown_ttl_tokens;
  into.output_tokens += u.output_tokens;
  if (u.thinking_tokens !== null) into.thinking_tokens = (into.thinking_tokens ?? 0) + u.thinking_tokens;
  into.total_input_tokens += u.total_input_tokens;
  for (const key in u.server_tool_use) {
    into.server_tool_use[key] = (into.server_tool_use[key] ?? 0) + (u.server_tool_use[key] ?? 0);
  }
  if (first) {
    into.service_tier = u.service_tier;
    into.speed = u.speed;
    into.inference_geo = u.inference_geo;
  } else {
    if (into.service_tier !== u.service_tier) into.service_tier = null;
    if (into.speed !== u.speed) into.speed = null;
    if (into.inference_geo !== u.inference_geo) into.inference_geo = null;
  }
}

/**
 * Running totals over a stream of requests, in constant memory: sums are updated in place, so a
 * gigabyte of input costs no more than one request.
 */
export class TotalsAccumulator {
  private requests = 0;
  private withUsage = 0;
  private readonly usage = zeroUsage();
  private readonly billed = zeroUsage();
  private readonly cost = new CostAccumulator();

  add(r: RequestResult): void {
    this.requests++;
    this.cost.add(r);
    if (!r.usage || !r.billed_usage) return;
    const first = this.withUsage === 0;
    addInto(this.usage, r.usage, first);
    addInto(this.billed, r.billed_usage, first);
    this.withUsage++;
  }

  get count(): number {
    return this.requests;
  }

  /**
   * Adds the totals of requests that came after those added so far, from a structured clone of another
   * accumulator (as worker threads send them). addInto is associative, so this equals adding them one by
   * one: sums add, an unknown TTL split stays unknown only if unknown on both sides, and tier, speed and
   * geo survive only where both sides agree.
   */
  merge(other: TotalsAccumulator): void {
    this.requests += other.requests;
    this.cost.merge(other.cost);
    if (other.withUsage === 0) return;
    const first = this.withUsage === 0;
    addInto(this.usage, other.usage, first);
    addInto(this.billed, other.billed, first);
    this.withUsage += other.withUsage;
  }

  result(): Totals {
    return {
      requests: this.requests,
      requests_with_usage: this.withUsage,
      usage: structuredClone(this.usage),
      billed_usage: structuredClone(this.billed),
      hit_rate: hitRate(this.billed.cache_read_input_tokens, this.billed.total_input_tokens),
      cost: this.cost.result(),
    };
  }
}

export function computeTotals(requests: Iterable<RequestResult>): Totals {
  const acc = new TotalsAccumulator();
  for (const r of requests) acc.add(r);
  return acc.result();
}
