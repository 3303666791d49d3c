import type { Ratio } from '../money.js';
import type { ModelPrice } from '../price-data.js';

export interface GeoOutcome {
  factor: Ratio | null;
  note: string | null;
}

/**
 * Data residency: `inference_geo: "us"` multiplies every token category (input, output, cache writes and
 * reads) by 1.1 on Claude 4.6 and later models; `"global"` is the standard price, and earlier models
 * reject the parameter: https://platform.claude.com/docs/en/manage-claude/data-residency
 */
export function inferenceGeoFactor(model: ModelPrice, geo: string | null): GeoOutcome {
  if (geo === null || geo === 'global') return { factor: null, note: null };
  if (geo === 'us') {
    return model.usInference
      ? { factor: model.usInference, note: null }
      : {
          factor: null,
          note: `inference_geo "us" reported, but ${model.id} has no US multiplier (the parameter needs Claude 4.6+); priced at standard rates`,
        };
  }
  return {
    factor: null,
    note: `inference_geo ${JSON.stringify(geo)} has no known multiplier; priced at standard rates`,
  };
}
