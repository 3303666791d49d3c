import { analyzeRecord, computeTotals } from '../core/analyze.js';
import type { Problem, Report, RequestResult } from '../core/types.js';
import { decodeLines, type InputFormat } from '../decode/decode-file.js';
import { type InputSpec, readErrorMessage } from '../sources/inputs.js';
import { readLines } from '../sources/read-lines.js';
import { dedupeKey, moreComplete } from './dedupe.js';

export interface PipelineOptions {
  format: InputFormat;
  /** Stop at the first error-level problem. */
  strict: boolean;
}

/**
 * decode → extract usage → cache verdict, over every input in order. Problems never stop the run
 * unless `strict` is set; an input that fails mid-read keeps what was decoded before the failure.
 */
export async function runPipeline(
  inputs: InputSpec[],
  options: PipelineOptions,
  initialProblems: Problem[] = [],
): Promise<Report> {
  const requests: RequestResult[] = [];
  const problems: Problem[] = [...initialProblems];
  const seen = new Map<string, number>();
  const stopped = () => options.strict && problems.some((p) => p.severity === 'error');

  for (const input of inputs) {
    if (stopped()) break;
    try {
      for await (const item of decodeLines(input.name, readLines(input.open()), options.format)) {
        if ('problem' in item) {
          problems.push(item.problem);
          if (stopped()) break;
          continue;
        }
        const { result, problems: found } = analyzeRecord(item.record, requests.length + 1);
        problems.push(...found);
        if (stopped()) break;
        if (!result) continue;
        const key = dedupeKey(result);
        const at = key === null ? undefined : seen.get(key);
        if (at !== undefined) {
          const current = requests[at] as RequestResult;
          if (moreComplete(result, current)) requests[at] = { ...result, index: current.index };
          continue;
        }
        if (key !== null) seen.set(key, requests.length);
        requests.push(result);
      }
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (!code) throw err;
      const message = code === 'EISDIR' ? 'is a folder' : readErrorMessage(err);
      problems.push({ source: { file: input.name, line: null, event: null }, severity: 'error', message });
    }
  }
  return { requests, totals: computeTotals(requests), problems };
}
