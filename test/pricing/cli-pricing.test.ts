import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseJson as json } from '../support/report-schema.js';
import { runCli as spawnCli } from '../support/run-cli.js';

// End to end: the built CLI as a user runs it. `npm test` builds dist/ first (pretest).

function runCli(args: string[], env: Record<string, string> = {}) {
  return spawnCli(args, { env });
}

describe('cost in inspect output', () => {
  it('puts exact cost per request, per iteration and in the totals into JSON', async () => {
    const run = await runCli([
      'inspect',
      'fixtures/02-cache-write-1h-stream.sse',
      'fixtures/06-compaction-iterations.json',
      '-f',
      'json',
    ]);
    expect(run.code).toBe(0);
    const report = json(run.stdout);
    const [sse, compaction] = report.requests;
    // 13 × $3 + 3,913 1h writes × $6 + 4 × $15 (Sonnet 4.6)
    expect(sse.cost.total_usd).toBe(0.023577);
    expect(sse.cost.breakdown.cache_write_1h_usd).toBe(0.023478);
    expect(sse.cost.without_cache_usd).toBe(0.011838);
    expect(sse.cost.savings_usd).toBe(-0.011739);
    expect(sse.cost.priced).toBe(true);
    expect(sse.cost.confirmed).toBe(true);
    // Billed: every iteration; top level: the message iteration only (Opus 4.6 at $5 / $25).
    expect(compaction.cost.total_usd).toBe(0.353135);
    expect(compaction.top_level_cost.total_usd).toBe(0.03641);
    expect(compaction.iterations.map((it: { cost: { total_usd: number } }) => it.cost.total_usd)).toEqual([
      0.316725, 0.03641,
    ]);
    expect(report.totals.cost.total_usd).toBe(0.376712);
    expect(report.totals.cost.requests_priced).toBe(2);
    expect(report.schema_version).toBe(1);
  });

  it('prices batch results at half, stacking with the 1h write rate', async () => {
    const run = await runCli(['inspect', 'fixtures/pricing-batch-results.jsonl', '-f', 'json']);
    const report = json(run.stdout);
    // 50 × $5 × 0.5 + 100,000 × $10 × 0.5 + 1,000 × $25 × 0.5
    expect(report.requests[0].cost.total_usd).toBe(0.512625);
    // No service_tier on the line; the batch file says it: 10,000 × $1 × 0.5 + 2,000 × $5 × 0.5
    expect(report.requests[1].cost.total_usd).toBe(0.01);
    expect(report.requests[2].cost).toBeNull();
    expect(report.totals.cost.total_usd).toBe(0.522625);
  });

  it('warns about an unknown model, says how to add a price, and never shows $0', async () => {
    const run = await runCli(['inspect', 'fixtures/pricing-unknown-model.json', '-f', 'json']);
    expect(run.code).toBe(0);
    const report = json(run.stdout);
    expect(report.requests[0].cost.priced).toBe(false);
    expect(report.requests[0].cost.total_usd).toBeNull();
    expect(report.totals.cost.total_usd).toBeNull();
    expect(run.stderr).toContain(
      'fixtures/pricing-unknown-model.json:1: warning: no price for model "claude-opus-9": add a price with --pricing FILE',
    );
    const table = await runCli(['inspect', 'fixtures/pricing-unknown-model.json']);
    expect(table.stdout).not.toContain('$0');
    expect(table.stdout).toMatch(/│ +\? │/);
    expect(table.stdout).toContain(
      '? cost unknown for claude-opus-9 (the warnings say why); --pricing FILE adds prices',
    );
  });

  it('shows Cost and Saved columns, keeps Cost in the compact layout, and marks unconfirmed prices', async () => {
    const wide = await runCli(['inspect', 'fixtures/02-cache-write-1h-stream.sse'], { COLUMNS: '200' });
    expect(wide.stdout).toMatch(/│ +Cost │ +Saved │/);
    expect(wide.stdout).toContain('$0.023577');
    expect(wide.stdout).toContain('-$0.011739');
    const narrow = await runCli(['inspect', 'fixtures/02-cache-write-1h-stream.sse'], { COLUMNS: '100' });
    expect(narrow.stdout).toContain('Cost');
    expect(narrow.stdout).not.toContain('Saved');
    const dir = mkdtempSync(join(tmpdir(), 'usage-inspect-'));
    const file = join(dir, 'haiku55.json');
    writeFileSync(
      file,
      JSON.stringify({
        type: 'message',
        model: 'claude-haiku-5-5',
        usage: { input_tokens: 1000, output_tokens: 100 },
      }),
    );
    const flagged = await runCli(['inspect', file]);
    // 1,000 × $0.10 + 100 × $0.50 = $0.00015, flagged as not confirmed
    expect(flagged.stdout).toContain('~$0.00015');
    expect(flagged.stdout).toContain('~ price not confirmed on the official pricing page: claude-haiku-5-5');
    expect(json((await runCli(['inspect', file, '-f', 'json'])).stdout).requests[0].cost.confirmed).toBe(
      false,
    );
  });

  it('adds cost columns to CSV (exact decimals) and Markdown', async () => {
    const csv = await runCli(['inspect', 'fixtures/05-cache-write-then-read-2streams.sse', '-f', 'csv']);
    const [head, first] = csv.stdout.split('\r\n');
    const cols = head?.split(',') ?? [];
    const cells = first?.split(',') ?? [];
    const at = (name: string) => cells[cols.indexOf(name)];
    // 4 × $3 + 1,165 unknown-TTL writes × $3.75 + 201 × $15
    expect(at('cost_usd')).toBe('0.00739575');
    expect(at('savings_usd')).toBe('-0.00087375');
    expect(at('cost_priced')).toBe('true');
    const md = await runCli(['inspect', 'fixtures/05-cache-write-then-read-2streams.sse', '-f', 'markdown']);
    expect(md.stdout).toContain('| Cost | Saved |');
    expect(md.stdout).toContain('$0.007396');
  });
});

describe('--explain', () => {
  it('prints each request’s formula with its numbers after the table', async () => {
    const run = await runCli(['inspect', 'fixtures/pricing-batch-results.jsonl', '--explain']);
    expect(run.stdout).toContain('cache write 1h       100,000 × $10/MTok × 0.5 batch = $0.5');
    expect(run.stdout).toContain('= $0.512625 (0.000125 + 0.5 + 0.0125)');
    expect(run.stdout).toContain('Total: $0.522625 over 2 requests');
  });

  it('explains iterations one by one, with the billed and top-level totals', async () => {
    const run = await runCli(['inspect', 'fixtures/06-compaction-iterations.json', '--explain']);
    expect(run.stdout).toContain('iteration 1.1 compaction · claude-opus-4-6');
    expect(run.stdout).toContain('input                 60,385 × $5/MTok = $0.301925');
    expect(run.stdout).toContain('billed: sum of billed iterations = $0.353135 (0.316725 + 0.03641)');
    expect(run.stdout).toContain('top-level usage fields alone: $0.03641');
  });

  it('goes to stderr with --format json, and adds the priced lines to each JSON cost', async () => {
    const run = await runCli(['inspect', 'fixtures/pricing-batch-results.jsonl', '--explain', '-f', 'json']);
    const report = json(run.stdout);
    expect(run.stderr).toContain('× 0.5 batch');
    const write = report.requests[0].cost.items.find(
      (i: { category: string }) => i.category === 'cache_write_1h',
    );
    expect(write).toEqual({
      category: 'cache_write_1h',
      iteration: null,
      model: 'claude-opus-4-5',
      quantity: 100000,
      unit: 'tokens',
      rate_per: 'million_tokens',
      base_rate_usd: 10,
      factors: [{ name: 'batch', multiplier: '0.5' }],
      rate_usd: 5,
      amount_usd: 0.5,
    });
    const plain = json(
      (await runCli(['inspect', 'fixtures/pricing-batch-results.jsonl', '-f', 'json'])).stdout,
    );
    expect(plain.requests[0].cost).not.toHaveProperty('items');
  });

  it('explains each request on stderr as ndjson streams', async () => {
    const run = await runCli([
      'inspect',
      'fixtures/pricing-batch-results.jsonl',
      '--explain',
      '-f',
      'ndjson',
    ]);
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0].cost.items).toHaveLength(3);
    expect(run.stderr).toContain('#1 long-doc-1h · claude-opus-4-5-20251101');
    expect(run.stderr).toContain('Total: $0.522625 over 2 requests');
  });
});

describe('cost per group', () => {
  it('adds cost to every --group-by group, summed exactly', async () => {
    const run = await runCli([
      'inspect',
      'fixtures/pricing-batch-results.jsonl',
      'fixtures/06-compaction-iterations.json',
      '--group-by',
      'model',
      '-f',
      'json',
    ]);
    const groups = json(run.stdout).groups as { key: string; cost: { total_usd: number } }[];
    expect(Object.fromEntries(groups.map((g) => [g.key, g.cost.total_usd]))).toEqual({
      'claude-opus-4-5-20251101': 0.512625,
      'claude-haiku-4-5-20251001': 0.01,
      'claude-opus-4-6': 0.353135,
      '(unknown model)': 0,
    });
    const table = await runCli(['inspect', 'fixtures/pricing-batch-results.jsonl', '--group-by', 'model'], {
      COLUMNS: '250',
    });
    expect(table.stdout).toMatch(/claude-opus-4-5-20251101 .*\$0\.512625/);
  });
});

describe('usage-inspect pricing', () => {
  it('prints the table in use with its date and sources', async () => {
    const run = await runCli(['pricing'], { COLUMNS: '250' });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Prices in USD per million tokens as of 2026-11-21 (built-in)');
    expect(run.stdout).toMatch(/│ claude-opus-4-6 +│ +\$5 │ +\$6\.25 │ +\$10 │ +\$0\.5 │ +\$25 │/);
    expect(run.stdout).toMatch(/claude-haiku-5-5 .*>100K: \$0\.5\/\$2\.5.*~reported/);
    expect(run.stdout).toContain('https://platform.claude.com/docs/en/about-claude/pricing');
    expect(run.stdout).toContain('Web search: $0.01 per search');
  });

  it('prints one model, found from a Bedrock id, with every dated rule', async () => {
    const run = await runCli(['pricing', 'anthropic.claude-opus-4-6-v1:0']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      'claude-opus-4-6 (Claude Opus 4.6), resolved from "anthropic.claude-opus-4-6-v1:0"',
    );
    expect(run.stdout).toContain('Fast mode 2026-02-05 to 2026-06-29: 6× every token category');
    expect(run.stdout).toContain('Long context 2026-02-05 to 2026-03-13: over 200,000 tokens');
    expect(run.stdout).toContain('inferred (not confirmed)');
    expect(run.stdout).toContain('Minimum cacheable prompt: 4,096 tokens');
  });

  it('prints JSON with every model, its prices, rules and sources', async () => {
    const run = await runCli(['pricing', '-f', 'json']);
    const doc = JSON.parse(run.stdout);
    expect(doc.as_of).toBe('2026-11-21');
    expect(doc.models).toHaveLength(27);
    const sonnet55 = doc.models.find((m: { id: string }) => m.id === 'claude-sonnet-5-5');
    expect(
      sonnet55.prices.map((p: { since: string; cache_read: number }) => [p.since, p.cache_read]),
    ).toEqual([
      [null, 0.2],
      ['2026-10-07', 0.1],
    ]);
    expect(sonnet55.confirmed).toBe(false);
    expect(doc.server_tools.web_search_requests.usd_per_request).toBe(0.01);
  });

  it('fails on a model it has no price for', async () => {
    const run = await runCli(['pricing', 'gpt-4o']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'usage-inspect: no price for model "gpt-4o"; usage-inspect pricing lists the known models, and --pricing FILE adds one\n',
    );
  });
});

describe('--pricing FILE', () => {
  it('adds models and fills in a model with no public price', async () => {
    const run = await runCli([
      'inspect',
      'fixtures/pricing-unknown-model.json',
      '--pricing',
      'fixtures/pricing-overrides.json',
      '-f',
      'json',
    ]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const cost = json(run.stdout).requests[0].cost;
    // 1,200 × $6 + 300 × $30
    expect(cost.total_usd).toBe(0.0162);
    expect(cost.confirmed).toBe(true);
    const shown = await runCli(['pricing', 'claude-opus-9', '--pricing', 'fixtures/pricing-overrides.json']);
    expect(shown.stdout).toContain('Entry from: fixtures/pricing-overrides.json');
    // Cache rates left out follow the standard multipliers: 6 × 1.25, 6 × 2, 6 × 0.1.
    expect(shown.stdout).toContain('input $6, 5m write $7.5, 1h write $12, cache read $0.6, output $30');
    const preview = await runCli([
      'pricing',
      'claude-mythos-preview',
      '--pricing',
      'fixtures/pricing-overrides.json',
    ]);
    expect(preview.stdout).toContain('Entry from: built-in + fixtures/pricing-overrides.json');
  });

  it('names the file, line and field of each bad entry, uses the good ones and exits 2', async () => {
    const run = await runCli([
      'inspect',
      'fixtures/pricing-unknown-model.json',
      '--pricing',
      'fixtures/pricing-overrides-bad.json',
      '-f',
      'json',
    ]);
    expect(run.code).toBe(2);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toContain(
      'fixtures/pricing-overrides-bad.json:3: error: models["claude-opus-9"].input: must be a number ≥ 0 with at most 6 decimals (USD per million tokens)',
    );
    expect(lines).toContain(
      'fixtures/pricing-overrides-bad.json:4: error: models["claude-new-1"]: unknown field "ouput"',
    );
    // The bad entry is left out, so the request stays unpriced and says so.
    expect(json(run.stdout).requests[0].cost.priced).toBe(false);
    const good = await runCli([
      'pricing',
      'claude-mythos-preview',
      '--pricing',
      'fixtures/pricing-overrides-bad.json',
    ]);
    expect(good.code).toBe(2);
    expect(good.stdout).toContain('input $25');
  });

  it('reports a file that is not JSON, or missing, with its name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'usage-inspect-'));
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{\n  "models": {\n    "x": { "input": 1, }\n  }\n}\n');
    const run = await runCli(['pricing', '--pricing', broken]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`^${broken}:3: error: pricing file is not valid JSON: `));
    expect(run.stdout).toContain('claude-opus-4-6');
    const missing = await runCli(['pricing', '--pricing', join(dir, 'none.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('none.json: error: cannot read pricing file: no such file or folder');
    const wrongShape = join(dir, 'shape.json');
    writeFileSync(wrongShape, '{"claude-x": {"input": 1}}');
    expect((await runCli(['pricing', '--pricing', wrongShape])).stderr).toContain('unknown field "claude-x"');
  });
});
