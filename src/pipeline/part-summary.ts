import type { GroupBy, InputFormat } from '../choices.js';
import type { Problem, RequestResult, SourceRef } from '../core/types.js';
import { loadPricing } from '../pricing/load-pricing.js';
import { builtInPrices, type PriceTable } from '../pricing/price-data.js';
import { PricingWarnings } from '../pricing/pricing-problems.js';
import { priceRequest } from '../pricing/request-cost.js';
import { fileRange } from '../sources/inputs.js';
import { ReportCollector } from './collect.js';
import { analyzeItems, decodeInput } from './file-events.js';

/** Bytes [start, end) of a JSONL file, starting at a line's start. */
export interface Part {
  file: string;
  start: number;
  end: number;
}

export interface PartOptions {
  format: InputFormat;
  top: number;
  groupBy: GroupBy;
  pricingFiles: string[];
}

/** What one part adds to the report, numbered and placed as if the part were the whole input. */
export interface PartSummary {
  collector: ReportCollector;
  warnings: PricingWarnings;
  /** Requests in the part: the numbering of the next part starts after them. */
  requests: number;
  /** Lines in the part: the line numbers of the next part of the same file start after them. */
  lines: number;
  /**
   * The requests and problems the collector holds and the warnings' sources: the same objects, once sent
   * to the main thread, for it to renumber them and move their line numbers (see parallel.ts).
   */
  held: { requests: RequestResult[]; problems: Problem[]; warningSources: SourceRef[] };
}

/** The part holds responses whose meaning depends on what came before (streams, Claude Code, recordings). */
export class OrderDependent extends Error {}

const prices = new Map<string, Promise<PriceTable>>();

/** Gives this thread's parts the table the main thread already built from these --pricing files. */
export function usePrices(files: string[], table: PriceTable): void {
  prices.set(JSON.stringify(files), Promise.resolve(table));
}

/** The price table, built once per thread from the same --pricing files as the main thread's. */
function tableFor(files: string[]): Promise<PriceTable> {
  const key = JSON.stringify(files);
  let table = prices.get(key);
  if (!table) {
    table = loadPricing(files, builtInPrices()).then((p) => p.table);
    prices.set(key, table);
  }
  return table;
}

/**
 * Runs one part of a JSONL file through decode → extract usage → cache verdict → cost → report sums, the
 * same steps and order as request-stream.ts and the report collector, for a worker thread. Only responses
 * that stand alone qualify: throws OrderDependent at the first that does not, and lets read errors
 * through, so that the run can fall back to reading everything in one thread.
 */
export async function summarizePart(
  part: Part,
  options: PartOptions,
  progress?: (bytes: number, requests: number) => void,
): Promise<PartSummary> {
  const table = await tableFor(options.pricingFiles);
  const collector = new ReportCollector({ top: options.top }, options.groupBy);
  const warnings = new PricingWarnings(Number.POSITIVE_INFINITY);
  let index = 0;
  let lines = 0;
  let bytes = 0;
  const input = fileRange(part.file, part.start, part.end);
  for await (const items of decodeInput(input, {
    format: options.format,
    fast: true,
    part: { atFileStart: part.start === 0 },
    onBytes: (n) => {
      bytes += n;
    },
    onLines: (n) => {
      lines += n;
    },
  })) {
    const before = index;
    for (const event of analyzeItems(items)) {
      if ('problem' in event) {
        collector.addProblem(event.problem);
        continue;
      }
      const r = event.request;
      if (r.kind === 'stream' || r.kind === 'claude_code' || r.kind === 'recording')
        throw new OrderDependent();
      r.index = ++index;
      priceRequest(r, table, false);
      warnings.add(r);
      collector.add(r);
    }
    progress?.(bytes, index - before);
    bytes = 0;
  }
  return {
    collector,
    warnings,
    requests: index,
    lines,
    held: { ...collector.held(), warningSources: warnings.sources() },
  };
}
