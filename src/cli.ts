import { Command, InvalidArgumentError, Option } from 'commander';
import {
  DEFAULT_TOP,
  GROUP_BY,
  type GroupBy,
  INPUT_FORMATS,
  type InputFormat,
  OUTPUT_FORMATS,
  type OutputFormat,
} from './choices.js';
import type { ExitCodeValue } from './errors.js';
import type { CliIO } from './io.js';
import { packageVersion } from './version.js';

/** Raw flags as commander gives them, before normalisation. */
interface RawInspectFlags {
  inputFormat: string;
  format: string;
  strict?: boolean;
  color?: boolean;
  top: string;
  groupBy: string;
  workers: string;
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

function oneOf<T extends string>(values: readonly T[], name: string) {
  return (value: string): T => {
    if (!(values as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(`${name} must be one of ${values.join(', ')}`);
    }
    return value as T;
  };
}

/** --color and --no-color are explicit choices; absent leaves the decision to the environment. */
function colorChoice(flags: { color?: boolean }, argv: readonly string[]): boolean | undefined {
  if (argv.includes('--no-color')) return false;
  if (argv.includes('--color')) return true;
  return flags.color === undefined ? undefined : flags.color;
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

  program
    .command('inspect', { isDefault: true })
    .description('read responses from files, folders or stdin and report their usage')
    .argument(
      '[files...]',
      'Message JSON, JSONL, SSE streams, batch results, Claude Code transcripts or recordings; - for stdin',
    )
    .addOption(
      new Option('--input-format <format>', 'force the input format instead of detecting it')
        .choices(INPUT_FORMATS)
        .default('auto'),
    )
    .addOption(
      new Option('-f, --format <format>', 'output format')
        .argParser(oneOf(OUTPUT_FORMATS, '--format'))
        .default('table'),
    )
    .option('--strict', 'stop at the first input error')
    .option(
      '--workers <n>',
      'threads that decode many files at once (auto: by cores and input size; 0: none)',
      parseWorkers,
      'auto',
    )
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
    )
    .option('--color', 'force colour on')
    .option('--no-color', 'turn colour off')
    .action(async (files: string[], flags: RawInspectFlags) => {
      // Commands load on use: declaring the command line must cost next to nothing (see choices.ts).
      const { inspectCommand } = await import('./commands/inspect.js');
      result.exitCode = await inspectCommand(
        {
          files,
          inputFormat: flags.inputFormat as InputFormat,
          format: flags.format as OutputFormat,
          strict: flags.strict === true,
          color: colorChoice(flags, argv),
          top: flags.top === 'all' ? null : Number(flags.top),
          groupBy: flags.groupBy as GroupBy,
          workers: flags.workers === 'auto' ? 'auto' : Number(flags.workers),
        },
        io,
      );
    });

  return program;
}
