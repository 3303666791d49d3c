import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { apiError } from './support/fake-anthropic-server.js';
import { useFakeApi } from './support/fake-api-suite.js';
import { runCli } from './support/run-cli.js';

// Inputs and servers are not trusted to be printable: an escape sequence in a model name, a key, a file
// name or an error message would otherwise reach the terminal and clear it, retitle it or hide text.

// biome-ignore lint/suspicious/noControlCharactersInRegex: the characters that must never be printed
const UNPRINTABLE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const ESC = '\u001b';
const suite = useFakeApi('escapes');

describe('control characters from inputs and servers are shown, not obeyed', () => {
  test.each(['table', 'markdown'])('inspect --format %s', async (format) => {
    const file = join(suite.dir, `evil${ESC}[2J.jsonl`);
    writeFileSync(
      file,
      `${JSON.stringify({
        type: 'message',
        id: `msg_${ESC}[31mred`,
        model: `claude${ESC}]0;pwned\u0007\u202etxt.exe`,
        usage: { input_tokens: 1, output_tokens: 1 },
      })}\n${JSON.stringify({ [`${ESC}[2J`]: 1 })}\n`,
    );
    const run = await runCli(['inspect', '--format', format, '--group-by', 'file', '--explain', file]);
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(UNPRINTABLE);
    expect(run.stderr).not.toMatch(UNPRINTABLE);
    expect(run.stdout).toContain('claude\\x1b]0;pwned\\x07\\u202etxt.exe');
    expect(run.stderr).toContain(
      'evil\\x1b[2J.jsonl:2: warning: no usage found: an object with keys \\x1b[2J',
    );
  });

  test('send: an API error message with escape sequences, on stderr and in the table', async () => {
    suite.fake.enqueue(
      '/v1/messages',
      apiError(400, `invalid${ESC}[2J_error`, `bad ${ESC}]0;pwned\u0007 request`),
      apiError(400, `invalid${ESC}[2J_error`, `bad ${ESC}]0;pwned\u0007 request`),
    );
    const run = await runCli(['send', '--repeat', '2', '--delay', '0', '--keep-going', 'hi'], {
      env: suite.env(),
    });
    expect(run.code).toBe(3);
    expect(run.stdout).not.toMatch(UNPRINTABLE);
    expect(run.stderr).not.toMatch(UNPRINTABLE);
    expect(run.stderr).toContain(
      'usage-inspect: call 1 of 2 failed: API error 400: invalid\\x1b[2J_error: bad \\x1b]0;pwned\\x07 request',
    );
  });
});
