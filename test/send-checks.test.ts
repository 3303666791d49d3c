import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, test } from 'vitest';
import { type Answer, apiError } from './support/fake-anthropic-server.js';
import { useFakeApi } from './support/fake-api-suite.js';
import { runCli } from './support/run-cli.js';

const suite = useFakeApi('send-checks');

function message(id: number, read: number, write: number): Answer {
  return {
    kind: 'json',
    body: {
      id: `msg_0${id}`,
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5-20250929',
      content: [{ type: 'text', text: 'ok' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: {
        input_tokens: 8,
        cache_creation_input_tokens: write,
        cache_read_input_tokens: read,
        cache_creation: { ephemeral_5m_input_tokens: write, ephemeral_1h_input_tokens: 0 },
        output_tokens: 20,
      },
    },
  };
}

const RUN = ['--repeat', '3', '--delay', '0', '--system', 'Policy text.', '--cache', 'system', 'hi'];

function lastLine(text: string): string {
  return text.trimEnd().split('\n').at(-1) ?? '';
}

describe('assertions on send and replay', () => {
  test('send passes when every call after the warm-up reads the cache', async () => {
    suite.fake.enqueue('/v1/messages', message(1, 0, 3000), message(2, 3000, 0), message(3, 3000, 0));
    const run = await runCli(['send', ...RUN, '--min-hit-rate', '0.99', '--no-cache-breaks'], {
      env: suite.env(),
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('PASS  min-hit-rate: hit rate 99.7% over 2 requests after 1 warm-up');
    expect(lastLine(run.stdout)).toBe('PASS: all 2 checks passed');
  });

  test('send fails on a cache break, names it under the live table, and exits 1', async () => {
    suite.fake.enqueue('/v1/messages', message(1, 0, 3000), message(2, 3000, 0), message(3, 0, 3000));
    const junit = join(suite.dir, 'junit.xml');
    const run = await runCli(['send', ...RUN, '--no-cache-breaks', '--expect-hit', '--junit', junit], {
      env: suite.env(),
    });
    expect(run.code).toBe(1);
    const out = run.stdout;
    expect(out.indexOf('│ 3 ')).toBeLessThan(out.indexOf('Cache breaks'));
    // Same body, sent seconds apart: nothing on the client side explains the miss.
    expect(out).toMatch(
      /#3 \S+ vs #2: read 0 of 3,000 cached tokens, 3,000 written again \(\$0\.01125\); likely_server_side: /,
    );
    expect(lastLine(out)).toBe('FAIL: 2 of 2 checks failed: expect-hit, no-cache-breaks');
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(
      readFileSync(junit, 'utf8'),
    );
    expect(doc.testsuites).toMatchObject({ tests: '4', failures: '3' });
  });

  test('an API error wins: exit 3, and the verdict says so', async () => {
    suite.fake.enqueue(
      '/v1/messages',
      message(1, 0, 3000),
      apiError(400, 'invalid_request_error', 'messages: bad'),
    );
    const run = await runCli(['send', ...RUN, '--min-hit-rate', '0.5', '--max-retries', '0'], {
      env: suite.env(),
    });
    expect(run.code).toBe(3);
    expect(run.stdout).toMatch(/ERROR: the run failed \(exit 3\); 1 of 1 check failed: min-hit-rate\n$/);
    expect(run.stderr).toMatch(/API error 400: invalid_request_error: messages: bad/);
  });

  test('replay checks a recording offline, and replay --send checks the new calls', async () => {
    const record = join(suite.dir, 'run.jsonl');
    suite.fake.enqueue('/v1/messages', message(1, 0, 3000), message(2, 3000, 0), message(3, 0, 3000));
    await runCli(['send', ...RUN, '--record', record], { env: suite.env() });
    const offline = await runCli(['replay', record, '--no-cache-breaks', '--format', 'json']);
    expect(offline.code).toBe(1);
    const doc = JSON.parse(offline.stdout);
    expect(doc.breaks.map((b: { index: number; cause: string }) => [b.index, b.cause])).toEqual([
      [3, 'likely_server_side'],
    ]);
    expect(offline.stderr).toBe('FAIL: 1 of 1 check failed: no-cache-breaks\n');

    suite.fake.enqueue('/v1/messages', message(4, 0, 3000), message(5, 3000, 0), message(6, 3000, 0));
    const again = await runCli(
      ['replay', record, '--send', '--delay', '0', '--no-cache-breaks', '--expect-hit'],
      {
        env: suite.env(),
      },
    );
    expect(again.code).toBe(0);
    expect(lastLine(again.stdout)).toBe('PASS: all 2 checks passed');
  });
});
