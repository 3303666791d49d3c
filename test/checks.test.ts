import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { type CheckOptions, hasChecks, noChecks } from '../src/checks/check-options.js';
import { normalizeCheckFlags, parseCount, parseRate, parseUsd } from '../src/checks/cli-flags.js';
import { evaluateChecks } from '../src/checks/evaluate.js';
import { reportExitCode, verdictLine } from '../src/checks/verdict.js';
import { reportFrom } from './support/report-from.js';

function checks(overrides: Partial<CheckOptions>): CheckOptions {
  return { ...noChecks(), ...overrides };
}

/** recording-cache-hits.jsonl: 6,012 in (write) → 6,190 (6,000 read) → 6,310 (6,180 read). */
const hits = () => reportFrom(['recording-cache-hits.jsonl']);

describe('evaluateChecks', () => {
  it('measures the hit rate over the requests after the warm-up', async () => {
    const [pass] = evaluateChecks(await hits(), checks({ minHitRate: 0.97 }));
    expect(pass).toMatchObject({ name: 'min-hit-rate', passed: true, expected: 0.97 });
    expect(pass?.actual).toBeCloseTo(12180 / 12500, 12);
    const [fail] = evaluateChecks(await hits(), checks({ minHitRate: 0.98 }));
    expect(fail?.passed).toBe(false);
    expect(fail?.message).toBe(
      'hit rate 97.4% over 2 requests after 1 warm-up (12,180 of 12,500 input tokens read from the cache); below 98.0%',
    );
  });

  it('counts the warm-up request when --warmup 0', async () => {
    const [c] = evaluateChecks(await hits(), checks({ minHitRate: 0.5, warmup: 0 }));
    expect(c?.actual).toBeCloseTo(12180 / 18512, 12);
    expect(c?.passed).toBe(true);
  });

  it('fails, rather than passing vacuously, when the warm-up leaves nothing to measure', async () => {
    const [c] = evaluateChecks(await hits(), checks({ minHitRate: 0.1, warmup: 3 }));
    expect(c).toMatchObject({ passed: false, actual: null });
    expect(c?.message).toMatch(/no requests after the warm-up: 3 requests with usage, --warmup 3/);
  });

  it('accepts a rate equal to the limit despite floating point', async () => {
    const report = await hits();
    const exact = 12180 / 12500;
    expect(evaluateChecks(report, checks({ minHitRate: exact }))[0]?.passed).toBe(true);
  });

  it('expects a hit after the warm-up, tolerating --max-misses', async () => {
    const report = await reportFrom(['recording-cache-hits.jsonl', 'breaks/system-changed.jsonl']);
    // Requests 4 (system-changed.jsonl:1) and 5 read nothing after the 1-request warm-up.
    const [strict] = evaluateChecks(report, checks({ expectHit: true }));
    expect(strict).toMatchObject({ name: 'expect-hit', passed: false, actual: 2, expected: 0 });
    expect(strict?.message).toMatch(/2 of 4 requests after 1 warm-up read nothing from the cache: #4 .*#5/);
    expect(evaluateChecks(report, checks({ expectHit: true, maxMisses: 1 }))[0]?.passed).toBe(false);
    expect(evaluateChecks(report, checks({ expectHit: true, maxMisses: 2 }))[0]?.passed).toBe(true);
    expect(evaluateChecks(await hits(), checks({ expectHit: true }))[0]?.passed).toBe(true);
  });

  it.each([
    ['maxInputTokens', 6310, true, 6310],
    ['maxInputTokens', 6309, false, 6310],
    ['maxTotalInputTokens', 18512, true, 18512],
    ['maxTotalInputTokens', 18511, false, 18512],
    ['maxOutputTokens', 150, true, 150],
    ['maxOutputTokens', 149, false, 150],
    ['maxTotalOutputTokens', 300, true, 300],
    ['maxTotalOutputTokens', 299, false, 300],
  ] as const)('%s %i: passed=%s, actual %i', async (key, limit, passed, actual) => {
    const [c] = evaluateChecks(await hits(), checks({ [key]: limit }));
    expect(c).toMatchObject({ passed, actual, expected: limit });
  });

  it('names the requests over a per-request limit', async () => {
    const [c] = evaluateChecks(await hits(), checks({ maxOutputTokens: 80 }));
    expect(c?.message).toBe(
      '2 requests over 80 output tokens: #1 (recording-cache-hits.jsonl:1) 150, #2 (recording-cache-hits.jsonl:2) 90',
    );
  });

  // claude-sonnet-4-5 at $3 input, $3.75 5m write, $0.30 read, $15 output per MTok:
  // #1 $0.024786, #2 $0.003855, #3 $0.003234; total $0.031875.
  it.each([
    ['maxCost', 0.024786, true, 0.024786],
    ['maxCost', 0.024785, false, 0.024786],
    ['maxTotalCost', 0.031875, true, 0.031875],
    ['maxTotalCost', 0.031874, false, 0.031875],
  ] as const)('%s %d: passed=%s, actual %d', async (key, limit, passed, actual) => {
    const [c] = evaluateChecks(await hits(), checks({ [key]: limit }));
    expect(c).toMatchObject({ passed, actual, expected: limit });
  });

  it('names the requests over a cost limit', async () => {
    const [over] = evaluateChecks(await hits(), checks({ maxCost: 0.01 }));
    expect(over?.message).toBe('1 request over $0.01 cost: #1 (recording-cache-hits.jsonl:1) $0.024786');
    const [total] = evaluateChecks(await hits(), checks({ maxTotalCost: 0.01 }));
    expect(total?.message).toBe('total cost $0.031875 over 3 requests; over $0.01');
  });

  it('fails a cost check on an unpriced model, saying so', async () => {
    const report = await reportFrom(['recording-cache-hits.jsonl', 'pricing-unknown-model.json']);
    const [one, total] = evaluateChecks(report, checks({ maxCost: 1, maxTotalCost: 1 }));
    expect(one).toMatchObject({ passed: false, actual: null });
    expect(one?.message).toMatch(
      /^model claude-opus-9 is unpriced, so #4 \(pricing-unknown-model\.json.*\) cannot be checked against \$1\.00$/,
    );
    expect(total).toMatchObject({ passed: false, actual: null });
    expect(total?.message).toBe(
      'model claude-opus-9 is unpriced, so the total cannot be checked against $1.00',
    );
  });

  it('fails no-cache-breaks with the breaks named', async () => {
    const report = await reportFrom(['breaks/system-changed.jsonl', 'breaks/ttl-expired-5m.jsonl']);
    const [c] = evaluateChecks(report, checks({ noCacheBreaks: true }));
    expect(c).toMatchObject({ name: 'no-cache-breaks', passed: false, actual: 2, expected: 0 });
    expect(c?.message).toBe(
      '2 cache breaks (12,000 cached tokens not read): #2 system_changed (system[1].text changed), #4 ttl_expired_5m (7m30s after the previous request, past the 5-minute TTL)',
    );
    expect(evaluateChecks(await hits(), checks({ noCacheBreaks: true }))[0]?.passed).toBe(true);
  });

  it('evaluates in a fixed order, whatever the flag order', async () => {
    const names = evaluateChecks(
      await hits(),
      checks({ noCacheBreaks: true, maxTotalOutputTokens: 1, minHitRate: 0, maxInputTokens: 1 }),
    ).map((c) => c.name);
    expect(names).toEqual(['min-hit-rate', 'max-input-tokens', 'max-total-output-tokens', 'no-cache-breaks']);
  });
});

describe('verdict', () => {
  it('derives the exit code and the verdict line from the same report', async () => {
    const report = await hits();
    const passed = { ...report, checks: evaluateChecks(report, checks({ minHitRate: 0.5 })) };
    expect(reportExitCode(passed)).toBe(0);
    expect(verdictLine(passed, 0)).toBe('PASS: 1 check passed');
    const failed = {
      ...report,
      checks: evaluateChecks(report, checks({ minHitRate: 0.99, maxOutputTokens: 1000 })),
    };
    expect(reportExitCode(failed)).toBe(1);
    expect(verdictLine(failed, 1)).toBe('FAIL: 1 of 2 checks failed: min-hit-rate');
    const broken = {
      ...failed,
      problems: [{ source: { file: 'x', line: 1, event: null }, severity: 'error' as const, message: 'bad' }],
    };
    expect(reportExitCode(broken)).toBe(2);
    expect(verdictLine(broken, 2)).toBe(
      'ERROR: some input was unusable or had no usage (exit 2); 1 of 2 checks failed: min-hit-rate',
    );
    expect(verdictLine(report, 0)).toBeNull();
  });
});

describe('check flags', () => {
  it.each([
    ['0.8', 0.8],
    ['80%', 0.8],
    ['1', 1],
    ['0', 0],
  ])('parses the rate %s', (text, value) => {
    expect(parseRate(text)).toBeCloseTo(value, 12);
  });

  it.each(['1.5', '-0.1', 'abc', '', '120%'])('rejects the rate %j', (text) => {
    expect(() => parseRate(text)).toThrow(InvalidArgumentError);
  });

  it('parses counts and dollars', () => {
    expect(parseCount('12')).toBe(12);
    expect(() => parseCount('1.5')).toThrow(InvalidArgumentError);
    expect(() => parseCount('-1')).toThrow(InvalidArgumentError);
    expect(parseUsd('$0.25')).toBe(0.25);
    expect(parseUsd('3')).toBe(3);
    expect(() => parseUsd('ten')).toThrow(InvalidArgumentError);
  });

  it('turns --max-misses into --expect-hit and --no-cache-breaks into a check', () => {
    const o = normalizeCheckFlags({ maxMisses: 2, cacheBreaks: false, github: true });
    expect(o.checks).toMatchObject({ expectHit: true, maxMisses: 2, noCacheBreaks: true, warmup: 1 });
    expect(o.github).toBe(true);
    expect(hasChecks(o.checks)).toBe(true);
    const none = normalizeCheckFlags({ cacheBreaks: true });
    expect(hasChecks(none.checks)).toBe(false);
    expect(none).toMatchObject({ junit: null, github: false });
  });
});
