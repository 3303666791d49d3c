import { CliError, ExitCode, type ExitCodeValue } from '../errors.js';
import type { CliIO } from '../io.js';
import { renderDryRunJson, renderDryRunText } from '../report/dry-run.js';
import { listBreakpoints } from '../request/cache-control.js';
import { planRequest, type RequestFlags } from './request-input.js';
import { type CallPlan, type RunCallsOptions, runCalls } from './run-calls.js';

export interface SendOptions extends RunCallsOptions {
  request: RequestFlags;
  repeat: number;
  dryRun: boolean;
}

export async function sendCommand(options: SendOptions, io: CliIO): Promise<ExitCodeValue> {
  const { breakpointErrors, ...planned } = await planRequest(options.request, io);
  if (options.dryRun) {
    const dry = {
      ...planned,
      breakpoints: listBreakpoints(planned.body),
      calls: options.repeat,
      delayMs: options.delayMs,
    };
    io.stdout.write(options.format === 'json' ? renderDryRunJson(dry) : renderDryRunText(dry));
    for (const e of breakpointErrors) io.stderr.write(`usage-inspect: ${e}\n`);
    return breakpointErrors.length > 0 ? ExitCode.badInput : ExitCode.ok;
  }
  if (breakpointErrors.length > 0) throw new CliError(`${breakpointErrors[0]}; nothing was sent`);
  const plans: CallPlan[] = Array.from({ length: options.repeat }, (_, i) => ({
    ...planned,
    source: { file: 'send', line: i + 1, event: null },
  }));
  return runCalls(plans, options, io);
}
