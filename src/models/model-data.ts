import data from '../data/models.json' with { type: 'json' };

/** One dated value of a model's minimum cacheable prompt length. `since: null` = from the start. */
export interface CacheMinimumStep {
  tokens: number;
  since: string | null;
}

export interface ModelEntry {
  id: string;
  name: string;
  aliases: string[];
  cache_minimum: {
    history: CacheMinimumStep[];
    source: string;
    confidence: string;
    notes?: string;
  };
  context_window: number | null;
}

export interface ModelData {
  as_of: string;
  description: string;
  sources: Record<string, string>;
  models: ModelEntry[];
}

// The JSON is our own file and test/model-data.test.ts checks its shape, so a cast is enough here.
export const MODEL_DATA = data as ModelData;
