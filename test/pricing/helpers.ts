import { analyzeRecord } from '../../src/core/analyze.js';
import type { Cost, DecodedRecord, RequestResult } from '../../src/core/types.js';
import { usdString } from '../../src/pricing/money.js';
import { builtInPrices, type PriceTable } from '../../src/pricing/price-data.js';
import { priceRequest } from '../../src/pricing/request-cost.js';

export interface RecordExtras {
  timestamp?: string;
  batch?: boolean;
}

/** Analyses one response the way the pipeline does, with the given usage object. */
export function analyze(
  model: string | null,
  usage: Record<string, unknown>,
  extras: RecordExtras = {},
  prices: PriceTable = builtInPrices(),
): RequestResult {
  const record: DecodedRecord = {
    kind: 'message',
    source: { file: 'golden.json', line: 1, event: null },
    label: null,
    id: null,
    request_id: null,
    model,
    status: 'ok',
    error: null,
    usage,
    timestamp: extras.timestamp ?? null,
    ...(extras.batch ? { batch: true } : {}),
  };
  const { result } = analyzeRecord(record, 1);
  if (!result) throw new Error('usage did not validate');
  priceRequest(result, prices, true);
  return result;
}

/** Exact dollars of a cost, or null when unpriced. */
export function usd(cost: Cost | null | undefined): string | null {
  return cost?.total === null || cost?.total === undefined ? null : usdString(cost.total);
}
