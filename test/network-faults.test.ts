import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { FakeAnthropic } from './support/fake-anthropic-server.js';
import { faultPlan } from './support/fault-plan.js';
import { CANARY_KEY, runCli } from './support/run-cli.js';

// `send --repeat 200` against a server that answers one HTTP attempt in five with a fault, chosen by a
// seeded PRNG: 429 with and without retry-after, 529, 500, a connection dropped before or after the
// headers, a body or stream cut midway, an answer slower than --timeout. Whatever happens, every call
// must end as one recorded line (a success or an error), retries must be announced, and the exit code
// must say whether any call failed.

const CALLS = 200;
const RETRY =
  /^usage-inspect: retry \d+ of \d+ for \/v1\/messages after (HTTP (429|500|529)( \(retry-after [\d.]+s\))?|a timeout|UND_ERR_SOCKET|ECONNRESET)$/;
const FAILED = /^usage-inspect: call (\d+) of 200 failed: .+$/;
const SUMMARY = /^usage-inspect: (\d+) of 200 calls failed \(.+\)$/;
const FAILURE_TYPES = new Set([
  'rate_limit_error',
  'overloaded_error',
  'api_error',
  'timeout',
  'connection_error',
  'incomplete_stream',
  'incomplete_response',
]);

const tally = { runs: 0, calls: 0, attempts: 0, faults: 0, retries: 0, failed: 0, lost: 0 };
afterAll(() => {
  console.log(
    `network faults: ${tally.runs} runs, ${tally.calls} calls made (${tally.attempts} HTTP attempts, ` +
      `${tally.faults} faults injected, ${tally.retries} retries), ${tally.failed} calls failed, ` +
      `${tally.lost} calls lost`,
  );
});

describe('send --repeat 200 under network faults', () => {
  test.concurrent.each([
    { seed: 11, stream: false, retries: null },
    { seed: 12, stream: true, retries: null },
    { seed: 13, stream: false, retries: 0 },
    { seed: 14, stream: true, retries: 0 },
  ])(
    'seed $seed, stream $stream, --max-retries $retries',
    async ({ seed, stream, retries }) => {
      const fake = await FakeAnthropic.start();
      const dir = mkdtempSync(join(tmpdir(), 'usage-inspect-faults-'));
      try {
        const plan = faultPlan({ seed, rate: 0.2, slowMs: 1500 });
        fake.answerWith((_route, body) => plan.answer(body));
        const record = join(dir, 'run.jsonl');
        const run = await runCli(
          [
            'send',
            '--repeat',
            String(CALLS),
            '--delay',
            '0',
            '--timeout',
            '300ms',
            ...(retries === null ? [] : ['--max-retries', String(retries)]),
            ...(stream ? ['--stream'] : []),
            '--record',
            record,
            '--format',
            'json',
            'hi',
          ],
          { env: { ANTHROPIC_API_KEY: CANARY_KEY, ANTHROPIC_BASE_URL: fake.url } },
        );

        // The recording: valid JSONL, one whole line per call, each a success or an error.
        const text = readFileSync(record, 'utf8');
        expect(text.endsWith('\n')).toBe(true);
        const lines = text
          .slice(0, -1)
          .split('\n')
          .map((l) => JSON.parse(l) as Record<string, unknown>);
        const failedCalls: number[] = [];
        for (const [i, line] of lines.entries()) {
          const error = line.error as { type: string } | null;
          if (error) {
            expect(FAILURE_TYPES).toContain(error.type);
            failedCalls.push(i + 1);
          } else if (stream) {
            expect((line.events as { type: string }[]).at(-1)?.type).toBe('message_stop');
          } else {
            expect((line.response as { type: string }).type).toBe('message');
          }
        }
        const lost = CALLS - lines.length;
        expect(lost).toBe(0);

        // The report shows every call, with the same outcome as its recording line.
        const report = JSON.parse(run.stdout) as { requests: { status: string }[] };
        expect(report.requests).toHaveLength(CALLS);
        const notOk = report.requests.flatMap((r, i) => (r.status === 'ok' ? [] : [i + 1]));
        expect(notOk).toEqual(failedCalls);

        // stderr: each retry and each failed call announced, then a summary; nothing else.
        const stderr = run.stderr
          .trimEnd()
          .split('\n')
          .filter((l) => l !== '');
        const retryLines = stderr.filter((l) => RETRY.test(l));
        const failedLines = stderr.filter((l) => FAILED.test(l));
        const summary = stderr.filter((l) => SUMMARY.test(l));
        expect(retryLines.length + failedLines.length + summary.length).toBe(stderr.length);
        const attempts = fake.received('/v1/messages').length;
        expect(retryLines).toHaveLength(attempts - CALLS);
        const announced = failedLines.map((l) => Number(FAILED.exec(l)?.[1]));
        const unmatched = [...announced, ...failedCalls].filter(
          (n) => announced.includes(n) !== failedCalls.includes(n),
        );
        const context = unmatched.map((n) => ({
          call: n,
          recorded: lines[n - 1]?.error,
          announced: failedLines.find((l) => l.includes(`call ${n} of`)),
        }));
        expect(announced, JSON.stringify(context)).toEqual(failedCalls);
        if (retries === 0) expect(retryLines).toHaveLength(0);

        if (failedCalls.length > 0) {
          expect(run.code).toBe(3);
          expect(summary).toEqual([stderr.at(-1)]);
          expect(Number(SUMMARY.exec(summary[0] ?? '')?.[1])).toBe(failedCalls.length);
        } else {
          expect(run.code).toBe(0);
          expect(summary).toHaveLength(0);
        }
        expect(run.stdout + run.stderr + text).not.toContain(CANARY_KEY);

        const faults = Object.entries(plan.served)
          .filter(([k]) => k !== 'ok')
          .reduce((n, [, v]) => n + v, 0);
        // At a 20% rate over 200+ attempts, every kind of fault is served at least once.
        for (const [kind, n] of Object.entries(plan.served)) expect(n, kind).toBeGreaterThan(0);
        tally.runs++;
        tally.calls += CALLS;
        tally.attempts += attempts;
        tally.faults += faults;
        tally.retries += retryLines.length;
        tally.failed += failedCalls.length;
        tally.lost += lost;
        console.log(
          `seed ${seed} ${stream ? 'stream' : 'json'}: ${attempts} attempts, faults ${JSON.stringify(plan.served)}, ` +
            `${retryLines.length} retries, ${failedCalls.length} failed, ${lost} lost, exit ${run.code}`,
        );
      } finally {
        await fake.close();
        rmSync(dir, { recursive: true, force: true });
      }
    },
    180_000,
  );
});
