import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { fixture, ROOT, runCli } from './support/run-cli.js';

const schema = JSON.parse(readFileSync(join(ROOT, 'schema/report.schema.json'), 'utf8'));
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);

const HITS = fixture('recording-cache-hits.jsonl');
const SYSTEM_CHANGED = fixture('breaks/system-changed.jsonl');
/** Five requests with one cache break: the hit rate after the warm-up is 49.3%, above 45%. */
const MIXED = [HITS, SYSTEM_CHANGED, '--min-hit-rate', '0.45', '--no-cache-breaks'];

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'usage-inspect-ci-'));
}

/** The verdict is the last stdout line of `check`. */
function verdictOf(stdout: string): string {
  return stdout.trimEnd().split('\n').at(-1) ?? '';
}

describe('assertions through the CLI', () => {
  // recording-cache-hits.jsonl: after the 1-request warm-up, 12,180 of 12,500 input tokens are reads;
  // total input 18,512; outputs 150, 90, 60; the largest request input is 6,310.
  it.each([
    [['--min-hit-rate', '0.97'], 0],
    [['--min-hit-rate', '98%'], 1],
    [['--min-hit-rate', '0.65', '--warmup', '0'], 0],
    [['--min-hit-rate', '0.66', '--warmup', '0'], 1],
    [['--min-hit-rate', '0', '--warmup', '3'], 1],
    [['--expect-hit'], 0],
    [['--max-input-tokens', '6310'], 0],
    [['--max-input-tokens', '6309'], 1],
    [['--max-total-input-tokens', '18512'], 0],
    [['--max-total-input-tokens', '18511'], 1],
    [['--max-output-tokens', '150'], 0],
    [['--max-output-tokens', '149'], 1],
    [['--max-total-output-tokens', '300'], 0],
    [['--max-total-output-tokens', '299'], 1],
    [['--no-cache-breaks'], 0],
  ])('check %j exits %i with a matching verdict', async (flags, code) => {
    const run = await runCli(['check', HITS, ...flags]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(code);
    expect(verdictOf(run.stdout)).toMatch(code === 0 ? /^PASS: / : /^FAIL: 1 of 1 check failed: /);
    const name = (flags[0] ?? '').replace(/^--/, '');
    expect(run.stdout).toContain(`${code === 0 ? 'PASS' : 'FAIL'}  ${name}: `);
  });

  it('fails --expect-hit on a miss after the warm-up, and --max-misses tolerates it', async () => {
    // system-changed.jsonl adds two requests that read nothing (#4 and #5).
    const strict = await runCli(['check', HITS, SYSTEM_CHANGED, '--expect-hit']);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(
      /FAIL {2}expect-hit: 2 of 4 requests after 1 warm-up read nothing from the cache/,
    );
    expect((await runCli(['check', HITS, SYSTEM_CHANGED, '--max-misses', '1'])).code).toBe(1);
    const tolerant = await runCli(['check', HITS, SYSTEM_CHANGED, '--max-misses', '2']);
    expect(tolerant.code).toBe(0);
    expect(verdictOf(tolerant.stdout)).toBe('PASS: 1 check passed');
  });

  it('fails --no-cache-breaks on a break, naming its cause', async () => {
    const run = await runCli(['check', SYSTEM_CHANGED, '--no-cache-breaks']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      'FAIL  no-cache-breaks: 1 cache break (6,000 cached tokens not read): #2 system_changed (system[1].text changed)\n' +
        'FAIL: 1 of 1 check failed: no-cache-breaks\n',
    );
  });

  it.each([
    [['--max-cost', '0.024786'], 0],
    [['--max-cost', '$0.024785'], 1],
    [['--max-total-cost', '0.031875'], 0],
    [['--max-total-cost', '0.031874'], 1],
  ])('check %j exits %i (claude-sonnet-4-5 prices)', async (flags, code) => {
    const run = await runCli(['check', HITS, ...flags]);
    expect(run.code).toBe(code);
    expect(verdictOf(run.stdout)).toMatch(code === 0 ? /^PASS: / : /^FAIL: /);
  });

  it('fails the cost assertions on an unpriced model, and --pricing can price it', async () => {
    const unknown = fixture('pricing-unknown-model.json');
    const run = await runCli(['check', unknown, '--max-cost', '1', '--max-total-cost', '1']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/FAIL {2}max-cost: model claude-opus-9 is unpriced/);
    expect(verdictOf(run.stdout)).toBe('FAIL: 2 of 2 checks failed: max-cost, max-total-cost');
    const priced = await runCli([
      'check',
      unknown,
      '--max-cost',
      '1',
      '--pricing',
      fixture('pricing-overrides.json'),
    ]);
    expect(priced.code).toBe(0);
    expect(priced.stdout).toMatch(/PASS {2}max-cost: largest cost \$/);
  });

  it('lets unusable input win: exit 2, and the verdict says so', async () => {
    const dir = tempDir();
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, `${readFileSync(HITS, 'utf8')}{not json\n`);
    const run = await runCli(['check', bad, '--min-hit-rate', '0.5']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/bad\.jsonl:4: error: /);
    expect(verdictOf(run.stdout)).toBe(
      'ERROR: some input was unusable or had no usage (exit 2); 1 check passed',
    );
  });

  it('prints checks and breaks under the tables of inspect', async () => {
    const run = await runCli(['inspect', ...MIXED]);
    expect(run.code).toBe(1);
    const out = run.stdout;
    expect(out.indexOf('Requests')).toBeLessThan(out.indexOf('Cache breaks'));
    expect(out.indexOf('Cache breaks')).toBeLessThan(out.indexOf('Checks'));
    expect(out).toContain(
      '#5 system-changed.jsonl:2 vs #4: read 0 of 6,000 cached tokens, 6,000 written again ($0.0225); system_changed: system[1].text changed',
    );
    expect(verdictOf(out)).toBe('FAIL: 1 of 2 checks failed: no-cache-breaks');
  });

  it('checks every request even when the table lists only the most expensive', async () => {
    const run = await runCli(['inspect', '--top', '1', ...MIXED]);
    expect(run.stdout).toMatch(/4 more requests counted in the totals but not listed/);
    expect(run.stdout).toContain('PASS  min-hit-rate: hit rate 49.3% over 4 requests after 1 warm-up');
    expect(run.stdout).toContain('#5 system-changed.jsonl:2 vs #4');
    expect(run.code).toBe(1);
  });

  it('checks while streaming NDJSON and CSV, the verdict on stderr', async () => {
    for (const format of ['ndjson', 'csv']) {
      const run = await runCli(['inspect', '--format', format, ...MIXED]);
      expect(run.code).toBe(1);
      expect(run.stderr).toBe('FAIL: 1 of 2 checks failed: no-cache-breaks\n');
    }
  });

  it('finds the same breaks when worker threads decode the files', async () => {
    const files = ['tools-changed', 'ttl-expired-5m', 'claude-code-below-minimum'].map((f) =>
      fixture(`breaks/${f}.jsonl`),
    );
    const breaks = async (workers: string) => {
      const run = await runCli(['inspect', '--format', 'json', '--workers', workers, ...files]);
      return JSON.parse(run.stdout).breaks.map(
        (b: { index: number; cause: string }) => `${b.index} ${b.cause}`,
      );
    };
    const one = await breaks('0');
    expect(one).toEqual(['2 tools_changed', '4 ttl_expired_5m', '6 below_minimum']);
    expect(await breaks('2')).toEqual(one);
  });

  it('does not read an order of unrelated responses as a sequence', async () => {
    const run = await runCli(['check', fixture('messages.jsonl'), '--no-cache-breaks']);
    expect(run.code).toBe(0);
  });

  it('shows breaks without failing when --no-cache-breaks is not given', async () => {
    const run = await runCli(['inspect', SYSTEM_CHANGED]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Cache breaks');
    expect(run.stdout).not.toContain('PASS');
  });

  it('refuses check without an assertion, and bad flag values, with exit 2', async () => {
    const none = await runCli(['check', HITS]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^usage-inspect: check needs at least one assertion/);
    const bad = await runCli(['check', HITS, '--min-hit-rate', '1.5']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--min-hit-rate.*expected a rate from 0 to 1/);
    expect((await runCli(['check', HITS, '--warmup', '-1', '--expect-hit'])).code).toBe(2);
  });
});

describe('CI reports through the CLI', () => {
  it('adds schema-valid checks[] and breaks[] to the JSON, the verdict on stderr only', async () => {
    const run = await runCli(['inspect', '--format', 'json', ...MIXED]);
    expect(run.code).toBe(1);
    const doc = JSON.parse(run.stdout);
    expect(validate(doc)).toBe(true);
    expect(doc.checks).toEqual([
      {
        name: 'min-hit-rate',
        passed: true,
        actual: expect.closeTo(12180 / (12500 + 6012 + 6200), 12),
        expected: 0.45,
        message: expect.stringMatching(/^hit rate 49\.3% over 4 requests/),
      },
      expect.objectContaining({ name: 'no-cache-breaks', passed: false, actual: 1, expected: 0 }),
    ]);
    expect(doc.breaks).toEqual([
      {
        index: 5,
        previous_index: 4,
        source: { file: SYSTEM_CHANGED, line: 2, event: null },
        model: 'claude-sonnet-4-5-20250929',
        previous_model: 'claude-sonnet-4-5-20250929',
        cause: 'system_changed',
        causes: ['system_changed'],
        detail: 'system[1].text changed',
        previous_cached_tokens: 6000,
        read_tokens: 0,
        lost_tokens: 6000,
        rewritten_tokens: 6000,
        gap_seconds: 20,
        ttl: '5m',
        rewrite_cost_usd: 0.0225,
      },
    ]);
    expect(run.stderr).toBe('FAIL: 1 of 2 checks failed: no-cache-breaks\n');
  });

  it('rejects a JSON report whose check or break breaks the schema', () => {
    const doc = {
      schema_version: 1,
      requests: [],
      totals: {},
      problems: [],
      checks: [{ name: 'x' }],
      breaks: [{}],
    };
    expect(validate(doc)).toBe(false);
  });

  it('writes break and check lines to NDJSON', async () => {
    const run = await runCli(['inspect', '--format', 'ndjson', SYSTEM_CHANGED, '--no-cache-breaks']);
    const types = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).type);
    expect(types).toEqual(['request', 'request', 'totals', 'break', 'check']);
  });

  it('writes a JUnit file that an XML parser reads back', async () => {
    const dir = tempDir();
    const file = join(dir, 'junit.xml');
    const run = await runCli([
      'check',
      HITS,
      SYSTEM_CHANGED,
      '--min-hit-rate',
      '0.9',
      '--no-cache-breaks',
      '--junit',
      file,
    ]);
    expect(run.code).toBe(1);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', htmlEntities: true }).parse(
      readFileSync(file, 'utf8'),
    );
    expect(doc.testsuites).toMatchObject({ tests: '4', failures: '3', errors: '0' });
    const names = doc.testsuites.testsuite.testcase.map((c: { name: string }) => c.name);
    expect(names).toEqual([
      'inputs are readable and report usage',
      'min-hit-rate',
      'no-cache-breaks',
      'request #5 vs #4',
    ]);
  });

  it('exits 2 with a clear line when the JUnit file cannot be written', async () => {
    const run = await runCli([
      'check',
      HITS,
      '--expect-hit',
      '--junit',
      join(tempDir(), 'missing', 'junit.xml'),
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/junit\.xml: error: cannot write the JUnit report: /);
    expect(verdictOf(run.stdout)).toMatch(/^ERROR: /);
  });

  it('on GitHub Actions, annotates on stderr and appends the summary, keeping stdout JSON', async () => {
    const dir = tempDir();
    const summary = join(dir, 'step_summary.md');
    writeFileSync(summary, '# Earlier step output\n');
    const run = await runCli(['inspect', '--format', 'json', SYSTEM_CHANGED, '--no-cache-breaks'], {
      env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary },
    });
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).checks[0].passed).toBe(false);
    const errors = run.stderr.split('\n').filter((l) => l.startsWith('::error '));
    expect(errors).toEqual([
      '::error title=usage-inspect%3A no-cache-breaks failed::1 cache break (6,000 cached tokens not read): #2 system_changed (system[1].text changed)',
      `::error file=${SYSTEM_CHANGED.replace(/,/g, '%2C').replace(/:/g, '%3A')},line=2,title=usage-inspect%3A cache break (system_changed)::request #2 vs #1: read 0 of 6,000 cached tokens, 6,000 written again ($0.0225); system[1].text changed`,
    ]);
    const text = readFileSync(summary, 'utf8');
    expect(text.startsWith('# Earlier step output\n## ❌ FAIL: 1 of 1 check failed: no-cache-breaks\n')).toBe(
      true,
    );
    expect(text).toContain('| ❌ fail | no-cache-breaks | 1 | 0 |');
    expect(text).toContain('## Cache breaks');
  });

  it('prints the same summary with --format markdown anywhere', async () => {
    const dir = tempDir();
    const summary = join(dir, 'step_summary.md');
    const args = ['check', SYSTEM_CHANGED, '--no-cache-breaks'];
    await runCli([...args, '--github'], { env: { GITHUB_STEP_SUMMARY: summary } });
    const markdown = await runCli([...args, '--format', 'markdown']);
    expect(markdown.code).toBe(1);
    expect(readFileSync(summary, 'utf8')).toBe(`${markdown.stdout}\n`);
  });

  it('warns when --github is given without a step summary file', async () => {
    const run = await runCli(['check', HITS, '--expect-hit', '--github']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(
      'usage-inspect: warning: GITHUB_STEP_SUMMARY is not set; no step summary written\n',
    );
  });

  it('lists the assertion flags in --help', async () => {
    const help = await runCli(['check', '--help']);
    expect(help.stdout).toContain('Assertions (exit 1 when one fails):');
    for (const flag of [
      '--min-hit-rate',
      '--warmup',
      '--max-misses',
      '--max-total-cost',
      '--no-cache-breaks',
      '--junit',
    ]) {
      expect(help.stdout).toContain(flag);
    }
  });
});
