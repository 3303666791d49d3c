import { TotalsAccumulator } from '../core/totals.js';
import type { Problem, Report, RequestResult } from '../core/types.js';
import type { InputSpec } from '../sources/inputs.js';
import { type PipelineOptions, streamRequests } from './request-stream.js';

export type { PipelineOptions } from './request-stream.js';

/** Runs the whole pipeline and keeps every request: for small inputs and whole-document output. */
export async function runPipeline(
  inputs: InputSpec[],
  options: PipelineOptions,
  initialProblems: Problem[] = [],
): Promise<Report> {
  const requests: RequestResult[] = [];
  const problems: Problem[] = [];
  const totals = new TotalsAccumulator();
  for await (const events of streamRequests(inputs, options, initialProblems)) {
    for (const event of events) {
      if ('problem' in event) problems.push(event.problem);
      else {
        requests.push(event.request);
        totals.add(event.request);
      }
    }
  }
  return { requests, totals: totals.result(), problems };
}
