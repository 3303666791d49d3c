import { appendFile, stat, writeFile } from 'node:fs/promises';
import { hasChecks } from '../checks/check-options.js';
import type { CiOptions } from '../checks/cli-flags.js';
import { reportExitCode, verdictLine } from '../checks/verdict.js';
import type { Problem, Report } from '../core/types.js';
import { diagnoseBreaks } from '../diagnose/breaks.js';
import type { ExitCodeValue } from '../errors.js';
import { type CliIO, terminalWidth } from '../io.js';
import { formatProblem } from '../report/format.js';
import { ndjsonTrailer, renderJson, renderNdjson } from '../report/json.js';
import { stylesFor } from '../report/styles.js';
import { readErrorMessage } from '../sources/inputs.js';

/** `text` prints only the checks and the verdict (the `check` command). */
export type FinishFormat = 'table' | 'json' | 'ndjson' | 'csv' | 'markdown' | 'text';

export interface FinishOptions extends CiOptions {
  format: FinishFormat;
  color: boolean | undefined;
  /** The request lines (NDJSON) or rows (CSV) were written while reading: only the rest is left. */
  streamed?: boolean;
  /** The requests are one run in order (send, replay): cache breaks are diagnosed whatever their kind. */
  ordered?: boolean;
  /** The requests table as already drawn live; the breaks, checks and verdict follow it. */
  tableText?: string;
  /** The run already failed with this exit code (an API error, an interrupt); the verdict says so. */
  failedExit?: ExitCodeValue;
  /** --explain: each request's cost formula, and `items` in JSON costs. */
  explain?: boolean;
}

/** The --explain text and where it goes: after a table or Markdown, else to stderr (stdout keeps the format). */
async function explanation(
  report: Report,
  options: FinishOptions,
): Promise<{ text: string; toStderr: boolean } | null> {
  if (!options.explain || options.format === 'text' || report.totals.requests === 0) return null;
  // This and the other renderers below load only when used: start-up counts (bench/).
  return (await import('../report/explain.js')).explainAfter(report, options.format);
}

async function renderStdout(
  report: Report,
  verdict: string | null,
  options: FinishOptions,
  io: CliIO,
  explained: string,
): Promise<string> {
  const json = { costItems: options.explain === true };
  switch (options.format) {
    case 'json':
      return renderJson(report, json);
    case 'ndjson':
      return options.streamed ? ndjsonTrailer(report) : renderNdjson(report, json);
    case 'csv':
      return options.streamed ? '' : (await import('../report/csv.js')).renderCsv(report);
    case 'markdown':
      return `${(await import('../report/markdown.js')).renderMarkdown(report, { verdict })}${explained}`;
  }
  // chalk (and cli-table3) load only when text is drawn (chalk only in colour): they cost start-up time.
  const chalk = await stylesFor(options.color, io);
  const verdictText = verdict
    ? `${chalk.bold(verdict.startsWith('PASS') ? chalk.green(verdict) : chalk.red(verdict))}\n`
    : '';
  const { checkLine, renderCiText } = await import('../report/ci-text.js');
  if (options.format === 'text') {
    const lines = (report.checks ?? []).map((c) => `${(c.passed ? chalk.green : chalk.red)(checkLine(c))}\n`);
    return `${lines.join('')}${verdictText}`;
  }
  if (options.tableText !== undefined) {
    const sections = renderCiText(report, chalk);
    return `${options.tableText}${sections.map((l) => `${l}\n`).join('')}${explained}${verdictText}`;
  }
  if (report.totals.requests === 0) return verdictText;
  const { renderTable } = await import('../report/table.js');
  return `${renderTable(report, { width: terminalWidth(io), chalk })}${explained}${verdictText}`;
}

async function writeJunit(report: Report, options: FinishOptions, file: string): Promise<Problem | null> {
  try {
    const { renderJunit } = await import('../report/junit.js');
    await writeFile(file, renderJunit(report, { breaksFail: options.checks.noCacheBreaks }), 'utf8');
    return null;
  } catch (err) {
    return {
      source: { file, line: null, event: null },
      severity: 'error',
      message: `cannot write the JUnit report: ${readErrorMessage(err)}`,
    };
  }
}

/** Appends the Markdown summary to $GITHUB_STEP_SUMMARY, within what is left of its 1 MiB. */
async function writeStepSummary(report: Report, verdict: string | null, io: CliIO): Promise<string | null> {
  const path = io.env.GITHUB_STEP_SUMMARY;
  if (!path) return 'GITHUB_STEP_SUMMARY is not set; no step summary written';
  try {
    const [{ fitSummary, STEP_SUMMARY_LIMIT }, { renderMarkdown }] = await Promise.all([
      import('../report/github.js'),
      import('../report/markdown.js'),
    ]);
    const used = await stat(path).then(
      (s) => s.size,
      () => 0,
    );
    const text = fitSummary(
      (maxRequestRows) =>
        `${renderMarkdown(report, maxRequestRows === undefined ? { verdict } : { verdict, maxRequestRows })}\n`,
      report.requests.length,
      STEP_SUMMARY_LIMIT - used,
    );
    if (text === '') return `${path} is already at the 1 MiB step summary limit; no summary added`;
    await appendFile(path, text, 'utf8');
    return null;
  } catch (err) {
    return `cannot write the step summary to ${path}: ${readErrorMessage(err)}`;
  }
}

// Renderers for one format or one CI system load only when used (start-up time, bench/).

/**
 * The end of every reporting command: diagnose cache breaks and evaluate the assertions unless the
 * report has them (they need every request), write the JUnit file and GitHub outputs, print the report
 * and the problems, and return the exit code that the printed verdict states.
 */
export async function finishReport(
  report: Report,
  options: FinishOptions,
  io: CliIO,
): Promise<ExitCodeValue> {
  // A report built by collectReport has them already; one that lists every request can get them here.
  const breaks = report.breaks ?? diagnoseBreaks(report.requests, { ordered: options.ordered === true });
  let full: Report = { ...report, breaks };
  if (hasChecks(options.checks) && !report.checks) {
    const { evaluateChecks } = await import('../checks/evaluate.js');
    full = { ...full, checks: evaluateChecks(full, options.checks) };
  }
  if (options.junit) {
    const failed = await writeJunit(full, options, options.junit);
    if (failed) full = { ...full, problems: [...full.problems, failed] };
  }
  const exitCode = options.failedExit ?? reportExitCode(full);
  const verdict = verdictLine(full, exitCode);
  const notes: string[] = [];
  const github = options.github || io.env.GITHUB_ACTIONS === 'true';
  if (github) {
    const note = await writeStepSummary(full, verdict, io);
    if (note) notes.push(`usage-inspect: warning: ${note}`);
  }
  const explained = await explanation(full, options);
  const onStdout = explained && !explained.toStderr ? explained.text : '';
  io.stdout.write(await renderStdout(full, verdict, options, io, onStdout));
  if (explained?.toStderr) io.stderr.write(explained.text);
  for (const p of full.problems) io.stderr.write(`${formatProblem(p)}\n`);
  const structured = options.format === 'json' || options.format === 'ndjson' || options.format === 'csv';
  if (verdict && structured) io.stderr.write(`${verdict}\n`);
  for (const note of notes) io.stderr.write(`${note}\n`);
  if (github) {
    const { reportAnnotations } = await import('../report/github.js');
    for (const line of reportAnnotations(full, options.checks.noCacheBreaks)) io.stderr.write(`${line}\n`);
  }
  return exitCode;
}
