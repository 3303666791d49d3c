import { describe, expect, test } from 'vitest';
import { buildRequest, type RequestSpec } from '../src/request/build-request.js';
import { DEFAULT_MAX_TOKENS, DEFAULT_MODEL } from '../src/request/defaults.js';

const spec = (over: Partial<RequestSpec>): RequestSpec => ({
  prompt: null,
  system: null,
  base: null,
  model: null,
  maxTokens: null,
  stream: false,
  betas: [],
  tools: null,
  thinking: null,
  cache: null,
  ttl: null,
  ...over,
});

describe('buildRequest', () => {
  test('a prompt gives a one-turn request with the documented defaults', () => {
    expect(buildRequest(spec({ prompt: 'hi' }))).toEqual({
      body: {
        model: DEFAULT_MODEL,
        max_tokens: DEFAULT_MAX_TOKENS,
        messages: [{ role: 'user', content: 'hi' }],
      },
      betas: [],
    });
  });

  test('flags fill model, max_tokens, stream, system, tools and thinking', () => {
    const { body } = buildRequest(
      spec({
        prompt: 'hi',
        model: 'claude-opus-5-5',
        maxTokens: 4000,
        stream: true,
        system: 'S',
        tools: [],
        thinking: 2048,
      }),
    );
    expect(body).toEqual({
      model: 'claude-opus-5-5',
      max_tokens: 4000,
      stream: true,
      system: 'S',
      tools: [],
      thinking: { type: 'enabled', budget_tokens: 2048 },
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(buildRequest(spec({ prompt: 'hi', thinking: 'adaptive' })).body.thinking).toEqual({
      type: 'adaptive',
    });
  });

  test('a --request body is the base: explicit flags override it, its betas join --beta', () => {
    const base = {
      max_tokens: 5,
      model: 'claude-haiku-5-5',
      temperature: 0,
      betas: ['a-1'],
      messages: [{ role: 'user', content: 'x' }],
    };
    const out = buildRequest(spec({ base, model: 'claude-opus-5-5', betas: ['b-2', 'a-1'] }));
    expect(out.betas).toEqual(['a-1', 'b-2']);
    expect(out.body).toEqual({
      max_tokens: 5,
      model: 'claude-opus-5-5',
      temperature: 0,
      messages: base.messages,
    });
    expect(Object.keys(out.body)).toEqual(['max_tokens', 'model', 'temperature', 'messages']);
  });

  test.each([
    [spec({}), /no prompt/],
    [spec({ prompt: '  ' }), /no prompt/],
    [spec({ base: { messages: [] } }), /has no `messages`/],
    [
      spec({ base: { messages: [{ role: 'user', content: 'x' }] }, prompt: 'y' }),
      /either as text or in the --request/,
    ],
    [spec({ prompt: 'x', thinking: 2048, maxTokens: 2048 }), /needs --max-tokens above 2048/],
    [spec({ base: { betas: 'x', messages: [{ role: 'user', content: 'x' }] } }), /`betas` must be an array/],
  ])('rejects %#', (input, message) => {
    expect(() => buildRequest(input)).toThrow(message);
  });
});
