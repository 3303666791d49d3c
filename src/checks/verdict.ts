import type { Report } from '../core/types.js';
import { ExitCode, type ExitCodeValue } from '../errors.js';

/**
 * Exit status of a report: 2 when any input was unusable or nothing had usage (whatever the checks say),
 * else 1 when any check failed, else 0. Every printed verdict is derived from this, so they agree.
 */
export function reportExitCode(report: Report): ExitCodeValue {
  if (report.problems.some((p) => p.severity === 'error')) return ExitCode.badInput;
  if (report.totals.requests_with_usage === 0) return ExitCode.badInput;
  if (report.checks?.some((c) => !c.passed)) return ExitCode.checksFailed;
  return ExitCode.ok;
}

function checksSummary(report: Report): string {
  const checks = report.checks ?? [];
  const failed = checks.filter((c) => !c.passed);
  const n = checks.length;
  if (failed.length === 0) return n === 1 ? '1 check passed' : `all ${n} checks passed`;
  return `${failed.length} of ${n} check${n === 1 ? '' : 's'} failed: ${failed.map((c) => c.name).join(', ')}`;
}

/**
 * The one-line verdict for `exitCode`, e.g. `FAIL: 1 of 3 checks failed: min-hit-rate`.
 * Null when no checks were asked for and the input was fine: plain reports print no verdict.
 */
export function verdictLine(report: Report, exitCode: ExitCodeValue): string | null {
  const ran = (report.checks?.length ?? 0) > 0;
  if (exitCode === ExitCode.ok) return ran ? `PASS: ${checksSummary(report)}` : null;
  if (exitCode === ExitCode.checksFailed) return `FAIL: ${checksSummary(report)}`;
  if (!ran) return null;
  const why = exitCode === ExitCode.badInput ? 'some input was unusable or had no usage' : 'the run failed';
  return `ERROR: ${why} (exit ${exitCode}); ${checksSummary(report)}`;
}
