import { type Command, InvalidArgumentError, Option } from 'commander';
import { type CheckOptions, DEFAULT_WARMUP } from './check-options.js';

/** Assertion and CI-report flags as commander gives them, before normalisation. */
export interface RawCheckFlags {
  minHitRate?: number;
  warmup?: number;
  expectHit?: boolean;
  maxMisses?: number;
  maxCost?: number;
  maxTotalCost?: number;
  maxInputTokens?: number;
  maxTotalInputTokens?: number;
  maxOutputTokens?: number;
  maxTotalOutputTokens?: number;
  /** `--no-cache-breaks` sets this to false (commander's negatable-flag convention). */
  cacheBreaks?: boolean;
  junit?: string;
  github?: boolean;
}

/** What a command needs to run checks and write CI reports. */
export interface CiOptions {
  checks: CheckOptions;
  /** Path for the JUnit XML report. */
  junit: string | null;
  /** `--github`: write GitHub Actions annotations and the step summary (also on when GITHUB_ACTIONS=true). */
  github: boolean;
}

/** A rate in 0–1, or a percentage: `0.8`, `80%`. */
export function parseRate(value: string): number {
  const percent = value.trim().endsWith('%');
  const n = Number(percent ? value.trim().slice(0, -1) : value);
  const rate = percent ? n / 100 : n;
  if (value.trim() === '' || !Number.isFinite(rate) || rate < 0 || rate > 1) {
    throw new InvalidArgumentError('expected a rate from 0 to 1, or a percentage such as 80%');
  }
  return rate;
}

export function parseCount(value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError('expected a whole number, 0 or more');
  return Number(value);
}

/** Dollars: `0.25`, `$0.25`. */
export function parseUsd(value: string): number {
  const text = value.trim().replace(/^\$/, '');
  const n = Number(text);
  if (text === '' || !Number.isFinite(n) || n < 0)
    throw new InvalidArgumentError('expected an amount in USD, such as 0.25');
  return n;
}

const ASSERTIONS = 'Assertions (exit 1 when one fails):';
const REPORTS = 'CI reports:';

/**
 * Declares the assertion and CI-report flags on a command (inspect, check, send, replay share them).
 * Pair with `normalizeCheckFlags` in the command's action.
 */
export function addCheckOptions(command: Command): Command {
  const flag = (flags: string, description: string, parse?: (v: string) => number) => {
    const option = new Option(flags, description).helpGroup(ASSERTIONS);
    return parse ? option.argParser(parse) : option;
  };
  return command
    .addOption(
      flag(
        '--min-hit-rate <rate>',
        'cache reads / total input over the requests after the warm-up must reach RATE (0.8 or 80%)',
        parseRate,
      ),
    )
    .addOption(
      flag(
        '--warmup <n>',
        `requests the cache assertions skip first (default: ${DEFAULT_WARMUP})`,
        parseCount,
      ),
    )
    .addOption(flag('--expect-hit', 'every request after the warm-up must read from the cache'))
    .addOption(
      flag('--max-misses <k>', 'tolerate K requests that read nothing (implies --expect-hit)', parseCount),
    )
    .addOption(flag('--max-cost <usd>', 'no request may cost more than USD', parseUsd))
    .addOption(flag('--max-total-cost <usd>', 'all requests together may cost at most USD', parseUsd))
    .addOption(
      flag(
        '--max-input-tokens <n>',
        'no request may have more total input tokens (input + cache writes + cache reads)',
        parseCount,
      ),
    )
    .addOption(flag('--max-total-input-tokens <n>', 'total input tokens over all requests', parseCount))
    .addOption(flag('--max-output-tokens <n>', 'no request may have more output tokens', parseCount))
    .addOption(flag('--max-total-output-tokens <n>', 'output tokens over all requests', parseCount))
    .addOption(
      flag('--no-cache-breaks', 'fail when a request reads less from the cache than the one before cached'),
    )
    .addOption(
      new Option('--junit <file>', 'write a JUnit XML report of the assertions to FILE').helpGroup(REPORTS),
    )
    .addOption(
      new Option(
        '--github',
        'write GitHub Actions annotations and a step summary (on by itself when GITHUB_ACTIONS=true)',
      ).helpGroup(REPORTS),
    );
}

export function normalizeCheckFlags(raw: RawCheckFlags): CiOptions {
  return {
    checks: {
      warmup: raw.warmup ?? DEFAULT_WARMUP,
      minHitRate: raw.minHitRate ?? null,
      expectHit: raw.expectHit === true || raw.maxMisses !== undefined,
      maxMisses: raw.maxMisses ?? 0,
      maxCost: raw.maxCost ?? null,
      maxTotalCost: raw.maxTotalCost ?? null,
      maxInputTokens: raw.maxInputTokens ?? null,
      maxTotalInputTokens: raw.maxTotalInputTokens ?? null,
      maxOutputTokens: raw.maxOutputTokens ?? null,
      maxTotalOutputTokens: raw.maxTotalOutputTokens ?? null,
      noCacheBreaks: raw.cacheBreaks === false,
    },
    junit: raw.junit ?? null,
    github: raw.github === true,
  };
}
