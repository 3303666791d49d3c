import { describe, expect, it } from 'vitest';
import { analyzeRecord } from '../src/core/analyze.js';
import type { DecodedRecord } from '../src/core/types.js';

function record(usage: unknown, model = 'claude-opus-4-6'): DecodedRecord {
  return {
    kind: 'message',
    source: { file: 'f', line: 1, event: null },
    label: null,
    id: 'msg',
    request_id: null,
    model,
    status: 'ok',
    error: null,
    usage,
    timestamp: null,
  };
}

const it0 = (type: string, input: number, output: number, extra: Record<string, unknown> = {}) => ({
  type,
  input_tokens: input,
  output_tokens: output,
  cache_read_input_tokens: 0,
  cache_creation_input_tokens: 0,
  ...extra,
});

describe('iterations', () => {
  it('excludes compaction from the top level and sums every iteration into billed usage', () => {
    const { result, problems } = analyzeRecord(
      record({
        input_tokens: 682,
        output_tokens: 1320,
        iterations: [it0('compaction', 60385, 592), it0('message', 682, 1320)],
      }),
      1,
    );
    expect(problems).toEqual([]);
    expect(result?.iterations.map((i) => [i.type, i.in_top_level, i.billed])).toEqual([
      ['compaction', false, true],
      ['message', true, true],
    ]);
    expect(result?.usage?.input_tokens).toBe(682);
    expect(result?.billed_usage?.input_tokens).toBe(61067);
    expect(result?.billed_usage?.output_tokens).toBe(1912);
  });

  it('gives advisor iterations their own model and keeps them out of the top level', () => {
    const { result } = analyzeRecord(
      record(
        {
          input_tokens: 3000,
          output_tokens: 700,
          iterations: [
            it0('message', 1000, 200),
            it0('advisor_message', 8000, 300, { model: 'claude-opus-5' }),
            it0('message', 2000, 500),
          ],
        },
        'claude-sonnet-5',
      ),
      1,
    );
    expect(result?.iterations.map((i) => [i.model, i.in_top_level])).toEqual([
      ['claude-sonnet-5', true],
      ['claude-opus-5', false],
      ['claude-sonnet-5', true],
    ]);
    expect(result?.billed_usage?.input_tokens).toBe(11000);
  });

  it('reports declined fallback hops but does not bill them', () => {
    const { result } = analyzeRecord(
      record(
        {
          input_tokens: 500,
          output_tokens: 90,
          iterations: [
            it0('message', 400, 5, { model: 'claude-opus-5' }),
            it0('fallback_message', 500, 90, { model: 'claude-sonnet-5' }),
          ],
        },
        'claude-sonnet-5',
      ),
      1,
    );
    expect(result?.iterations.map((i) => [i.type, i.in_top_level, i.billed])).toEqual([
      ['message', false, false],
      ['fallback_message', true, true],
    ]);
    expect(result?.billed_usage?.input_tokens).toBe(500);
  });

  it('keeps unknown iteration types and warns when the top level does not add up', () => {
    const { result, problems } = analyzeRecord(
      record({
        input_tokens: 10,
        output_tokens: 10,
        iterations: [it0('message', 10, 10), it0('future_kind', 7, 3)],
      }),
      1,
    );
    expect(result?.iterations[1]).toMatchObject({ type: 'future_kind', in_top_level: false, billed: true });
    expect(result?.billed_usage?.input_tokens).toBe(17);
    expect(problems).toEqual([]);
    const mismatch = analyzeRecord(
      record({ input_tokens: 99, output_tokens: 10, iterations: [it0('message', 10, 10)] }),
      1,
    );
    expect(mismatch.problems[0]?.message).toContain('input_tokens 99 (iterations give 10)');
  });

  it('computes a cache verdict per iteration against its own model', () => {
    const { result } = analyzeRecord(
      record({ input_tokens: 682, output_tokens: 1, iterations: [it0('message', 682, 1)] }),
      1,
    );
    expect(result?.iterations[0]?.cache).toEqual({
      status: 'below_minimum',
      hit_rate: 0,
      minimum_cacheable_tokens: 4096,
    });
  });
});
