import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { fixtureJson, fixtureText, sseEvents } from './support/fake-anthropic-server.js';
import { recordingLines, tableRows, useFakeApi } from './support/fake-api-suite.js';
import {
  ask,
  askStream,
  proxyRows,
  rowsByHeader,
  sdkApp,
  sharedCells,
  startProxyCli,
} from './support/proxy-cli.js';
import { parseJson } from './support/report-schema.js';
import { CANARY_KEY, type CliRun, fixture, runCli, waitFor } from './support/run-cli.js';

const suite = useFakeApi('proxy');
const proxy = (args: string[] = []) => startProxyCli(['--upstream', suite.fake.url, ...args]);
const record = () => join(suite.dir, 'calls.jsonl');

/** The key must never reach the proxy's output or any file it wrote. */
function expectNoKey(run: CliRun, ...files: string[]) {
  expect(run.stdout).not.toContain(CANARY_KEY);
  expect(run.stderr).not.toContain(CANARY_KEY);
  for (const f of files) expect(readFileSync(f, 'utf8')).not.toContain(CANARY_KEY);
}

/** Data rows (not the header) printed so far. */
const rowCount = (stdout: string) => proxyRows(stdout).length;

describe('proxy', () => {
  test('JSON and SSE calls pass through byte for byte, a row per call, totals on Ctrl-C', async () => {
    const p = await proxy(['--record', record()]);
    const app = sdkApp(p.url);

    const message = await app.client.messages.create(ask('one'));
    expect(message.usage.cache_read_input_tokens).toBe(2055);
    await waitFor(() => rowCount(p.output().stdout) === 1);

    const events: string[] = [];
    const stream = await app.client.messages.create(askStream('two'));
    for await (const event of stream) events.push(event.type);
    expect(events).toContain('message_stop');
    await waitFor(() => rowCount(p.output().stdout) === 2);

    // What the application's fetch received is exactly what the upstream sent.
    expect(app.received.size).toBe(2);
    for (const [id, body] of app.received) expect(await body).toEqual(suite.fake.bodies.get(id));
    // The request went on with the application's own key and body.
    const [first, second] = suite.fake.received('/v1/messages');
    expect(first?.headers.authorization).toBe(`Bearer ${CANARY_KEY}`);
    expect(first?.body).toEqual(ask('one'));
    expect(second?.body).toEqual(askStream('two'));

    const run = await p.stop('SIGINT');
    expect(run.code).toBe(0);
    const [requests, totals] = run.stdout.split('Totals\n') as [string, string];
    expect(rowsByHeader(tableRows(requests)).map((r) => [r['#'], r.Model, r.Read, r.Cache])).toEqual([
      ['1', 'claude-sonnet-4-20250514', '2,055', 'hit'],
      ['2', 'claude-sonnet-4-6', '0', 'write'],
    ]);
    // The totals get a table of their own, laid out for their numbers.
    expect(rowsByHeader(tableRows(totals)).map((r) => [r.Source, r.Input, r.Read, r['Total in']])).toEqual([
      ['Total: 2 requests', '24', '2,055', '5,992'],
    ]);
    expect(run.stderr).toContain(
      'usage-inspect: proxy stopped (SIGINT): 2 Messages calls; 0 other requests passed through\n',
    );
    const lines = recordingLines(record());
    expect(lines.map((l) => (l.headers as Record<string, string>)['request-id'])).toEqual([
      'req_fake_1',
      'req_fake_2',
    ]);
    expect(lines[1]?.events).toHaveLength(sseEvents(fixtureText('02-cache-write-1h-stream.sse')).length - 1);
    expect(statSync(record()).mode & 0o777).toBe(0o600);
    expectNoKey(run, record());
  });

  test('the table and the recording show what inspect shows for the same responses', async () => {
    const names = [
      'message-cache-write-1h.json',
      '06-compaction-iterations.json',
      'stream-several-deltas.sse',
    ];
    suite.fake.enqueue(
      '/v1/messages',
      { kind: 'json', body: fixtureJson(names[0] as string) },
      { kind: 'json', body: fixtureJson(names[1] as string) },
      { kind: 'sse', events: sseEvents(fixtureText(names[2] as string)) },
    );
    const p = await proxy(['--record', record()]);
    const app = sdkApp(p.url).client;
    await app.messages.create(ask('a'));
    await app.beta.messages.create({ ...ask('b'), betas: ['compact-2026-01-12'] });
    for await (const _ of await app.messages.create(askStream('c')));
    await waitFor(() => rowCount(p.output().stdout) === 3);
    const run = await p.stop();
    expect(run.code).toBe(0);

    const ofRecording = await runCli(['inspect', record()]);
    const ofFixtures = await runCli(['inspect', ...names.map(fixture)]);
    expect(ofRecording.code).toBe(0);
    const proxied = tableRows(run.stdout);
    const headers = proxied[0] as string[];
    const compare = (table: string) =>
      rowsByHeader(tableRows(table))
        .filter((r) => /^\d+$/.test(r['#'] ?? ''))
        .map((r) => sharedCells(r, headers));
    const expected = compare(ofFixtures.stdout.split('Iterations')[0] as string);
    expect(expected).toHaveLength(3);
    // Costs are compared too: the proxy prices its calls as inspect does.
    expect(headers).toContain('Cost');
    expect(expected[0]?.Cost).toMatch(/^\$0\.\d+$/);
    expect(compare(run.stdout.split('Totals')[0] as string)).toEqual(expected);
    expect(compare(ofRecording.stdout.split('Iterations')[0] as string)).toEqual(expected);
    const replayed = await runCli(['replay', record()]);
    expect(compare(replayed.stdout.split('Iterations')[0] as string)).toEqual(expected);
    // The beta header is recorded as `betas`, so that replay --send sends it again.
    expect(recordingLines(record())[1]?.betas).toEqual(['compact-2026-01-12']);
    const resent = await runCli(['replay', '--send', '--delay', '0', record()], {
      env: { ANTHROPIC_API_KEY: CANARY_KEY, ANTHROPIC_BASE_URL: suite.fake.url },
    });
    expect(resent.code).toBe(0);
    const received = suite.fake.received('/v1/messages');
    expect(received.slice(3).map((r) => r.body)).toEqual(received.slice(0, 3).map((r) => r.body));
    expect(received[4]?.headers['anthropic-beta']).toBe('compact-2026-01-12');
    // Same iteration rows as inspect.
    expect(run.stdout).toContain('Iterations');
    const iterations = (text: string) => tableRows(text.split('Iterations')[1] as string).slice(1);
    expect(iterations(run.stdout).map((r) => r.slice(2))).toEqual(
      iterations(ofFixtures.stdout).map((r) => r.slice(2)),
    );
  });

  test('24 calls at once are each shown and recorded exactly once', async () => {
    const calls = 24;
    let release: () => void = () => {};
    const allIn = new Promise<void>((resolve) => {
      release = resolve;
    });
    // No answer leaves the upstream until every call has reached it: all 24 are in flight together.
    for (let i = 0; i < calls; i++) {
      suite.fake.enqueue(
        '/v1/messages',
        i % 2 === 0
          ? { kind: 'json', body: fixtureJson('11-cache-read.json'), gate: allIn }
          : { kind: 'sse', events: sseEvents(fixtureText('02-cache-write-1h-stream.sse')), gate: allIn },
      );
    }
    const p = await proxy(['--record', record(), '--format', 'ndjson']);
    const app = sdkApp(p.url).client;
    const done = Promise.all(
      Array.from({ length: calls }, async (_, i) => {
        if (i % 2 === 0) return (await app.messages.create(ask(`call ${i}`))).id;
        const events: string[] = [];
        for await (const event of await app.messages.create(askStream(`call ${i}`))) events.push(event.type);
        return events.at(-1);
      }),
    );
    await waitFor(() => suite.fake.received('/v1/messages').length === calls);
    release();
    expect(new Set(await done)).toEqual(new Set([fixtureJson('11-cache-read.json').id, 'message_stop']));
    await waitFor(() => p.output().stdout.split('\n').length > calls);
    const run = await p.stop('SIGTERM');
    expect(run.code).toBe(0);
    const lines = recordingLines(record());
    expect(lines).toHaveLength(calls);
    const asked = lines.map(
      (l) => ((l.request as { messages: { content: string }[] }).messages[0] as { content: string }).content,
    );
    expect(new Set(asked)).toEqual(new Set(Array.from({ length: calls }, (_, i) => `call ${i}`)));
    const out = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; index?: number; requests?: number });
    expect(out.filter((l) => l.type === 'request').map((l) => l.index)).toEqual(
      Array.from({ length: calls }, (_, i) => i + 1),
    );
    expect(out.find((l) => l.type === 'totals')?.requests).toBe(calls);
    expect(run.stderr).toContain('proxy stopped (SIGTERM): 24 Messages calls');
  });

  test('--format json prints one report when the proxy stops, valid against the schema', async () => {
    const p = await proxy(['--format', 'json']);
    await sdkApp(p.url).client.messages.create(ask('hi'));
    await waitFor(() => p.output().stderr.length > 0);
    const run = await p.stop();
    expect(run.code).toBe(0);
    const report = parseJson(run.stdout);
    expect(report.requests).toHaveLength(1);
    expect(report.requests[0]).toMatchObject({
      kind: 'message',
      source: { file: 'proxy', line: 1, event: null },
      request_id: 'req_fake_1',
      cache: { status: 'hit' },
      cost: { priced: true },
    });
    const inspected = parseJson(
      (await runCli(['inspect', '-f', 'json', fixture('11-cache-read.json')])).stdout,
    );
    expect(report.requests[0]?.cost).toEqual(inspected.requests[0]?.cost);
    expect(report.totals).toEqual(inspected.totals);
  });

  test('a cache break is flagged as the call finishes, with its cause, against the last call of its model', async () => {
    const write = fixtureJson('message-cache-write-1h.json');
    suite.fake.enqueue(
      '/v1/messages',
      { kind: 'json', body: write },
      { kind: 'json', body: fixtureJson('message-below-minimum.json') },
      { kind: 'json', body: write },
      { kind: 'sse', events: sseEvents(fixtureText('stream-several-deltas.sse')) },
    );
    const p = await proxy(['--record', record()]);
    const app = sdkApp(p.url).client;
    const withSystem = (system: string, content: string) => ({ ...ask(content), system });
    await app.messages.create(withSystem('You are terse.', 'q'));
    // Another model in between: caches are per model, so the next call is compared with the first.
    await app.messages.create({ ...withSystem('Classify.', 'q'), model: 'claude-haiku-4-5' });
    await app.messages.create(withSystem('You are verbose.', 'q'));
    // Shown before the next call is made.
    await waitFor(() => p.output().stderr.includes('cache break'));
    expect(p.output().stderr).toContain(
      'usage-inspect: cache break: #3 proxy:3 vs #1: read 0 of 5,120 cached tokens, 5,120 written again ($0.03072); system_changed: system changed\n',
    );
    for await (const _ of await app.messages.create({
      ...withSystem('You are verbose.', 'q'),
      stream: true,
    }));
    await waitFor(() => rowCount(p.output().stdout) === 4);
    const run = await p.stop();
    expect(run.code).toBe(0);
    expect(run.stderr.match(/cache break:/g)).toHaveLength(1);
    expect(run.stderr).toContain('4 Messages calls, 1 cache break;');
    // Listed again under the table, and found the same way in the recording.
    expect(run.stdout).toContain('Cache breaks\n  #3 proxy:3 vs #1: read 0 of 5,120 cached tokens');
    const checked = await runCli(['check', record(), '--no-cache-breaks']);
    expect(checked.code).toBe(1);
    expect(checked.stdout).toContain('FAIL  no-cache-breaks: 1 cache break');
  });

  test('assertions judge the run when the proxy stops: exit 1 when one fails', async () => {
    suite.fake.enqueue(
      '/v1/messages',
      { kind: 'json', body: fixtureJson('message-cache-write-1h.json') },
      { kind: 'json', body: fixtureJson('message-cache-write-1h.json') },
    );
    const p = await proxy(['--min-hit-rate', '0.5', '--max-output-tokens', '1000']);
    const app = sdkApp(p.url).client;
    await app.messages.create(ask('q'));
    await app.messages.create(ask('q'));
    await waitFor(() => rowCount(p.output().stdout) === 2);
    const run = await p.stop();
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('FAIL  min-hit-rate');
    expect(run.stdout).toContain('PASS  max-output-tokens');
    expect(run.stdout).toMatch(/FAIL: 1 of 2 checks failed: min-hit-rate\n$/);
  });

  test('with no call, stopping prints no table and exits 0', async () => {
    const p = await proxy();
    const run = await p.stop();
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(
      /^usage-inspect: proxy listening on http:\/\/127\.0\.0\.1:\d+, forwarding to http/,
    );
  });
});
