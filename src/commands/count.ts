import { type ConnectionOptions, openClient } from '../api/client.js';
import { countTokens } from '../api/messages.js';
import { type BreakpointCount, type CountReport, prefixVerdict } from '../core/count.js';
import { ExitCode, type ExitCodeValue } from '../errors.js';
import type { CliIO } from '../io.js';
import { minimumCacheableTokens } from '../models/resolve-model.js';
import { renderCountJson, renderCountTable } from '../report/count.js';
import { stylesFor } from '../report/styles.js';
import { listBreakpoints } from '../request/cache-control.js';
import { countBody, prefixCountBody, usesPlaceholder } from '../request/count-request.js';
import { Spinner } from '../terminal/spinner.js';
import { planRequest, type RequestFlags } from './request-input.js';

export interface CountOptions {
  request: RequestFlags;
  connection: ConnectionOptions;
  format: 'table' | 'json';
  color: boolean | undefined;
}

/**
 * Counts the request's input tokens, then the prefix up to each cache_control breakpoint (one
 * count_tokens call per prefix), and says which prefixes are too short to ever be cached.
 */
export async function countCommand(options: CountOptions, io: CliIO): Promise<ExitCodeValue> {
  const { breakpointErrors, ...planned } = await planRequest(options.request, io);
  for (const e of breakpointErrors) io.stderr.write(`usage-inspect: warning: ${e}\n`);
  const spinner = new Spinner(io.stderr);
  const notice = (message: string) => spinner.print(`usage-inspect: ${message}\n`);
  const api = await openClient(options.connection, io.env, { onRetry: notice, onWarning: notice });
  const { body, dropped } = countBody(planned.body);
  // max_tokens and stream are part of every create body and mean nothing to a count; say only
  // what else (from a --request body) was left out.
  const worthSaying = dropped.filter((f) => f !== 'max_tokens' && f !== 'stream');
  if (worthSaying.length > 0)
    io.stderr.write(`usage-inspect: not sent to count_tokens: ${worthSaying.join(', ')}\n`);
  const model = String(planned.body.model);
  const breakpoints = listBreakpoints(planned.body);
  let input: number;
  const counts: BreakpointCount[] = [];
  const minimum = minimumCacheableTokens(model, new Date().toISOString());
  try {
    spinner.start('counting the whole request');
    input = await countTokens(api, body, planned.betas);
    for (const breakpoint of breakpoints) {
      spinner.start(`counting the prefix up to ${breakpoint.location}`);
      // The automatic breakpoint sits on the last cacheable block: its prefix is the whole request.
      const tokens =
        breakpoint.section === 'automatic'
          ? input
          : await countTokens(api, prefixCountBody(planned.body, breakpoint), planned.betas);
      counts.push({
        breakpoint,
        prefix_tokens: tokens,
        includes_placeholder: usesPlaceholder(breakpoint),
        verdict: prefixVerdict(tokens, minimum),
      });
    }
  } finally {
    spinner.stop();
  }
  const report: CountReport = {
    model,
    input_tokens: input,
    minimum_cacheable_tokens: minimum,
    breakpoints: counts,
  };
  if (options.format === 'json') io.stdout.write(renderCountJson(report));
  else {
    io.stdout.write(renderCountTable(report, await stylesFor(options.color, io)));
  }
  return ExitCode.ok;
}
