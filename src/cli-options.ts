import { type Command, InvalidArgumentError, Option } from 'commander';
import type { ConnectionOptions } from './api/client.js';
import { addCheckOptions, normalizeCheckFlags, type RawCheckFlags } from './checks/cli-flags.js';
import {
  CACHE_TARGETS,
  CACHE_TTLS,
  type CacheTarget,
  type CacheTtl,
  OUTPUT_FORMATS,
  type OutputFormat,
} from './choices.js';
import type { ReportOutputOptions } from './commands/report-output.js';
import type { RequestFlags } from './commands/request-input.js';
import type { RunCallsOptions } from './commands/run-calls.js';
import { DEFAULT_MAX_TOKENS, DEFAULT_MODEL } from './request/defaults.js';

// Option groups shared by several commands, with their parsers and the functions that turn
// commander's raw values into the typed options the commands take.

export function oneOf<T extends string>(values: readonly T[], name: string) {
  return (value: string): T => {
    if (!(values as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(`${name} must be one of ${values.join(', ')}`);
    }
    return value as T;
  };
}

export function positiveInt(name: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < 1)
      throw new InvalidArgumentError(`${name} must be a whole number above 0`);
    return Number(value);
  };
}

export function nonNegativeInt(name: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`${name} must be a whole number`);
    return Number(value);
  };
}

/** `2s`, `500ms`, `1.5s`, `1m`; a bare number is seconds. Returns milliseconds. */
export function parseDuration(value: string): number | null {
  const m = value.trim().match(/^(\d+(?:\.\d+)?)(ms|s|m)?$/);
  if (!m) return null;
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  return Math.round(unit === 'ms' ? n : unit === 'm' ? n * 60_000 : n * 1000);
}

function duration(name: string) {
  return (value: string): number => {
    const ms = parseDuration(value);
    if (ms === null) throw new InvalidArgumentError(`${name} must be a duration such as 2s, 500ms or 1m`);
    return ms;
  };
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** --cache takes a comma-separated list and may be repeated. */
function collectCache(value: string, previous: CacheTarget[] = []): CacheTarget[] {
  const out = [...previous];
  for (const part of value.split(',').map((p) => p.trim())) {
    if (!(CACHE_TARGETS as readonly string[]).includes(part))
      throw new InvalidArgumentError(`--cache takes ${CACHE_TARGETS.join(', ')} (comma-separated)`);
    if (!out.includes(part as CacheTarget)) out.push(part as CacheTarget);
  }
  return out;
}

function thinking(value: string): number | 'adaptive' {
  if (value === 'adaptive') return 'adaptive';
  return positiveInt('--thinking')(value);
}

export const PRICING_FILE_HELP = `
A --pricing FILE is JSON: {"models": {MODEL_ID: ENTRY, …}}. It adds models or overrides built-in ones
(a later file wins; the fields an entry gives replace the built-in ones, the rest are kept). Short form:
  {"models": {"claude-new-1": {"input": 3, "output": 15, "cache_read": 0.3}}}
Rates are USD per million tokens, up to 6 decimals; cache rates left out follow the standard multipliers
of the input rate (5m write 1.25x, 1h write 2x, read 0.1x). The full form is that of src/data/prices.json:
"prices" (dated periods), "long_context", "fast", "batch_multiplier", "inference_geo_us_multiplier",
"aliases". Each bad entry is reported with its file and line and left out.`;

/** --pricing FILE, repeatable: price overrides, for every command that prices usage. */
export function addPricingOption(cmd: Command): Command {
  return cmd
    .option('--pricing <file>', 'add or override model prices from a JSON file (repeatable)', collect, [])
    .addHelpText('after', PRICING_FILE_HELP);
}

/** Output flags of every command that prints a usage report (inspect, send, replay), with the assertions. */
export function addReportOptions(cmd: Command): Command {
  addPricingOption(cmd)
    .addOption(
      new Option('-f, --format <format>', 'output format')
        .argParser(oneOf(OUTPUT_FORMATS, '--format'))
        .default('table'),
    )
    .option('--explain', "show how each request's cost is computed (to stderr with json, ndjson and csv)")
    .option('--color', 'force colour on')
    .option('--no-color', 'turn colour off');
  return addCheckOptions(cmd);
}

export interface RawReportFlags extends RawCheckFlags {
  format: string;
  color?: boolean;
  pricing?: string[];
  explain?: boolean;
}

/** --color and --no-color are explicit choices; absent leaves the decision to the environment. */
export function colorChoice(flags: { color?: boolean }, argv: readonly string[]): boolean | undefined {
  if (argv.includes('--no-color')) return false;
  if (argv.includes('--color')) return true;
  return flags.color === undefined ? undefined : flags.color;
}

export function reportOptions(raw: RawReportFlags, argv: readonly string[]): ReportOutputOptions {
  return {
    format: raw.format as OutputFormat,
    color: colorChoice(raw, argv),
    pricingFiles: raw.pricing ?? [],
    explain: raw.explain === true,
    ...normalizeCheckFlags(raw),
  };
}

export function addRequestOptions(cmd: Command): Command {
  return cmd
    .argument('[prompt...]', 'the user message (or use --message, or --request for a whole body)')
    .option('--message <text>', 'the user message')
    .option('--system <text>', 'system prompt')
    .option('--system-file <file>', 'system prompt read from a file')
    .option(
      '--request <file>',
      'a whole Messages request body (JSON); - reads stdin; flags override its fields',
    )
    .option('-m, --model <id>', `model (default: ${DEFAULT_MODEL})`)
    .option('--max-tokens <n>', `max_tokens (default: ${DEFAULT_MAX_TOKENS})`, positiveInt('--max-tokens'))
    .option('--stream', 'stream the response (SSE)')
    .option('--beta <name>', 'beta feature, sent in the anthropic-beta header (repeatable)', collect)
    .option('--tools <file>', 'tool definitions (a JSON array)')
    .option('--thinking <budget>', 'extended thinking: a token budget, or "adaptive"', thinking)
    .option(
      '--cache <where>',
      'place cache_control breakpoints: tools, system, messages, auto (top-level), none; comma-separated',
      collectCache,
    )
    .addOption(new Option('--ttl <ttl>', 'cache TTL for every breakpoint').choices(CACHE_TTLS));
}

export function addConnectionOptions(cmd: Command): Command {
  return cmd
    .option('--base-url <url>', 'API base URL (default: $ANTHROPIC_BASE_URL, else https://api.anthropic.com)')
    .option(
      '--timeout <duration>',
      'per-attempt timeout, e.g. 30s (default: the SDK’s 10 minutes)',
      duration('--timeout'),
    )
    .option(
      '--max-retries <n>',
      'retries on 429, 5xx and connection errors (default: 2)',
      nonNegativeInt('--max-retries'),
    );
}

export function addRunOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('--delay <duration>', 'pause between calls, e.g. 2s or 500ms')
        .argParser(duration('--delay'))
        .default(2000, '2s'),
    )
    .option('--record <file>', 'append one JSON line per call to this file (created with mode 0600)')
    .option(
      '--keep-going',
      'go on after any failed call (default: after 429, 5xx, timeouts and dropped connections only)',
    )
    .addOption(new Option('--stop-on-error', 'stop at the first failed call').conflicts('keepGoing'));
}

/** Raw values of the request options, as commander gives them. */
export interface RawRequestFlags {
  message?: string;
  system?: string;
  systemFile?: string;
  request?: string;
  model?: string;
  maxTokens?: number;
  stream?: boolean;
  beta?: string[];
  tools?: string;
  thinking?: number | 'adaptive';
  cache?: CacheTarget[];
  ttl?: CacheTtl;
}

export interface RawConnectionFlags {
  baseUrl?: string;
  timeout?: number;
  maxRetries?: number;
}

/** Raw values of the flags of commands that send calls one after another (send, replay --send). */
export interface RawRunFlags extends RawConnectionFlags, RawReportFlags {
  delay: number;
  record?: string;
  keepGoing?: boolean;
  stopOnError?: boolean;
}

export function runOptions(raw: RawRunFlags, argv: readonly string[]): RunCallsOptions {
  return {
    delayMs: raw.delay,
    record: raw.record ?? null,
    keepGoing: raw.keepGoing ? 'always' : raw.stopOnError ? 'never' : 'transient',
    connection: connectionOptions(raw, argv),
    ...reportOptions(raw, argv),
  };
}

export function requestFlags(prompt: string[], raw: RawRequestFlags): RequestFlags {
  return {
    prompt,
    message: raw.message ?? null,
    system: raw.system ?? null,
    systemFile: raw.systemFile ?? null,
    request: raw.request ?? null,
    model: raw.model ?? null,
    maxTokens: raw.maxTokens ?? null,
    stream: raw.stream === true,
    betas: raw.beta ?? [],
    tools: raw.tools ?? null,
    thinking: raw.thinking ?? null,
    cache: raw.cache ?? null,
    ttl: raw.ttl ?? null,
  };
}

export function connectionOptions(raw: RawConnectionFlags, argv: readonly string[]): ConnectionOptions {
  return {
    baseURL: raw.baseUrl ?? null,
    timeoutMs: raw.timeout ?? null,
    maxRetries: raw.maxRetries ?? null,
    debug: argv.includes('--debug'),
  };
}
