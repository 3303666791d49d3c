import type { CacheBreak, Problem, Report, SourceRef } from '../core/types.js';
import { breakTokens } from './ci-text.js';

/*
 * GitHub Actions workflow commands: `::error file=…,line=…,title=…::message`, read by the runner from
 * stdout and stderr alike (stderr keeps JSON/CSV on stdout clean).
 * https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands
 * The runner decodes %25 %0D %0A in the message, and also %3A %2C in property values; these are the
 * escapes the official toolkit applies (actions/toolkit packages/core/src/command.ts).
 */

export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export type AnnotationLevel = 'error' | 'warning';

export interface Annotation {
  level: AnnotationLevel;
  title: string;
  message: string;
  file?: string | undefined;
  line?: number | undefined;
}

export function formatAnnotation(a: Annotation): string {
  const props: string[] = [];
  if (a.file) props.push(`file=${escapeProperty(a.file)}`);
  if (a.file && a.line) props.push(`line=${a.line}`);
  props.push(`title=${escapeProperty(a.title)}`);
  return `::${a.level} ${props.join(',')}::${escapeData(a.message)}`;
}

/**
 * GitHub keeps at most 10 error and 10 warning annotations per step and drops the rest silently, so the
 * tenth says how many more there are (the plain lines on stderr still list every one):
 * https://github.com/actions/toolkit/blob/main/docs/problem-matchers.md#limitations
 */
export const ANNOTATIONS_PER_LEVEL = 10;

function capped(level: AnnotationLevel, items: Annotation[]): Annotation[] {
  if (items.length <= ANNOTATIONS_PER_LEVEL) return items;
  const kept = items.slice(0, ANNOTATIONS_PER_LEVEL - 1);
  const rest = items.length - kept.length;
  return [
    ...kept,
    {
      level,
      title: `usage-inspect: ${rest} more`,
      message: `${rest} more ${level}s; see the log and the step summary`,
    },
  ];
}

/** A file GitHub can link: stdin has none. */
function fileOf(source: SourceRef): { file?: string; line?: number } {
  if (source.file === '-' || source.file === '(stdin)') return {};
  return { file: source.file, ...(source.line !== null ? { line: source.line } : {}) };
}

function problemAnnotation(p: Problem): Annotation {
  const event = p.source.event === null ? '' : ` (event ${p.source.event})`;
  return {
    level: p.severity,
    title: `usage-inspect: input ${p.severity}`,
    message: `${p.message}${event}`,
    ...fileOf(p.source),
  };
}

function breakAnnotation(b: CacheBreak, level: AnnotationLevel): Annotation {
  return {
    level,
    title: `usage-inspect: cache break (${b.cause})`,
    message: `request #${b.index} vs #${b.previous_index}: ${breakTokens(b)}; ${b.detail}`,
    ...fileOf(b.source),
  };
}

/**
 * Annotations for a report: failed checks and input errors as errors, cache breaks as errors when
 * `--no-cache-breaks` asked for none (else as warnings), input warnings as warnings.
 */
export function reportAnnotations(report: Report, breaksFail: boolean): string[] {
  const all: Annotation[] = [
    ...(report.checks ?? [])
      .filter((c) => !c.passed)
      .map(
        (c): Annotation => ({ level: 'error', title: `usage-inspect: ${c.name} failed`, message: c.message }),
      ),
    ...(report.breaks ?? []).map((b) => breakAnnotation(b, breaksFail ? 'error' : 'warning')),
    ...report.problems.map(problemAnnotation),
  ];
  const errors = capped(
    'error',
    all.filter((a) => a.level === 'error'),
  );
  const warnings = capped(
    'warning',
    all.filter((a) => a.level === 'warning'),
  );
  return [...errors, ...warnings].map(formatAnnotation);
}

/**
 * GitHub rejects a step summary over 1 MiB ("supports content up to a size of 1024k") and shows none
 * of it: https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands#adding-a-job-summary
 */
export const STEP_SUMMARY_LIMIT = 1024 * 1024;

/**
 * The largest summary that fits in `budget` bytes: all of it when it fits, else with fewer request rows
 * (binary search), else cut at a UTF-8 boundary with a note.
 */
export function fitSummary(
  render: (maxRequestRows?: number) => string,
  rows: number,
  budget: number,
): string {
  const size = (s: string) => Buffer.byteLength(s, 'utf8');
  const full = render();
  if (size(full) <= budget) return full;
  let lo = 0;
  let hi = rows - 1;
  let best: string | null = null;
  while (lo <= hi) {
    const mid = Math.floor((lo + hi) / 2);
    const text = render(mid);
    if (size(text) <= budget) {
      best = text;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  if (best !== null) return best;
  const note = '\n\n… cut to fit the 1 MiB step summary limit; the JSON report has everything.\n';
  const room = Math.max(0, budget - size(note));
  const cut = Buffer.from(render(0), 'utf8')
    .subarray(0, room)
    .toString('utf8')
    .replace(/\uFFFD$/, '');
  return size(cut) + size(note) <= budget ? `${cut}${note}` : '';
}
