import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, expect, test } from 'vitest';
import { apiError, fakeTokenCount } from './support/fake-anthropic-server.js';
import { useFakeApi } from './support/fake-api-suite.js';
import { CANARY_KEY, runCli } from './support/run-cli.js';

const suite = useFakeApi('count');
let tools: string;

beforeEach(() => {
  tools = join(suite.dir, 'tools.json');
  // Five words: far below any minimum cacheable length.
  writeFileSync(
    tools,
    JSON.stringify([{ name: 'lookup', description: 'find a thing fast', input_schema: { type: 'object' } }]),
  );
});

const env = () => suite.env();
// The fake server counts words, so a 600-word system prompt is 600 tokens.
const system = Array.from({ length: 600 }, (_, i) => `w${i}`).join(' ');
const count = (args: string[]) =>
  runCli(
    [
      'count',
      '--tools',
      tools,
      '--system',
      system,
      '--cache',
      'tools,system,messages',
      ...args,
      'why',
      'is',
      'it',
    ],
    { env: env() },
  );

test('counts the request, then the prefix up to each breakpoint against the model minimum', async () => {
  const run = await count([]);
  expect(run.code).toBe(0);
  expect(run.stderr).toBe('');
  const calls = suite.fake.received('/v1/messages/count_tokens');
  expect(calls).toHaveLength(4);
  expect(calls.map((c) => fakeTokenCount(c.body))).toEqual([608, 6, 606, 608]);
  expect(calls[0]?.body).not.toHaveProperty('max_tokens');
  expect(calls[1]?.body.messages).toEqual([{ role: 'user', content: '.' }]);
  expect(suite.fake.received('/v1/messages')).toHaveLength(0);
  expect(run.stdout).toContain(
    'Model claude-sonnet-5-5 (minimum cacheable prompt 512 tokens)\nInput tokens 608',
  );
  const rows = run.stdout.split('\n').filter((l) => /^│ \d/.test(l));
  expect(
    rows.map((r) =>
      r
        .split('│')
        .slice(1, -1)
        .map((c) => c.trim()),
    ),
  ).toEqual([
    ['1', 'tools[0]', '5m', '≈6', 'never cached: below the 512-token minimum'],
    ['2', 'system[0]', '5m', '≈606', 'can be cached'],
    ['3', 'messages[0].content[0]', '5m', '608', 'can be cached'],
  ]);
  expect(run.stdout).not.toContain(CANARY_KEY);
});

test('--format json gives each breakpoint its prefix count and whether it can be cached', async () => {
  const run = await count(['-f', 'json', '--ttl', '1h']);
  expect(run.code).toBe(0);
  expect(JSON.parse(run.stdout)).toEqual({
    schema_version: 1,
    model: 'claude-sonnet-5-5',
    input_tokens: 608,
    minimum_cacheable_tokens: 512,
    breakpoints: [
      {
        index: 1,
        section: 'tools',
        location: 'tools[0]',
        ttl: '1h',
        prefix_input_tokens: 6,
        includes_placeholder: true,
        cacheable: false,
      },
      {
        index: 2,
        section: 'system',
        location: 'system[0]',
        ttl: '1h',
        prefix_input_tokens: 606,
        includes_placeholder: true,
        cacheable: true,
      },
      {
        index: 3,
        section: 'messages',
        location: 'messages[0].content[0]',
        ttl: '1h',
        prefix_input_tokens: 608,
        includes_placeholder: false,
        cacheable: true,
      },
    ],
  });
});

test('the automatic breakpoint covers the whole request, so no extra count is needed', async () => {
  const run = await runCli(['count', '-f', 'json', '--cache', 'auto', 'one', 'two'], { env: env() });
  expect(run.code).toBe(0);
  expect(suite.fake.received('/v1/messages/count_tokens')).toHaveLength(1);
  expect(JSON.parse(run.stdout).breakpoints[0]).toMatchObject({
    section: 'automatic',
    prefix_input_tokens: 2,
    cacheable: false,
  });
});

test('a request without breakpoints says nothing can be cached', async () => {
  const run = await runCli(['count', 'hello'], { env: env() });
  expect(run.code).toBe(0);
  expect(run.stdout).toContain(
    'No cache_control breakpoints: nothing in this request can be cached (see --cache).',
  );
});

test('fields count_tokens does not take are left out, and named', async () => {
  const body = join(suite.dir, 'body.json');
  writeFileSync(
    body,
    JSON.stringify({ temperature: 0, metadata: {}, messages: [{ role: 'user', content: 'a b' }] }),
  );
  const run = await runCli(['count', '--request', body, '--stream'], { env: env() });
  expect(run.code).toBe(0);
  expect(run.stderr).toBe('usage-inspect: not sent to count_tokens: temperature, metadata\n');
  expect(Object.keys(suite.fake.received('/v1/messages/count_tokens')[0]?.body ?? {})).toEqual([
    'messages',
    'model',
  ]);
});

test('a model without a known minimum says so instead of guessing', async () => {
  const run = await runCli(['count', '-m', 'claude-haiku-5-5', '--cache', 'messages', 'hello'], {
    env: env(),
  });
  expect(run.code).toBe(0);
  expect(run.stdout).toContain('minimum cacheable prompt unknown');
  expect(run.stdout).toContain('minimum unknown for this model');
});

test('--beta goes to the beta count endpoint header', async () => {
  await runCli(['count', '--beta', 'compact-2026-01-12', 'hello'], { env: env() });
  expect(suite.fake.received('/v1/messages/count_tokens')[0]?.headers['anthropic-beta']).toBe(
    'compact-2026-01-12,token-counting-2024-11-01',
  );
});

test('an API error is reported with its type, message and request id, exit 3', async () => {
  suite.fake.enqueue('/v1/messages/count_tokens', apiError(404, 'not_found_error', 'model: nope'));
  const run = await runCli(['count', '-m', 'nope', 'hello'], { env: env() });
  expect(run.code).toBe(3);
  expect(run.stderr).toBe(
    'usage-inspect: API error 404: not_found_error: model: nope (request-id req_err_404)\n',
  );
  expect(run.stdout).toBe('');
});

test('a missing key is reported before any call', async () => {
  const run = await runCli(['count', 'hello'], { env: { ANTHROPIC_BASE_URL: suite.fake.url } });
  expect(run.code).toBe(2);
  expect(run.stderr).toMatch(/^usage-inspect: no API key/);
  expect(suite.fake.requests).toHaveLength(0);
});
