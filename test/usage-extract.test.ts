import { describe, expect, it } from 'vitest';
import { UsageFieldError } from '../src/extract/counts.js';
import { readUsage } from '../src/extract/usage.js';

describe('readUsage', () => {
  it('treats null counts as 0 and sums total input from all three input fields', () => {
    const u = readUsage({
      input_tokens: 5,
      cache_creation_input_tokens: null,
      cache_read_input_tokens: 700,
      output_tokens: 9,
    });
    expect(u.cache_creation_input_tokens).toBe(0);
    expect(u.total_input_tokens).toBe(705);
  });

  it('keeps a missing TTL split unknown when there were writes', () => {
    const u = readUsage({ input_tokens: 1, cache_creation_input_tokens: 1165, output_tokens: 1 });
    expect(u.cache_creation).toEqual({ ephemeral_5m_input_tokens: null, ephemeral_1h_input_tokens: null });
    expect(u.cache_creation_unknown_ttl_tokens).toBe(1165);
  });

  it('knows the split is 0/0 when nothing was written', () => {
    const u = readUsage({ input_tokens: 1, cache_creation_input_tokens: 0, output_tokens: 1 });
    expect(u.cache_creation).toEqual({ ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 });
    expect(u.cache_creation_unknown_ttl_tokens).toBe(0);
  });

  it('reads the TTL split, thinking tokens, tier, speed and geo', () => {
    const u = readUsage({
      input_tokens: 50,
      cache_creation_input_tokens: 3000,
      cache_read_input_tokens: 12000,
      cache_creation: { ephemeral_5m_input_tokens: 1000, ephemeral_1h_input_tokens: 2000 },
      output_tokens: 400,
      output_tokens_details: { thinking_tokens: 250 },
      service_tier: 'batch',
      speed: 'fast',
      inference_geo: 'us',
    });
    expect(u).toMatchObject({
      cache_creation: { ephemeral_5m_input_tokens: 1000, ephemeral_1h_input_tokens: 2000 },
      cache_creation_unknown_ttl_tokens: 0,
      thinking_tokens: 250,
      service_tier: 'batch',
      speed: 'fast',
      inference_geo: 'us',
      total_input_tokens: 15050,
    });
  });

  it('keeps unknown server_tool_use keys', () => {
    const u = readUsage({
      input_tokens: 1,
      output_tokens: 1,
      server_tool_use: { web_search_requests: 2, code_execution_requests: 3 },
    });
    expect(u.server_tool_use).toEqual({ web_search_requests: 2, code_execution_requests: 3 });
  });

  it.each([
    ['negative', -1, 'usage.input_tokens is -1'],
    ['fractional', 1.5, 'usage.input_tokens is 1.5'],
    ['a string', '12', 'usage.input_tokens is the string "12"'],
    ['beyond 2^53', 2 ** 53 + 2, 'usage.input_tokens is 9007199254740994'],
    ['NaN-like', 'NaN', 'the string "NaN"'],
    ['an object', { n: 1 }, 'an object'],
  ])('rejects a count that is %s', (_name, value, message) => {
    expect(() => readUsage({ input_tokens: value, output_tokens: 1 })).toThrow(UsageFieldError);
    expect(() => readUsage({ input_tokens: value, output_tokens: 1 })).toThrow(message);
  });

  it('names nested fields in its error', () => {
    expect(() =>
      readUsage({ input_tokens: 1, output_tokens: 1, cache_creation: { ephemeral_1h_input_tokens: -4 } }),
    ).toThrow('usage.cache_creation.ephemeral_1h_input_tokens is -4');
  });
});
