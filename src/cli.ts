import { Command, InvalidArgumentError, Option } from 'commander';
import { addCheckOptions, normalizeCheckFlags } from './checks/cli-flags.js';
import {
  CHECK_FORMATS,
  type CheckFormat,
  DEFAULT_API_URL,
  DEFAULT_PROXY_PORT,
  DEFAULT_TOP,
  GROUP_BY,
  type GroupBy,
  INPUT_FORMATS,
  type InputFormat,
  PRICING_FORMATS,
  type PricingFormat,
} from './choices.js';
import {
  addConnectionOptions,
  addPricingOption,
  addReportOptions,
  addRequestOptions,
  addRunOptions,
  colorChoice,
  connectionOptions,
  oneOf,
  positiveInt,
  type RawConnectionFlags,
  type RawReportFlags,
  type RawRequestFlags,
  type RawRunFlags,
  reportOptions,
  requestFlags,
  runOptions,
} from './cli-options.js';
import type { ExitCodeValue } from './errors.js';
import type { CliIO } from './io.js';
import { packageVersion } from './version.js';

/** Raw flags as commander gives them, before normalisation. */
interface RawInputFlags {
  inputFormat: string;
  strict?: boolean;
  workers: string;
}

interface RawInspectFlags extends RawInputFlags, RawReportFlags {
  top: string;
  groupBy: string;
}

/** `--workers N` or `--workers auto`. */
function parseWorkers(value: string): string {
  if (value !== 'auto' && !/^\d+$/.test(value))
    throw new InvalidArgumentError('--workers takes a whole number or "auto"');
  return value;
}

/** `--top N` (N ≥ 0) or `--top all`. */
function parseTop(value: string): string {
  if (value !== 'all' && !/^\d+$/.test(value))
    throw new InvalidArgumentError('--top takes a whole number or "all"');
  return value;
}

/** Flags of the commands that read inputs (inspect, check): input format, strictness, threads. */
function addInputOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--input-format <format>', 'force the input format instead of detecting it')
        .choices(INPUT_FORMATS)
        .default('auto'),
    )
    .option('--strict', 'stop at the first input error')
    .option(
      '--workers <n>',
      'threads that summarise big JSONL inputs in parts (0: none, the default; auto: by cores and size)',
      parseWorkers,
      // Off by default: on the 2-vCPU machines the benchmark runs on, two threads were no faster than one
      // (see the `JSONL, --workers 2` and `parallel capacity` lines of bench/run.mjs).
      '0',
    );
}

function inputOptions(files: string[], flags: RawInputFlags) {
  return {
    files,
    inputFormat: flags.inputFormat as InputFormat,
    strict: flags.strict === true,
    workers: flags.workers === 'auto' ? ('auto' as const) : Number(flags.workers),
  };
}

/** `--port N`, 0 to 65535 (0: any free port). */
function parsePort(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 65535)
    throw new InvalidArgumentError('--port takes a whole number from 0 to 65535 (0: any free port)');
  return Number(value);
}

export interface ProgramResult {
  exitCode: ExitCodeValue | null;
}

/**
 * Declares every command and flag. Actions only normalise flags and call a command; the command's
 * exit code lands in `result` for the error boundary in main.ts.
 */
export function createProgram(io: CliIO, argv: readonly string[], result: ProgramResult): Command {
  const program = new Command();
  program
    .name('usage-inspect')
    .description('Show exactly what Anthropic Messages API calls consumed and whether prompt caching worked.')
    .version(packageVersion(), '-V, --version')
    .option('--debug', 'print stack traces for unexpected errors')
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .showSuggestionAfterError(true)
    .exitOverride();

  const inspect = program
    .command('inspect', { isDefault: true })
    .description('read responses from files, folders or stdin and report their usage')
    .argument(
      '[files...]',
      'Message JSON, JSONL, SSE streams, batch results, Claude Code transcripts or recordings; - for stdin',
    );
  addInputOptions(inspect)
    .option(
      '--top <n>',
      'list only the N most expensive requests in the table (all: every one)',
      parseTop,
      String(DEFAULT_TOP),
    )
    .addOption(
      new Option('--group-by <key>', 'add totals per model, file, session or day')
        .choices(GROUP_BY)
        .default('none'),
    );
  addReportOptions(inspect).action(async (files: string[], flags: RawInspectFlags) => {
    // Commands load on use: declaring the command line must cost next to nothing (see choices.ts).
    const { inspectCommand } = await import('./commands/inspect.js');
    result.exitCode = await inspectCommand(
      {
        ...inputOptions(files, flags),
        top: flags.top === 'all' ? null : Number(flags.top),
        groupBy: flags.groupBy as GroupBy,
        ...reportOptions(flags, argv),
        debug: argv.includes('--debug'),
      },
      io,
    );
  });

  const check = program
    .command('check')
    .description('read inputs like inspect and print only the assertions and their verdict (exit 0, 1 or 2)')
    .argument('[files...]', 'the same inputs as inspect; - for stdin');
  addInputOptions(check)
    .addOption(
      new Option('-f, --format <format>', 'output format')
        .argParser(oneOf(CHECK_FORMATS, '--format'))
        .default('text'),
    )
    .option('--color', 'force colour on')
    .option('--no-color', 'turn colour off');
  addPricingOption(check);
  addCheckOptions(check).action(async (files: string[], flags: RawInputFlags & RawReportFlags) => {
    const { checkCommand } = await import('./commands/check.js');
    result.exitCode = await checkCommand(
      {
        ...inputOptions(files, flags),
        format: flags.format as CheckFormat,
        color: colorChoice(flags, argv),
        pricingFiles: flags.pricing ?? [],
        ...normalizeCheckFlags(flags),
      },
      io,
    );
  });

  const send = program
    .command('send')
    .description('send a Messages API request and report its usage and cache behaviour as responses arrive')
    .option('--repeat <n>', 'send the same request n times', positiveInt('--repeat'), 1)
    .option('--dry-run', 'print the request body and its cache breakpoints without sending');
  addRequestOptions(send);
  addRunOptions(send);
  addConnectionOptions(send);
  addReportOptions(send).action(
    async (prompt: string[], flags: RawRunFlags & RawRequestFlags & { repeat: number; dryRun?: boolean }) => {
      const { sendCommand } = await import('./commands/send.js');
      result.exitCode = await sendCommand(
        {
          request: requestFlags(prompt, flags),
          repeat: flags.repeat,
          dryRun: flags.dryRun === true,
          ...runOptions(flags, argv),
        },
        io,
      );
    },
  );

  const replay = program
    .command('replay')
    .description('report recordings made by send --record; with --send, send their requests again')
    .argument('<files...>', 'recording files (JSONL)')
    .option('--send', 're-send the recorded requests in order (needs an API key)');
  addRunOptions(replay);
  addConnectionOptions(replay);
  addReportOptions(replay).action(async (files: string[], flags: RawRunFlags & { send?: boolean }) => {
    const { replayCommand } = await import('./commands/replay.js');
    result.exitCode = await replayCommand(
      { files, send: flags.send === true, ...runOptions(flags, argv) },
      io,
    );
  });

  const count = program
    .command('count')
    .description('count input tokens, and the prefix up to each cache breakpoint against the model minimum');
  addRequestOptions(count);
  addConnectionOptions(count)
    .addOption(
      new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table'),
    )
    .option('--color', 'force colour on')
    .option('--no-color', 'turn colour off')
    .action(async (prompt: string[], flags: RawRequestFlags & RawConnectionFlags & RawReportFlags) => {
      const { countCommand } = await import('./commands/count.js');
      result.exitCode = await countCommand(
        {
          request: requestFlags(prompt, flags),
          connection: connectionOptions(flags, argv),
          format: flags.format as 'table' | 'json',
          color: colorChoice(flags, argv),
        },
        io,
      );
    });

  const pricing = program
    .command('pricing')
    .description('show the model prices in use, with their sources and dates')
    .argument('[model]', 'one model, in any form a response names it (dated, Bedrock or Vertex ids)')
    .addOption(
      new Option('-f, --format <format>', 'output format')
        .argParser(oneOf(PRICING_FORMATS, '--format'))
        .default('table'),
    )
    .option('--color', 'force colour on')
    .option('--no-color', 'turn colour off');
  addPricingOption(pricing).action(async (model: string | undefined, flags: RawReportFlags) => {
    const { pricingCommand } = await import('./commands/pricing.js');
    result.exitCode = await pricingCommand(
      {
        model: model ?? null,
        format: flags.format as PricingFormat,
        pricingFiles: flags.pricing ?? [],
        color: colorChoice(flags, argv),
      },
      io,
    );
  });

  const proxy = program
    .command('proxy')
    .description(
      "forward an application's API calls to Anthropic unchanged and report each call's usage and cache behaviour as it finishes",
    )
    .option('--port <n>', 'port to listen on (0: any free port)', parsePort, DEFAULT_PROXY_PORT)
    .option(
      '--host <address>',
      'address to listen on; any but loopback lets other machines connect',
      '127.0.0.1',
    )
    .option(
      '--upstream <url>',
      'where requests are forwarded (ANTHROPIC_BASE_URL is not read)',
      DEFAULT_API_URL,
    )
    .option(
      '--record <file>',
      'append one JSON line per Messages call to this file (created with mode 0600)',
    );
  addReportOptions(proxy).action(
    async (flags: RawReportFlags & { port: number; host: string; upstream: string; record?: string }) => {
      const { proxyCommand } = await import('./commands/proxy.js');
      result.exitCode = await proxyCommand(
        {
          host: flags.host,
          port: flags.port,
          upstream: flags.upstream,
          record: flags.record ?? null,
          ...reportOptions(flags, argv),
        },
        io,
      );
    },
  );

  return program;
}
