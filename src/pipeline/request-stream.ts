import { analyzeRecord } from '../core/analyze.js';
import type { Problem, RequestResult } from '../core/types.js';
import { decodeLines, type InputFormat } from '../decode/decode-file.js';
import { type InputSpec, readErrorMessage } from '../sources/inputs.js';
import { readLineBatches } from '../sources/read-lines.js';
import { DedupeWindow } from './dedupe.js';

export interface PipelineOptions {
  format: InputFormat;
  /** Stop at the first error-level problem. */
  strict: boolean;
  /** Parse only what carries usage (see DecodeOptions.fast); default true. */
  fast?: boolean;
  /** Called with the byte count of every chunk read, for progress display. */
  onBytes?: (bytes: number) => void;
}

export type PipelineEvent = { request: RequestResult } | { problem: Problem };

async function* counted(
  source: AsyncIterable<Buffer | string>,
  onBytes?: (n: number) => void,
): AsyncGenerator<Buffer | string> {
  for await (const chunk of source) {
    onBytes?.(chunk.length);
    yield chunk;
  }
}

/**
 * decode → extract usage → cache verdict, over every input in order, as a stream: memory stays bounded
 * whatever the input size. Requests come out numbered in input order (Claude Code duplicates merged).
 * Problems never stop the run unless `strict` is set; an input that fails mid-read keeps what was
 * decoded before the failure.
 */
export async function* streamRequests(
  inputs: InputSpec[],
  options: PipelineOptions,
  initialProblems: Problem[] = [],
): AsyncGenerator<PipelineEvent> {
  let stopped = false;
  let index = 0;
  const window = new DedupeWindow();
  const numbered = (results: RequestResult[]): PipelineEvent[] =>
    results.map((r) => {
      // Results are fresh objects owned by this stream: numbering them in place avoids a copy each.
      r.index = ++index;
      return { request: r };
    });
  const problem = (p: Problem): PipelineEvent => {
    if (options.strict && p.severity === 'error') stopped = true;
    return { problem: p };
  };

  for (const p of initialProblems) yield problem(p);
  for (const input of inputs) {
    if (stopped) break;
    try {
      const batches = readLineBatches(counted(input.open(), options.onBytes));
      for await (const items of decodeLines(input.name, batches, options.format, {
        fast: options.fast !== false,
      })) {
        const out: PipelineEvent[] = [];
        for (const item of items) {
          if ('problem' in item) {
            out.push(problem(item.problem));
          } else {
            const { result, problems } = analyzeRecord(item.record, 0);
            for (const p of problems) out.push(problem(p));
            if (result && !stopped) out.push(...numbered(window.push(result)));
          }
          if (stopped) break;
        }
        yield* out;
        if (stopped) break;
      }
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (!code) throw err;
      const message = code === 'EISDIR' ? 'is a folder' : readErrorMessage(err);
      yield problem({ source: { file: input.name, line: null, event: null }, severity: 'error', message });
    }
  }
  yield* numbered(window.flush());
  const late = window.lateProblem();
  if (late) yield problem(late);
}
