import type { Report } from '../core/types.js';
import type { InputFormat } from '../decode/decode-file.js';
import { CliError, ExitCode, type ExitCodeValue } from '../errors.js';
import { type CliIO, terminalWidth } from '../io.js';
import { runPipeline } from '../pipeline/run-pipeline.js';
import { makeChalk, resolveColorLevel } from '../report/color.js';
import { renderCsv } from '../report/csv.js';
import { formatProblem } from '../report/format.js';
import { renderJson, renderNdjson } from '../report/json.js';
import { renderMarkdown } from '../report/markdown.js';
import { renderTable } from '../report/table.js';
import { resolveInputs } from '../sources/inputs.js';

export const OUTPUT_FORMATS = ['table', 'json', 'ndjson', 'csv', 'markdown'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface InspectOptions {
  files: string[];
  inputFormat: InputFormat;
  format: OutputFormat;
  strict: boolean;
  color: boolean | undefined;
}

export function renderReport(
  report: Report,
  options: Pick<InspectOptions, 'format' | 'color'>,
  io: CliIO,
): string {
  switch (options.format) {
    case 'json':
      return renderJson(report);
    case 'ndjson':
      return renderNdjson(report);
    case 'csv':
      return renderCsv(report);
    case 'markdown':
      return renderMarkdown(report);
    default: {
      const level = resolveColorLevel(options.color, io.env, io.stdout.isTTY === true);
      return renderTable(report, { width: terminalWidth(io), chalk: makeChalk(level) });
    }
  }
}

/** Exit status of a report: 2 when any input was unusable or nothing had usage. */
export function reportExitCode(report: Report): ExitCodeValue {
  if (report.problems.some((p) => p.severity === 'error')) return ExitCode.badInput;
  if (report.totals.requests_with_usage === 0) return ExitCode.badInput;
  return ExitCode.ok;
}

export async function inspectCommand(options: InspectOptions, io: CliIO): Promise<ExitCodeValue> {
  let files = options.files;
  if (files.length === 0) {
    if (io.stdin.isTTY)
      throw new CliError('no input: give files or folders, or pipe a response on stdin (see --help)');
    files = ['-'];
  }
  const { inputs, problems } = await resolveInputs(files, io.stdin);
  const report = await runPipeline(inputs, { format: options.inputFormat, strict: options.strict }, problems);
  if (report.totals.requests_with_usage === 0) {
    report.problems.push({
      source: { file: files.join(', '), line: null, event: null },
      severity: 'error',
      message: 'no usage found',
    });
  }
  const structured = options.format !== 'table';
  if (report.requests.length > 0 || structured) io.stdout.write(renderReport(report, options, io));
  for (const p of report.problems) io.stderr.write(`${formatProblem(p)}\n`);
  return reportExitCode(report);
}
