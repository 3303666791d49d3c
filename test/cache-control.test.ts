import { describe, expect, test } from 'vitest';
import { CliError } from '../src/errors.js';
import { applyCacheOptions, checkBreakpoints, listBreakpoints } from '../src/request/cache-control.js';

const tools = [
  { name: 'a', description: 'first', input_schema: { type: 'object' } },
  { name: 'b', description: 'second', input_schema: { type: 'object' } },
];
const base = {
  model: 'claude-sonnet-5-5',
  max_tokens: 10,
  system: 'Be brief.',
  tools,
  messages: [
    { role: 'user', content: 'first question' },
    {
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: '…', signature: 's' },
        { type: 'text', text: 'answer' },
      ],
    },
    { role: 'user', content: 'second question' },
  ],
};

describe('applyCacheOptions', () => {
  test('places markers on the last tool, the system prompt and the last message, in prefix order', () => {
    const body = applyCacheOptions(base, ['messages', 'system', 'tools'], null);
    expect(listBreakpoints(body).map((b) => [b.index, b.location, b.ttl])).toEqual([
      [1, 'tools[1]', '5m'],
      [2, 'system[0]', '5m'],
      [3, 'messages[2].content[0]', '5m'],
    ]);
    expect(body.system).toEqual([{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }]);
    expect((body.tools as unknown[])[0]).toEqual(tools[0]);
    // The input is not changed.
    expect(base.system).toBe('Be brief.');
  });

  test('auto puts one top-level cache_control, counted as the last breakpoint', () => {
    const body = applyCacheOptions(base, ['auto'], '1h');
    expect(body.cache_control).toEqual({ type: 'ephemeral', ttl: '1h' });
    expect(listBreakpoints(body)).toEqual([
      { index: 1, section: 'automatic', location: 'cache_control', ttl: '1h', path: [] },
    ]);
  });

  test('--ttl applies to every marker, including those the request already had', () => {
    const withMarker = { ...base, tools: [{ ...tools[0], cache_control: { type: 'ephemeral' } }] };
    const body = applyCacheOptions(withMarker, ['system'], '1h');
    expect(listBreakpoints(body).map((b) => b.ttl)).toEqual(['1h', '1h']);
  });

  test('no targets leaves the body as it is; none removes every marker', () => {
    const marked = applyCacheOptions(base, ['tools', 'system'], null);
    expect(applyCacheOptions(marked, null, null)).toBe(marked);
    expect(listBreakpoints(applyCacheOptions(marked, ['none'], null))).toEqual([]);
  });

  test('skips thinking blocks, which cannot carry cache_control', () => {
    const body = {
      ...base,
      messages: [
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'x' },
            { type: 'thinking', thinking: 't' },
          ],
        },
      ],
    };
    expect(listBreakpoints(applyCacheOptions(body, ['messages'], null))[0]?.location).toBe(
      'messages[0].content[0]',
    );
  });

  test.each([
    [['tools'], { messages: [{ role: 'user', content: 'x' }] }, /has no tools/],
    [['system'], { messages: [{ role: 'user', content: 'x' }] }, /has no system prompt/],
    [['none', 'tools'], base, /cannot be combined/],
  ] as const)('refuses %j on a request that cannot take it', (targets, body, message) => {
    expect(() => applyCacheOptions(body, [...targets], null)).toThrow(CliError);
    expect(() => applyCacheOptions(body, [...targets], null)).toThrow(message);
  });
});

describe('listBreakpoints', () => {
  test('finds markers inside tool_result content', () => {
    const body = {
      messages: [
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: 't',
              content: [{ type: 'text', text: 'r', cache_control: { type: 'ephemeral', ttl: '1h' } }],
            },
          ],
        },
      ],
    };
    expect(listBreakpoints(body).map((b) => [b.location, b.ttl, b.path])).toEqual([
      ['messages[0].content[0].content[0]', '1h', [0, 0, 0]],
    ]);
  });
});

describe('checkBreakpoints', () => {
  test('more than 4 breakpoints is an error', () => {
    const body = applyCacheOptions(
      {
        ...base,
        system: [1, 2, 3, 4].map((i) => ({
          type: 'text',
          text: `s${i}`,
          cache_control: { type: 'ephemeral' },
        })),
      },
      ['tools'],
      null,
    );
    expect(checkBreakpoints(listBreakpoints(body)).errors).toEqual([
      'the request has 5 cache_control breakpoints; the API allows at most 4',
    ]);
  });

  test('a 1h breakpoint after a 5m one is a warning', () => {
    const body = {
      system: [{ type: 'text', text: 's', cache_control: { type: 'ephemeral' } }],
      messages: [
        {
          role: 'user',
          content: [{ type: 'text', text: 'm', cache_control: { type: 'ephemeral', ttl: '1h' } }],
        },
      ],
    };
    const { errors, warnings } = checkBreakpoints(listBreakpoints(body));
    expect(errors).toEqual([]);
    expect(warnings[0]).toMatch(/messages\[0\]\.content\[0\] \(1h\) comes after a 5m breakpoint/);
  });
});
