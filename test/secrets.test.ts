import { chmodSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, test } from 'vitest';
import { run as runInProcess } from '../src/run.js';
import { redactDeep, secretsFromEnv } from '../src/secrets.js';
import {
  type Answer,
  FakeAnthropic,
  fixtureText,
  type Route,
  sseErrorEvent,
  sseEvents,
} from './support/fake-anthropic-server.js';
import { recordingLines, useFakeApi } from './support/fake-api-suite.js';
import { memoryIO } from './support/memory-io.js';
import { CANARY_KEY, type CliRun, runCli } from './support/run-cli.js';

// A canary key and a canary token must never show up anywhere: stdout, stderr, --debug output,
// error messages, stack traces, recordings. The server here is hostile: it echoes the credential it
// received back in error messages, stream error events and response headers, as a misbehaving proxy
// might.

const CANARY_TOKEN = 'sk-ant-oat-canary-token-3c5e7a9b1d';
const suite = useFakeApi('secrets');
const checked = { runs: 0, outputs: 0, leaks: 0 };

afterAll(() => {
  console.log(`secrets: ${checked.runs} runs, ${checked.outputs} outputs grepped, ${checked.leaks} leaks`);
});

/** Both canaries, whichever one the CLI sends. */
const env = (extra: Record<string, string | undefined> = {}) => ({
  ...suite.env(),
  ANTHROPIC_AUTH_TOKEN: CANARY_TOKEN,
  ...extra,
});

/** Greps stdout, stderr and every file the run left in the test folder for both canaries. */
function expectNoCredential(run: CliRun | { stdout: string; stderr: string }) {
  const outputs = [run.stdout, run.stderr];
  for (const name of readdirSync(suite.dir)) outputs.push(readFileSync(join(suite.dir, name), 'utf8'));
  checked.runs++;
  for (const text of outputs) {
    checked.outputs++;
    const leaked = text.includes(CANARY_KEY) || text.includes(CANARY_TOKEN);
    if (leaked) checked.leaks++;
    expect(leaked, text.slice(0, 2000)).toBe(false);
  }
}

/** The credential the request carried, as the server saw it. */
function credentialOf(headers: IncomingHttpHeaders): string {
  return String(headers['x-api-key'] ?? headers.authorization ?? '');
}

/** Answers 401 with the credential echoed in the message and in headers that must not be recorded. */
function echoing401(_route: Route, _body: Record<string, unknown>, headers: IncomingHttpHeaders): Answer {
  const seen = credentialOf(headers);
  return {
    kind: 'json',
    status: 401,
    body: {
      type: 'error',
      error: { type: 'authentication_error', message: `invalid x-api-key: ${seen}` },
      request_id: 'req_echo',
    },
    headers: {
      'set-cookie': `session=${seen}`,
      'x-echo-authorization': seen,
      'anthropic-ratelimit-auth-token': seen,
      'anthropic-ratelimit-tokens-remaining': '1000',
    },
  };
}

describe('redaction helpers', () => {
  test('secretsFromEnv takes the key and the token as given and trimmed, longest first, and ignores short values', () => {
    expect(
      secretsFromEnv({ ANTHROPIC_API_KEY: ` ${CANARY_KEY}\n`, ANTHROPIC_AUTH_TOKEN: CANARY_TOKEN }),
    ).toEqual([CANARY_TOKEN, ` ${CANARY_KEY}\n`, CANARY_KEY]);
    expect(secretsFromEnv({ ANTHROPIC_API_KEY: 'x', OTHER: CANARY_KEY })).toEqual([]);
  });

  test('redactDeep blanks keys and values at any depth and leaves clean values alone', () => {
    const value = { a: [`x${CANARY_KEY}y`, 1, null], [CANARY_KEY]: { b: true } };
    expect(redactDeep(value, [CANARY_KEY])).toEqual({
      a: ['x[redacted]y', 1, null],
      '[redacted]': { b: true },
    });
    expect(redactDeep(value, [])).toBe(value);
  });
});

describe('a canary credential never leaks', () => {
  test.each([[[]], [['--debug']]])('send, a successful call, %j', async (flags) => {
    const record = join(suite.dir, 'r.jsonl');
    for (const stream of [[], ['--stream']]) {
      const run = await runCli(['send', ...flags, ...stream, '--record', record, 'hi'], { env: env() });
      expect(run.code).toBe(0);
      if (flags.length > 0) expect(run.stderr).toMatch(/usage-inspect: debug: .*"authorization":"\*\*\*"/);
      expectNoCredential(run);
    }
  });

  test.each([[[]], [['--debug']]])(
    'a 401 that echoes the key in its message and headers, %j',
    async (flags) => {
      suite.fake.answerWith(echoing401);
      const record = join(suite.dir, 'r.jsonl');
      const run = await runCli(['send', ...flags, '--record', record, 'hi'], { env: env() });
      expect(run.code).toBe(3);
      expect(run.stderr).toContain(
        'usage-inspect: API error 401: authentication_error: invalid x-api-key: Bearer [redacted] (request-id req_echo)',
      );
      const [line] = recordingLines(record);
      // Credential-bearing headers are dropped, even under a kept prefix; token counters are kept.
      expect(line?.headers).toEqual({
        'request-id': 'req_echo',
        'anthropic-ratelimit-requests-remaining': '49',
        'anthropic-ratelimit-tokens-remaining': '1000',
      });
      expect(JSON.stringify(line?.response)).toContain('Bearer [redacted]');
      expectNoCredential(run);
    },
  );

  test('with only ANTHROPIC_AUTH_TOKEN set, a stream error event that echoes it', async () => {
    suite.fake.answerWith((_route, _body, headers) => ({
      kind: 'sse',
      events: [
        ...sseEvents(fixtureText('02-cache-write-1h-stream.sse')).slice(0, 2),
        sseErrorEvent('overloaded_error', `busy for ${credentialOf(headers)}`),
      ],
    }));
    const record = join(suite.dir, 'r.jsonl');
    const run = await runCli(['send', '--debug', '--stream', '--record', record, 'hi'], {
      env: env({ ANTHROPIC_API_KEY: undefined }),
    });
    expect(run.code).toBe(3);
    expect(suite.fake.received('/v1/messages')[0]?.headers.authorization).toBe(`Bearer ${CANARY_TOKEN}`);
    expect(run.stderr).toContain('busy for Bearer [redacted]');
    expectNoCredential(run);
  });

  test('--debug shows a stream event that is not JSON, with the key blanked out', async () => {
    suite.fake.answerWith((_route, _body, headers) => ({
      kind: 'sse',
      events: [`event: content_block_delta\ndata: {"echo": "${credentialOf(headers)}`],
    }));
    const run = await runCli(['send', '--debug', '--stream', 'hi'], { env: env() });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(
      'usage-inspect: Could not parse message into JSON: "{\\"echo\\": \\"Bearer [redacted]"',
    );
    expectNoCredential(run);
  });

  test.each([[[]], [['--debug']]])('connection refused, timeout and a cut body, %j', async (flags) => {
    const closed = await FakeAnthropic.start();
    const refusedURL = closed.url;
    await closed.close();
    const refused = await runCli(['send', ...flags, '--max-retries', '1', 'hi'], {
      env: env({ ANTHROPIC_BASE_URL: refusedURL }),
    });
    expect(refused.code).toBe(3);
    expectNoCredential(refused);

    suite.fake.enqueue(
      '/v1/messages',
      { kind: 'json', body: {}, delayMs: 2000 },
      { kind: 'json', body: { type: 'message' }, cut: 'body' },
    );
    const slow = await runCli(['send', ...flags, '--timeout', '200ms', '--max-retries', '0', 'hi'], {
      env: env(),
    });
    expect(slow.stderr).toContain('timed out waiting for');
    expectNoCredential(slow);
    const cut = await runCli(['send', ...flags, 'hi'], { env: env() });
    expect(cut.stderr).toContain('broke off before it was complete');
    expectNoCredential(cut);
  });

  test('count and replay --send, with a server that echoes the key', async () => {
    suite.fake.answerWith(echoing401);
    const count = await runCli(['count', '--debug', 'hi'], { env: env() });
    expect(count.code).toBe(3);
    expect(count.stderr).toContain('Bearer [redacted]');
    expectNoCredential(count);

    const record = join(suite.dir, 'r.jsonl');
    writeFileSync(
      record,
      `${JSON.stringify({ recording: 1, request: { model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] } })}\n`,
    );
    const again = join(suite.dir, 'again.jsonl');
    const replay = await runCli(['replay', '--debug', record, '--send', '--record', again], { env: env() });
    expect(replay.code).toBe(3);
    expectNoCredential(replay);
  });

  test('inspect and offline replay quote bad input in problems, with the key blanked out', async () => {
    const file = join(suite.dir, 'leaky.jsonl');
    // describeKeys names the keys of an object it cannot read: here, the canary.
    writeFileSync(
      file,
      '{"type":"message","usage":{"input_tokens":1,"output_tokens":1}}\n' +
        `{"${CANARY_KEY}": 1}\n{"a": "${CANARY_KEY}" x}\n`,
    );
    for (const args of [
      ['inspect', file],
      ['replay', file],
      ['inspect', '--debug', '-f', 'json', file],
    ]) {
      const run = await runCli(args, { env: env() });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('[redacted]');
      // The file itself holds the canary; only what the CLI printed is checked here.
      const outputs = { stdout: run.stdout, stderr: run.stderr };
      expect(outputs.stdout + outputs.stderr).not.toContain(CANARY_KEY);
      checked.runs++;
      checked.outputs += 2;
    }
  });

  test('--dry-run, and a bad key or base URL, are refused without showing them', async () => {
    const dry = await runCli(['send', '--dry-run', '--debug', 'hi'], { env: env() });
    expect(dry.code).toBe(0);
    expectNoCredential(dry);

    for (const key of [
      `${CANARY_KEY}\nsecond-line`,
      `${CANARY_KEY}\u0001`,
      `${CANARY_KEY} ${CANARY_TOKEN}`,
    ]) {
      const bad = await runCli(['send', '--debug', 'hi'], { env: env({ ANTHROPIC_API_KEY: key }) });
      expect(bad.code).toBe(2);
      expect(bad.stderr).toBe(
        'usage-inspect: ANTHROPIC_API_KEY holds a space, line break, control or non-ASCII character, which no key has; nothing was sent\n',
      );
      expect(suite.fake.requests).toHaveLength(0);
      expectNoCredential(bad);
    }

    const withPassword = suite.fake.url.replace('http://', `http://user:${CANARY_TOKEN}@`);
    const url = await runCli(['send', '--debug', 'hi'], { env: env({ ANTHROPIC_BASE_URL: withPassword }) });
    expect(url.code).toBe(2);
    expect(url.stderr).toBe(
      `usage-inspect: base URL ${suite.fake.url} must not hold a user name or password; nothing was sent\n`,
    );
    expectNoCredential(url);
  });

  test('an internal error under --debug: message and stack trace are blanked out', async () => {
    const { io, out } = memoryIO({ ANTHROPIC_API_KEY: CANARY_KEY });
    // A bug whose message happens to hold the key: the error boundary prints it with its stack.
    io.stdout.write = () => {
      throw new Error(`render failed near ${CANARY_KEY}`);
    };
    const code = await runInProcess(['inspect', '--debug', '--format', 'json', '-'], {
      ...io,
      stdin: Object.assign(Readable.from([fixtureText('11-cache-read.json')]), {
        isTTY: false,
      }),
    });
    expect(code).toBe(70);
    expect(out.stderr).toContain('usage-inspect: internal error: render failed near [redacted]');
    expect(out.stderr).toMatch(/\n {4}at /);
    expectNoCredential({ stdout: out.stdout, stderr: out.stderr });
  });
});

describe('recording files', () => {
  test('a new recording is created 0600; an existing one keeps its mode, with a warning if open to others', async () => {
    const fresh = join(suite.dir, 'fresh.jsonl');
    expect((await runCli(['send', '--record', fresh, 'hi'], { env: env() })).code).toBe(0);
    expect(statSync(fresh).mode & 0o777).toBe(0o600);

    const shared = join(suite.dir, 'shared.jsonl');
    writeFileSync(shared, '');
    chmodSync(shared, 0o644);
    const run = await runCli(['send', '--record', shared, 'hi'], { env: env() });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(
      `usage-inspect: warning: --record ${shared} is open to other users (mode 0644); it holds prompts and responses (chmod 600 makes it private)\n`,
    );
    expect(statSync(shared).mode & 0o777).toBe(0o644);
    expect(recordingLines(shared)).toHaveLength(1);
    expectNoCredential(run);
  });
});
