import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { run } from '../src/run.js';
import { FakeAnthropic, fixtureJson } from './support/fake-anthropic-server.js';
import { memoryIO } from './support/memory-io.js';
import { CANARY_KEY, waitFor } from './support/run-cli.js';

let fake: FakeAnthropic;
beforeAll(async () => {
  fake = await FakeAnthropic.start();
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const env = () => ({ ANTHROPIC_API_KEY: CANARY_KEY, ANTHROPIC_BASE_URL: fake.url });

test('on a terminal, a spinner runs on stderr while waiting, and is erased before the row prints', async () => {
  fake.enqueue('/v1/messages', { kind: 'json', body: fixtureJson('11-cache-read.json'), delayMs: 250 });
  const { io, out } = memoryIO(env(), { stderrTTY: true });
  expect(await run(['send', 'hi'], io)).toBe(0);
  expect(out.stderr).toContain('⠋ call 1 of 1: waiting for claude-sonnet-5-5');
  // Several frames drawn, and the line cleared at the end.
  expect(out.stderr.split('\r\u001b[2K').length - 1).toBeGreaterThan(2);
  expect(out.stderr.endsWith('\r\u001b[2K')).toBe(true);
  expect(out.stdout).toContain('│ hit');
  expect(out.stdout).not.toContain('⠋');
});

test('without a terminal there is no spinner', async () => {
  fake.enqueue('/v1/messages', { kind: 'json', body: fixtureJson('11-cache-read.json'), delayMs: 150 });
  const { io, out } = memoryIO(env());
  expect(await run(['send', 'hi'], io)).toBe(0);
  expect(out.stderr).toBe('');
});

test('an interrupt during the delay between calls stops the run with what finished', async () => {
  const { io, out, interrupt } = memoryIO(env());
  const done = run(['send', '--repeat', '3', '--delay', '10s', 'hi'], io);
  await waitFor(() => out.stdout.includes('│ 1 │'));
  interrupt();
  expect(await done).toBe(130);
  expect(fake.received('/v1/messages')).toHaveLength(1);
  expect(out.stderr).toBe('usage-inspect: interrupted: 1 of 3 calls finished\n');
});

test('an interrupt mid-stream aborts the call; it is not counted as finished', async () => {
  const never = new Promise<void>(() => {});
  fake.enqueue('/v1/messages', { kind: 'json', body: {}, gate: never });
  const { io, out, interrupt } = memoryIO(env());
  const done = run(['send', 'hi'], io);
  await waitFor(() => fake.received('/v1/messages').length === 1);
  interrupt();
  expect(await done).toBe(130);
  expect(out.stdout).toBe('');
  expect(out.stderr).toBe('usage-inspect: interrupted: 0 of 1 calls finished\n');
});
