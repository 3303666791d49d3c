import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { FakeAnthropic, fixtureJson, fixtureText, sseEvents } from './support/fake-anthropic-server.js';
import { tableRows } from './support/fake-api-suite.js';
import { seededRandom } from './support/fault-plan.js';
import { CANARY_KEY, spawnCli, waitFor } from './support/run-cli.js';

// Real SIGINT and SIGTERM sent to the CLI at random points of a run of many calls: before the first
// call, while a call is in flight, between calls. Calls that finished stay recorded and shown, the
// recording never ends in a partial line, and the exit status is 130 (SIGINT) or 143 (SIGTERM).

const RUNS = 20;
const CALLS = 100;
const STOPPED = /^usage-inspect: (interrupted|terminated): (\d+) of 100 calls finished$/;
const tally = { runs: 0, early: 0, killedBeforeListening: 0, finishedCalls: 0, partialLines: 0 };

afterAll(() => {
  console.log(
    `signals: ${tally.runs} runs (${tally.early} signalled at start, ${tally.killedBeforeListening} of them ` +
      `before the handlers were set), ${tally.finishedCalls} finished calls kept, ${tally.partialLines} partial lines`,
  );
});

describe('SIGINT and SIGTERM mid-run', () => {
  const cases = Array.from({ length: RUNS }, (_, i) => ({
    run: i + 1,
    signal: (i % 2 === 0 ? 'SIGINT' : 'SIGTERM') as 'SIGINT' | 'SIGTERM',
    stream: i % 4 >= 2,
    // Every fifth run is signalled as soon as it starts, before it can have sent anything.
    early: i % 5 === 4,
  }));

  test.concurrent.each(cases)(
    'run $run: $signal (stream $stream, early $early)',
    async ({ run, signal, stream, early }) => {
      const random = seededRandom(1000 + run);
      const fake = await FakeAnthropic.start();
      const dir = mkdtempSync(join(tmpdir(), 'usage-inspect-signals-'));
      try {
        const events = sseEvents(fixtureText('02-cache-write-1h-stream.sse'));
        const message = fixtureJson('11-cache-read.json');
        // Answers take 0–20 ms, so a signal lands in a call as often as between two.
        fake.answerWith(() => {
          const delayMs = Math.floor(random() * 20);
          return stream ? { kind: 'sse', events, delayMs } : { kind: 'json', body: message, delayMs };
        });
        const record = join(dir, 'run.jsonl');
        const cli = spawnCli(
          [
            'send',
            '--repeat',
            String(CALLS),
            '--delay',
            run % 3 === 0 ? '30ms' : '0',
            '--record',
            record,
            ...(stream ? ['--stream'] : []),
            'hi',
          ],
          { env: { ANTHROPIC_API_KEY: CANARY_KEY, ANTHROPIC_BASE_URL: fake.url } },
        );
        if (early) {
          await new Promise((r) => setTimeout(r, Math.floor(random() * 150)));
        } else {
          await waitFor(() => fake.received('/v1/messages').length > 0);
          await new Promise((r) => setTimeout(r, Math.floor(random() * 600)));
        }
        const sent = fake.received('/v1/messages').length;
        cli.child.kill(signal);
        const result = await cli.done;
        // After 'close', the child's exit code (or the signal that killed it) is known.
        const exited = { code: cli.child.exitCode, signal: cli.child.signalCode };
        // The status a shell sees: the exit code, or 128 + the signal number when the signal killed the
        // process before it was listening (the first moments of a run).
        const status = exited.code ?? 128 + constants.signals[exited.signal as NodeJS.Signals];
        expect(status).toBe(signal === 'SIGINT' ? 130 : 143);

        // The recording holds whole lines only, one per finished call.
        const text = existsSync(record) ? readFileSync(record, 'utf8') : '';
        const partial = text !== '' && !text.endsWith('\n') ? 1 : 0;
        tally.partialLines += partial;
        expect(partial).toBe(0);
        const lines =
          text === ''
            ? []
            : text
                .slice(0, -1)
                .split('\n')
                .map((l) => JSON.parse(l) as Record<string, unknown>);
        for (const line of lines) expect(line.error).toBeNull();
        expect(lines.length).toBeLessThanOrEqual(fake.received('/v1/messages').length);

        const stderr = result.stderr
          .trimEnd()
          .split('\n')
          .filter((l) => l !== '');
        expect(result.stderr).not.toMatch(/\n\s+at /);
        if (exited.code !== null) {
          // It was listening: it says what finished, and the table shows exactly those calls.
          const m = STOPPED.exec(stderr.at(-1) ?? '');
          expect(m?.[1]).toBe(signal === 'SIGINT' ? 'interrupted' : 'terminated');
          expect(Number(m?.[2])).toBe(lines.length);
          const numbered = tableRows(result.stdout).filter((r) => /^\d+$/.test(r[0] ?? ''));
          expect(numbered.map((r) => Number(r[0]))).toEqual(lines.map((_, i) => i + 1));
        } else {
          expect(lines).toHaveLength(0);
        }
        if (!early) {
          // A call was sent, so the run was listening: the signal was handled, not fatal.
          expect(sent).toBeGreaterThan(0);
          expect(exited.code).not.toBeNull();
        }
        tally.runs++;
        if (early) tally.early++;
        if (exited.code === null) tally.killedBeforeListening++;
        tally.finishedCalls += lines.length;
      } finally {
        await fake.close();
        rmSync(dir, { recursive: true, force: true });
      }
    },
    60_000,
  );
});
