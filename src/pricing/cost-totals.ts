import type { CostBreakdown, CostCategory, RequestResult, TotalCost } from '../core/types.js';
import { ExactSum } from './money.js';
import { COST_CATEGORIES as CATEGORIES } from './rules/token-categories.js';

/**
 * Exact running sums of request costs, in constant memory, for the report totals and each --group-by
 * group. One unpriced request leaves the total unknown (null), since a partial sum would read as the whole.
 */
export class CostAccumulator {
  private readonly total = new ExactSum();
  private readonly withoutCache = new ExactSum();
  // A literal (not built from COST_CATEGORIES) and added to field by field below: this runs per request.
  private readonly breakdown: Record<CostCategory, ExactSum> = {
    input: new ExactSum(),
    cache_write_5m: new ExactSum(),
    cache_write_1h: new ExactSum(),
    cache_write_unknown_ttl: new ExactSum(),
    cache_read: new ExactSum(),
    output: new ExactSum(),
    web_search: new ExactSum(),
    web_fetch: new ExactSum(),
  };
  private priced = 0;
  private unpriced = 0;
  private confirmed = true;
  private readonly unconfirmedModels = new Set<string>();
  private readonly unpricedModels = new Set<string>();

  add(r: RequestResult): void {
    const c = r.cost;
    if (!c) return;
    if (!c.priced || !c.confirmed) this.noteModels(r);
    if (!c.priced) {
      this.unpriced++;
      return;
    }
    this.priced++;
    this.total.add(c.total ?? 0);
    this.withoutCache.add(c.without_cache ?? 0);
    const b = c.breakdown;
    if (b) {
      const s = this.breakdown;
      s.input.add(b.input);
      s.cache_write_5m.add(b.cache_write_5m);
      s.cache_write_1h.add(b.cache_write_1h);
      s.cache_write_unknown_ttl.add(b.cache_write_unknown_ttl);
      s.cache_read.add(b.cache_read);
      s.output.add(b.output);
      s.web_search.add(b.web_search);
      s.web_fetch.add(b.web_fetch);
    }
    if (!c.confirmed) this.confirmed = false;
  }

  /**
   * Adds the sums of another accumulator, a structured clone of one (as worker threads send them): the
   * same as having added its requests here, in any order.
   */
  merge(other: CostAccumulator): void {
    this.total.merge(other.total);
    this.withoutCache.merge(other.withoutCache);
    for (const k of CATEGORIES) this.breakdown[k].merge(other.breakdown[k]);
    this.priced += other.priced;
    this.unpriced += other.unpriced;
    this.confirmed &&= other.confirmed;
    for (const m of other.unconfirmedModels) this.unconfirmedModels.add(m);
    for (const m of other.unpricedModels) this.unpricedModels.add(m);
  }

  /** Which models left a request unpriced or unconfirmed (its iterations each count on their own). */
  private noteModels(r: RequestResult): void {
    const parts = r.iterations.length > 0 ? r.iterations.filter((it) => it.billed) : [r];
    for (const p of parts) {
      if (!p.cost) continue;
      if (!p.cost.priced) this.unpricedModels.add(p.model ?? '(no model)');
      else if (!p.cost.confirmed) for (const id of p.cost.models) this.unconfirmedModels.add(id);
    }
  }

  result(): TotalCost {
    const notes: string[] = [];
    const n = this.priced + this.unpriced;
    if (this.unpriced > 0) {
      notes.push(
        `${this.unpriced} of ${n} requests have no price (${[...this.unpricedModels].sort().join(', ')}), so the total is unknown`,
      );
    }
    if (this.unconfirmedModels.size > 0) {
      notes.push(
        `includes prices not confirmed on the official pricing page: ${[...this.unconfirmedModels].sort().join(', ')}`,
      );
    }
    const known = this.unpriced === 0;
    const total = this.total.value;
    const without = this.withoutCache.value;
    const breakdown = Object.fromEntries(
      CATEGORIES.map((k) => [k, this.breakdown[k].value]),
    ) as CostBreakdown<bigint>;
    return {
      priced: known,
      total: known ? total : null,
      without_cache: known ? without : null,
      savings: known ? without - total : null,
      breakdown: known ? breakdown : null,
      confirmed: known && this.confirmed,
      notes,
      requests_priced: this.priced,
      requests_unpriced: this.unpriced,
      unconfirmed_models: [...this.unconfirmedModels].sort(),
      unpriced_models: [...this.unpricedModels].sort(),
    };
  }
}
