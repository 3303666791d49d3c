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

/**
 * decode → extract usage → cache verdict → cost, over every input in order, as a stream of batches: memory
 * stays bounded whatever the input size. Requests come out numbered in input order (Claude Code duplicates
 * merged). Problems never stop the run unless `strict` is set.
 */
export async function* streamRequests(
  inputs: InputSpec[],
  options: PipelineOptions,
  initialProblems: Problem[] = [],
): AsyncGenerator<PipelineEvent[]> {
  let stopped = false;
  let index = 0;
  const window = new DedupeWindow();
  const prices = options.prices ?? builtInPrices();
  const warnings = new PricingWarnings();
  const withItems = options.costItems === true;
  const emit = (r: RequestResult, out: PipelineEvent[]): void => {
    // Results are fresh objects owned by this stream: numbering and pricing them in place avoids a copy
    // each. Pricing happens here, after deduplication, so that duplicates are never priced.
    r.index = ++index;
    priceRequest(r, prices, withItems);
    warnings.add(r);
    out.push({ request: r });
  };
  const problem = (p: Problem, out: PipelineEvent[]): void => {
    if (options.strict && p.severity === 'error') stopped = true;
    out.push({ problem: p });
  };

  const first: PipelineEvent[] = [];
  for (const p of initialProblems) problem(p, first);
  if (first.length > 0) yield first;
  if (!stopped) {
    let out: PipelineEvent[] = [];
    const release = (r: RequestResult) => emit(r, out);
    for await (const events of sequential(inputs, options)) {
      out = [];
      for (const event of events) {
        if ('problem' in event) problem(event.problem, out);
        else window.push(event.request, release);
        if (stopped) break;
      }
      if (out.length > 0) yield out;
      if (stopped) break;
    }
  }
  const last: PipelineEvent[] = [];
  window.flush((r) => emit(r, last));
  const late = window.lateProblem();
  if (late) problem(late, last);
  for (const p of warnings.problems()) problem(p, last);
  if (last.length > 0) yield last;
}
