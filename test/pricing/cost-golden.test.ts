import { describe, expect, it } from 'vitest';
import { computeTotals } from '../../src/core/analyze.js';
import { usdString } from '../../src/pricing/money.js';
import { pricingProblems } from '../../src/pricing/pricing-problems.js';
import { analyze, usd } from './helpers.js';

// Every expected amount below is worked by hand from the rates in src/data/prices.json:
// tokens × $/MTok ÷ 1,000,000, then the multipliers.

describe('each category at its own rate', () => {
  it('prices uncached input, 5m writes, 1h writes, reads and output separately (Sonnet 4.6)', () => {
    const r = analyze('claude-sonnet-4-6', {
      input_tokens: 1000,
      cache_creation_input_tokens: 6000,
      cache_read_input_tokens: 10000,
      cache_creation: { ephemeral_5m_input_tokens: 2000, ephemeral_1h_input_tokens: 4000 },
      output_tokens: 500,
    });
    // 1,000 × $3 = 0.003; 2,000 × $3.75 = 0.0075; 4,000 × $6 = 0.024; 10,000 × $0.30 = 0.003; 500 × $15 = 0.0075
    expect(usd(r.cost)).toBe('0.045');
    expect(r.cost?.breakdown && usdString(r.cost.breakdown.cache_write_1h)).toBe('0.024');
    expect(r.cost?.breakdown && usdString(r.cost.breakdown.cache_write_5m)).toBe('0.0075');
    // Without cache: 17,000 input × $3 = 0.051, + output 0.0075 = 0.0585; saved 0.0135.
    expect(r.cost?.without_cache && usdString(r.cost.without_cache)).toBe('0.0585');
    expect(r.cost?.savings && usdString(r.cost.savings)).toBe('0.0135');
    expect(r.cost?.confirmed).toBe(true);
    expect(r.top_level_cost).toBeNull(); // no iterations: the top level is the bill
  });

  it('reads at the model’s own cache-read rate, not always 0.1× (Opus 5.5 at 0.05×)', () => {
    const r = analyze('claude-opus-5-5', {
      input_tokens: 0,
      cache_read_input_tokens: 1_000_000,
      output_tokens: 0,
    });
    // 1,000,000 × $0.20 = 0.2 (0.1× would be 0.4)
    expect(usd(r.cost)).toBe('0.2');
    expect(r.cost?.confirmed).toBe(false);
    expect(r.cost?.notes.join('\n')).toMatch(/claude-opus-5-5 price is reported, not confirmed/);
  });

  it('prices writes of unknown TTL at the 5m rate and says so', () => {
    const r = analyze('claude-3-5-sonnet-20240620', {
      input_tokens: 4,
      cache_creation_input_tokens: 1165,
      cache_read_input_tokens: 0,
      output_tokens: 201,
    });
    // 4 × $3 = 0.000012; 1,165 × $3.75 = 0.00436875; 201 × $15 = 0.003015
    expect(usd(r.cost)).toBe('0.00739575');
    expect(r.cost?.breakdown && usdString(r.cost.breakdown.cache_write_unknown_ttl)).toBe('0.00436875');
    expect(r.cost?.notes.join('\n')).toMatch(
      /1,165 cache-write tokens have no 5m\/1h split: priced at the 5m rate/,
    );
    const warnings = pricingProblems([r]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toMatch(/1,165 cache-write tokens in 1 request have no 5m\/1h split/);
  });
});

describe('batch', () => {
  const usage = { input_tokens: 10000, output_tokens: 2000 };
  it('halves input and output when service_tier is batch (Haiku 4.5)', () => {
    // 10,000 × $1 × 0.5 = 0.005; 2,000 × $5 × 0.5 = 0.005
    expect(usd(analyze('claude-haiku-4-5', { ...usage, service_tier: 'batch' }).cost)).toBe('0.01');
  });

  it('halves them for a batch results line without service_tier', () => {
    expect(usd(analyze('claude-haiku-4-5', usage, { batch: true }).cost)).toBe('0.01');
    expect(usd(analyze('claude-haiku-4-5', usage).cost)).toBe('0.02');
  });

  it('stacks with the 1h write rate (Opus 4.5)', () => {
    const r = analyze('claude-opus-4-5-20251101', {
      input_tokens: 50,
      cache_creation_input_tokens: 100000,
      cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 100000 },
      output_tokens: 1000,
      service_tier: 'batch',
    });
    // 50 × $5 × 0.5 = 0.000125; 100,000 × $10 × 0.5 = 0.5; 1,000 × $25 × 0.5 = 0.0125
    expect(usd(r.cost)).toBe('0.512625');
    const item = r.cost?.items.find((i) => i.category === 'cache_write_1h');
    expect(item?.factors).toEqual([{ name: 'batch', multiplier: '0.5' }]);
  });
});

describe('long context', () => {
  it('moves every token of a Haiku 5.5 request over 100,000 prompt tokens to the higher band', () => {
    const r = analyze('claude-haiku-5-5', {
      input_tokens: 90000,
      cache_read_input_tokens: 20000,
      output_tokens: 1000,
    });
    // counted 110,000 > 100,000: 90,000 × $0.50 = 0.045; 20,000 × $0.05 = 0.001; 1,000 × $2.50 = 0.0025
    expect(usd(r.cost)).toBe('0.0485');
    expect(r.cost?.notes.join('\n')).toMatch(/long context: 110,000 input tokens/);
  });

  it('keeps the lower band at exactly the threshold', () => {
    const r = analyze('claude-haiku-5-5', {
      input_tokens: 80000,
      cache_read_input_tokens: 20000,
      output_tokens: 1000,
    });
    // 80,000 × $0.10 = 0.008; 20,000 × $0.01 = 0.0002; 1,000 × $0.50 = 0.0005
    expect(usd(r.cost)).toBe('0.0087');
  });

  it('counts cache reads and writes toward the Sonnet 4.5 200K threshold, with cache reads repriced', () => {
    const usage = {
      input_tokens: 4000,
      cache_read_input_tokens: 196000,
      cache_creation_input_tokens: 1000,
      cache_creation: { ephemeral_5m_input_tokens: 1000, ephemeral_1h_input_tokens: 0 },
      output_tokens: 2000,
    };
    // counted 201,000 > 200,000: 4,000 × $6 = 0.024; 196,000 × $0.60 = 0.1176; 1,000 × $7.50 = 0.0075;
    // 2,000 × $22.50 = 0.045
    expect(usd(analyze('claude-sonnet-4-5', usage, { timestamp: '2026-03-01T10:00:00Z' }).cost)).toBe(
      '0.1941',
    );
    // Undated: such a request is rejected since 2026-04-30, so it predates that and the rule applies.
    expect(usd(analyze('claude-sonnet-4-5', usage).cost)).toBe('0.1941');
    // Below the threshold the standard rates apply: 4,000 input less is 197,000 counted.
    const under = { ...usage, input_tokens: 0 };
    // 196,000 × $0.30 = 0.0588; 1,000 × $3.75 = 0.00375; 2,000 × $15 = 0.03
    expect(usd(analyze('claude-sonnet-4-5', under, { timestamp: '2026-03-01T10:00:00Z' }).cost)).toBe(
      '0.09255',
    );
  });

  it('judges each iteration on its own', () => {
    const r = analyze('claude-haiku-5-5', {
      input_tokens: 30000,
      output_tokens: 500,
      iterations: [
        { type: 'compaction', input_tokens: 120000, output_tokens: 2000 },
        { type: 'message', input_tokens: 30000, output_tokens: 500 },
      ],
    });
    // compaction 120,000 > 100K: 120,000 × $0.50 = 0.06; 2,000 × $2.50 = 0.005 → 0.065
    // message 30,000 ≤ 100K: 30,000 × $0.10 = 0.003; 500 × $0.50 = 0.00025 → 0.00325
    expect(usd(r.iterations[0]?.cost)).toBe('0.065');
    expect(usd(r.iterations[1]?.cost)).toBe('0.00325');
    expect(usd(r.cost)).toBe('0.06825');
    expect(usd(r.top_level_cost)).toBe('0.00325');
  });

  it('matches the documented Opus 4.6 fast price above 200K ($60 / $225)', () => {
    const r = analyze(
      'claude-opus-4-6',
      { input_tokens: 250000, output_tokens: 1000, speed: 'fast' },
      { timestamp: '2026-02-20T00:00:00Z' },
    );
    // 250,000 × $10 × 6 = 15; 1,000 × $37.50 × 6 = 0.225
    expect(usd(r.cost)).toBe('15.225');
    expect(r.cost?.confirmed).toBe(false); // the long-context rates are inferred
  });

  it('prices Opus 4.6 over 200K at standard rates once the full window became standard', () => {
    const r = analyze(
      'claude-opus-4-6',
      { input_tokens: 250000, output_tokens: 1000 },
      { timestamp: '2026-04-01' },
    );
    // 250,000 × $5 = 1.25; 1,000 × $25 = 0.025
    expect(usd(r.cost)).toBe('1.275');
  });
});

describe('fast mode and US inference', () => {
  it('prices speed fast at the model’s fast rates (Opus 5, 2×)', () => {
    const r = analyze('claude-opus-5', { input_tokens: 10000, output_tokens: 1000, speed: 'fast' });
    // 10,000 × $5 × 2 = 0.1; 1,000 × $25 × 2 = 0.05
    expect(usd(r.cost)).toBe('0.15');
  });

  it('uses the fast multiplier in force on the day (Opus 4.6 at 6× before its removal)', () => {
    const r = analyze(
      'claude-opus-4-6',
      { input_tokens: 1000, output_tokens: 1000, speed: 'fast' },
      { timestamp: '2026-03-01T00:00:00Z' },
    );
    // 1,000 × $5 × 6 = 0.03; 1,000 × $25 × 6 = 0.15
    expect(usd(r.cost)).toBe('0.18');
  });

  it('leaves fast mode without a price unpriced, never at standard rates', () => {
    const r = analyze('claude-sonnet-4-6', { input_tokens: 1000, output_tokens: 1000, speed: 'fast' });
    expect(r.cost?.priced).toBe(false);
    expect(r.cost?.total).toBeNull();
    expect(r.cost?.notes[0]).toMatch(/no fast-mode price for claude-sonnet-4-6/);
    const late = analyze(
      'claude-opus-4-7',
      { input_tokens: 1, output_tokens: 1, speed: 'fast' },
      { timestamp: '2026-08-01' },
    );
    expect(late.cost?.priced).toBe(false);
  });

  it('multiplies every category by 1.1 for inference_geo us (Opus 4.6)', () => {
    const r = analyze('claude-opus-4-6', {
      input_tokens: 10000,
      cache_read_input_tokens: 100000,
      output_tokens: 1000,
      inference_geo: 'us',
    });
    // 10,000 × $5 × 1.1 = 0.055; 100,000 × $0.50 × 1.1 = 0.055; 1,000 × $25 × 1.1 = 0.0275
    expect(usd(r.cost)).toBe('0.1375');
  });

  it('stacks US inference with fast mode and cache writes (Opus 5)', () => {
    const r = analyze('claude-opus-5', {
      input_tokens: 10000,
      cache_creation_input_tokens: 1000,
      cache_creation: { ephemeral_5m_input_tokens: 1000, ephemeral_1h_input_tokens: 0 },
      output_tokens: 2000,
      speed: 'fast',
      inference_geo: 'us',
    });
    // 10,000 × $5 × 2 × 1.1 = 0.11; 1,000 × $6.25 × 2 × 1.1 = 0.01375; 2,000 × $25 × 2 × 1.1 = 0.11
    expect(usd(r.cost)).toBe('0.23375');
    expect(r.cost?.items[0]?.factors.map((f) => f.name)).toEqual(['fast mode', 'US inference']);
  });

  it('adds no US multiplier to models before 4.6, with a note', () => {
    const r = analyze('claude-haiku-4-5', { input_tokens: 1000, output_tokens: 100, inference_geo: 'us' });
    // 1,000 × $1 = 0.001; 100 × $5 = 0.0005
    expect(usd(r.cost)).toBe('0.0015');
    expect(r.cost?.notes.join('\n')).toMatch(/no US multiplier/);
    expect(
      usd(
        analyze('claude-haiku-4-5', { input_tokens: 1000, output_tokens: 100, inference_geo: 'global' }).cost,
      ),
    ).toBe('0.0015');
  });

  it('stacks batch with US inference on the smallest rate without rounding (Haiku 5.5 cache read)', () => {
    const r = analyze('claude-haiku-5-5', {
      input_tokens: 0,
      cache_read_input_tokens: 1,
      output_tokens: 0,
      service_tier: 'batch',
      inference_geo: 'us',
    });
    // 1 × $0.01 × 0.5 × 1.1 = $0.0055 per million → 0.0000000055
    expect(usd(r.cost)).toBe('0.0000000055');
  });
});

describe('server tools', () => {
  it('charges $10 per 1,000 web searches, nothing for web fetch, and lists unknown tools', () => {
    const r = analyze('claude-sonnet-4-6', {
      input_tokens: 1000,
      output_tokens: 100,
      server_tool_use: { web_search_requests: 3, web_fetch_requests: 2, code_execution_requests: 1 },
    });
    // 1,000 × $3 = 0.003; 100 × $15 = 0.0015; 3 × $0.01 = 0.03; web fetch 0
    expect(usd(r.cost)).toBe('0.0345');
    expect(r.cost?.breakdown && usdString(r.cost.breakdown.web_search)).toBe('0.03');
    expect(r.cost?.notes).toContain('server tools not priced: code_execution_requests 1');
    // Searches cost the same without caching.
    expect(r.cost?.savings).toBe(0);
  });

  it('does not discount the search fee in a batch', () => {
    const r = analyze('claude-sonnet-4-6', {
      input_tokens: 1000,
      output_tokens: 100,
      service_tier: 'batch',
      server_tool_use: { web_search_requests: 1 },
    });
    // 0.003 × 0.5 + 0.0015 × 0.5 + 0.01
    expect(usd(r.cost)).toBe('0.01225');
  });
});

describe('iterations', () => {
  it('prices a compaction iteration on another model at that model’s rates', () => {
    const r = analyze('claude-sonnet-4-6', {
      input_tokens: 2000,
      output_tokens: 500,
      iterations: [
        { type: 'compaction', model: 'claude-haiku-4-5', input_tokens: 50000, output_tokens: 1000 },
        { type: 'message', input_tokens: 2000, output_tokens: 500 },
      ],
    });
    // compaction on Haiku 4.5: 50,000 × $1 = 0.05; 1,000 × $5 = 0.005 → 0.055
    // message on Sonnet 4.6: 2,000 × $3 = 0.006; 500 × $15 = 0.0075 → 0.0135
    expect(usd(r.iterations[0]?.cost)).toBe('0.055');
    expect(usd(r.cost)).toBe('0.0685');
    expect(usd(r.top_level_cost)).toBe('0.0135');
  });

  it('sums advisor iterations at the advisor model’s rates, fast mode applying to the executor only', () => {
    const r = analyze('claude-opus-4-8', {
      input_tokens: 2500,
      output_tokens: 300,
      speed: 'fast',
      iterations: [
        { type: 'message', input_tokens: 1000, output_tokens: 200 },
        { type: 'advisor_message', model: 'claude-opus-5-5', input_tokens: 5000, output_tokens: 300 },
        { type: 'message', input_tokens: 1500, output_tokens: 100 },
      ],
    });
    // executor (Opus 4.8, fast 2×): 1,000 × $10 + 200 × $50 = 0.02; 1,500 × $10 + 100 × $50 = 0.02
    // advisor (Opus 5.5, standard speed): 5,000 × $4 = 0.02; 300 × $20 = 0.006 → 0.026
    expect(usd(r.iterations[1]?.cost)).toBe('0.026');
    expect(usd(r.cost)).toBe('0.066');
    // top level (executor only): 2,500 × $10 + 300 × $50 = 0.04
    expect(usd(r.top_level_cost)).toBe('0.04');
    expect(r.iterations[1]?.cost?.notes.join('\n')).toMatch(/priced at standard speed/);
  });

  it('leaves the whole request unpriced when one billed iteration’s model has no price', () => {
    const r = analyze('claude-opus-5-5', {
      input_tokens: 1000,
      output_tokens: 100,
      iterations: [
        { type: 'message', input_tokens: 1000, output_tokens: 100 },
        { type: 'advisor_message', model: 'claude-advisor-x', input_tokens: 10, output_tokens: 10 },
      ],
    });
    expect(r.iterations[0]?.cost?.priced).toBe(true);
    expect(r.cost?.priced).toBe(false);
    expect(r.cost?.notes[0]).toMatch(/no price for model "claude-advisor-x"/);
    expect(pricingProblems([r])[0]?.message).toMatch(/^no price for model "claude-advisor-x"/);
    const totals = computeTotals([r]);
    expect(totals.cost.unpriced_models).toEqual(['claude-advisor-x']);
    expect(totals.cost.total).toBeNull();
  });

  it('does not charge declined fallback attempts', () => {
    const r = analyze('claude-opus-5', {
      input_tokens: 1000,
      output_tokens: 100,
      iterations: [
        { type: 'message', model: 'claude-fable-5', input_tokens: 1000, output_tokens: 5 },
        { type: 'fallback_message', model: 'claude-opus-5', input_tokens: 1000, output_tokens: 100 },
      ],
    });
    expect(r.iterations[0]?.billed).toBe(false);
    expect(usd(r.iterations[0]?.cost)).toBe('0');
    // 1,000 × $5 + 100 × $25 = 0.0075
    expect(usd(r.cost)).toBe('0.0075');
  });
});

describe('unknown models and dated prices', () => {
  it('leaves an unknown model without a cost, never $0, and says how to add a price', () => {
    const r = analyze('claude-opus-9', { input_tokens: 1000, output_tokens: 100 });
    expect(r.cost?.priced).toBe(false);
    expect(r.cost?.total).toBeNull();
    expect(r.cost?.notes[0]).toMatch(/no price for model "claude-opus-9": add a price with --pricing FILE/);
    const warnings = pricingProblems([r, { ...r, index: 2 }]);
    expect(warnings.map((w) => w.message)).toEqual([
      'no price for model "claude-opus-9": add a price with --pricing FILE (usage-inspect pricing --help) (2 requests left without a cost)',
    ]);
  });

  it('leaves a model with no public price unpriced', () => {
    expect(analyze('claude-mythos-preview', { input_tokens: 1, output_tokens: 1 }).cost?.priced).toBe(false);
  });

  it('uses the price in force on the request’s day (Sonnet 5.5 cache reads from $0.20 to $0.10)', () => {
    const usage = { input_tokens: 0, cache_read_input_tokens: 100000, output_tokens: 0 };
    expect(usd(analyze('claude-sonnet-5-5', usage, { timestamp: '2026-10-06T23:59:59Z' }).cost)).toBe('0.02');
    expect(usd(analyze('claude-sonnet-5-5', usage, { timestamp: '2026-10-07T00:00:00Z' }).cost)).toBe('0.01');
    const undated = analyze('claude-sonnet-5-5', usage);
    expect(usd(undated.cost)).toBe('0.01');
    expect(undated.cost?.notes.join('\n')).toMatch(
      /no timestamp: priced at the claude-sonnet-5-5 rates in effect on 2026-11-21/,
    );
  });

  it('resolves Bedrock and Vertex forms to the same price', () => {
    const usage = { input_tokens: 1000, output_tokens: 100 };
    for (const model of [
      'claude-sonnet-4-5-20250929',
      'anthropic.claude-sonnet-4-5-20250929-v1:0',
      'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
      'claude-sonnet-4-5@20250929',
    ]) {
      // 1,000 × $3 + 100 × $15
      expect(usd(analyze(model, usage).cost)).toBe('0.0045');
    }
  });
});

describe('totals', () => {
  it('sums exactly and leaves the total unknown when any request is unpriced', () => {
    const one = analyze('claude-haiku-4-5', { input_tokens: 1, output_tokens: 0 }); // $0.000001
    const many = Array.from({ length: 300 }, (_, i) => ({ ...one, index: i + 1 }));
    const totals = computeTotals(many);
    expect(totals.cost.total === null ? null : usdString(totals.cost.total)).toBe('0.0003');
    expect(totals.cost.requests_priced).toBe(300);
    const unknown = analyze('gpt-4o', { input_tokens: 1, output_tokens: 1 });
    const mixed = computeTotals([one, unknown]);
    expect(mixed.cost.priced).toBe(false);
    expect(mixed.cost.total).toBeNull();
    expect(mixed.cost.requests_unpriced).toBe(1);
    expect(mixed.cost.notes[0]).toBe('1 of 2 requests have no price (gpt-4o), so the total is unknown');
  });
});
