import { describe, expect, it } from 'vitest';
import { cacheVerdict } from '../src/core/cache-verdict.js';
import { readUsage } from '../src/extract/usage.js';

const counts = (input: number, write: number, read: number) =>
  readUsage({
    input_tokens: input,
    cache_creation_input_tokens: write,
    cache_read_input_tokens: read,
    output_tokens: 1,
  });

describe('cacheVerdict', () => {
  it.each([
    // input, write, read, minimum, status, hit rate
    [10, 0, 990, 1024, 'hit', 0.99],
    [10, 500, 490, 1024, 'partial', 0.49],
    [10, 990, 0, 1024, 'write', 0],
    [2000, 0, 0, 1024, 'miss', 0],
    [900, 0, 0, 1024, 'below_minimum', 0],
    [900, 0, 0, null, 'miss', 0],
    [1024, 0, 0, 1024, 'miss', 0],
    [0, 0, 0, 1024, 'below_minimum', null],
  ] as const)('in=%i write=%i read=%i min=%s → %s', (input, write, read, min, status, rate) => {
    const v = cacheVerdict(counts(input, write, read), min);
    expect(v.status).toBe(status);
    expect(v.hit_rate).toBe(rate);
    expect(v.minimum_cacheable_tokens).toBe(min);
  });
});
