import type { Problem, RequestResult } from '../core/types.js';
import type { InputFormat } from '../decode/decode-file.js';
import { builtInPrices, type PriceTable } from '../pricing/price-data.js';
import { PricingWarnings } from '../pricing/pricing-problems.js';
import { priceRequest } from '../pricing/request-cost.js';
import type { InputSpec } from '../sources/inputs.js';
import { DedupeWindow } from './dedupe.js';
import { type FileEvent, fileEvents } from './file-events.js';

export interface PipelineOptions {
  format: InputFormat;
  /** Stop at the first error-level problem. */
  strict: boolean;
  /** Parse only what carries usage (see DecodeOptions.fast); default true. */
  fast?: boolean;
  /** Called with the byte count of every chunk read, for progress display. */
  onBytes?: (bytes: number) => void;
  /** Worker threads for decoding many files: 'auto' (default) decides by core count and input size; 0 or 1 never. */
  workers?: number | 'auto';
  /** Prices for the cost of each request; the built-in table when absent. */
  prices?: PriceTable;
  /** Keep each cost's priced lines (`items`), for --explain. */
  costItems?: boolean;
}

export type PipelineEvent = { request: RequestResult } | { problem: Problem };

async function* sequential(inputs: InputSpec[], options: PipelineOptions): AsyncGenerator<FileEvent[]> {
  for (const input of inputs) {
    yield* fileEvents(input, {
      format: options.format,
      fast: options.fast !== false,
      onBytes: options.onBytes,
    });
  }
}

async function source(inputs: InputSpec[], options: PipelineOptions): Promise<AsyncIterable<FileEvent[]>> {
  const workers = options.workers ?? 'auto';
  if (workers !== 0 && workers !== 1 && !options.strict && inputs.length > 1) {
    const { planParallel, parallelFileEvents } = await import('./parallel.js');
    const plan = await planParallel(inputs, workers);
    if (plan) return parallelFileEvents(inputs, plan, options);
  }
  return sequential(inputs, options);
}

/**
 * decode → extract usage → cache verdict → cost, over every input in order, as a stream: memory stays bounded
 * whatever the input size. Requests come out numbered in input order (Claude Code duplicates merged).
 * Problems never stop the run unless `strict` is set.
 */
export async function* streamRequests(
  inputs: InputSpec[],
  options: PipelineOptions,
  initialProblems: Problem[] = [],
): AsyncGenerator<PipelineEvent> {
  let stopped = false;
  let index = 0;
  const window = new DedupeWindow();
  const prices = options.prices ?? builtInPrices();
  const warnings = new PricingWarnings();
  const numbered = (results: RequestResult[]): PipelineEvent[] =>
    results.map((r) => {
      // Results are fresh objects owned by this stream: numbering and pricing them in place avoids a
      // copy each. Pricing happens here, after deduplication and outside the decoding workers, so that
      // --pricing files are read once and duplicates are never priced.
      r.index = ++index;
      priceRequest(r, prices, options.costItems === true);
      warnings.add(r);
      return { request: r };
    });
  const problem = (p: Problem): PipelineEvent => {
    if (options.strict && p.severity === 'error') stopped = true;
    return { problem: p };
  };

  for (const p of initialProblems) yield problem(p);
  if (!stopped) {
    for await (const events of await source(inputs, options)) {
      const out: PipelineEvent[] = [];
      for (const event of events) {
        if ('problem' in event) out.push(problem(event.problem));
        else out.push(...numbered(window.push(event.request)));
        if (stopped) break;
      }
      yield* out;
      if (stopped) break;
    }
  }
  yield* numbered(window.flush());
  const late = window.lateProblem();
  if (late) yield problem(late);
  for (const p of warnings.problems()) yield problem(p);
}
