import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { recordingLine, usefulHeaders } from '../src/recording/line.js';
import { RecordingWriter } from '../src/recording/writer.js';

test('usefulHeaders keeps the request id and rate-limit headers only', () => {
  const headers = new Headers({
    'Request-Id': 'req_1',
    'retry-after': '3',
    'anthropic-ratelimit-tokens-remaining': '1000',
    'anthropic-priority-input-tokens-limit': '5',
    'anthropic-fast-output-tokens-reset': '2026-11-21T00:00:00Z',
    'anthropic-organization-id': 'org',
    'set-cookie': 'x=y',
    'content-type': 'application/json',
  });
  expect(usefulHeaders(headers.entries())).toEqual({
    'request-id': 'req_1',
    'retry-after': '3',
    'anthropic-ratelimit-tokens-remaining': '1000',
    'anthropic-priority-input-tokens-limit': '5',
    'anthropic-fast-output-tokens-reset': '2026-11-21T00:00:00Z',
  });
});

test('usefulHeaders drops any header whose name suggests a credential, even under a kept prefix', () => {
  const headers: [string, string][] = [
    ['anthropic-ratelimit-input-tokens-remaining', '10'],
    ['anthropic-ratelimit-output-tokens-reset', 't'],
    ['anthropic-ratelimit-api-key-id', 'k'],
    ['anthropic-ratelimit-auth-token', 'secret'],
    ['anthropic-fast-session', 's'],
    ['anthropic-priority-secret', 's'],
    ['anthropic-ratelimit-tokens-password', 'p'],
    ['x-api-key', 'k'],
    ['authorization', 'Bearer k'],
    ['proxy-authorization', 'Basic k'],
    ['cookie', 'a=b'],
  ];
  expect(usefulHeaders(headers)).toEqual({
    'anthropic-ratelimit-input-tokens-remaining': '10',
    'anthropic-ratelimit-output-tokens-reset': 't',
  });
});

test('recordingLine puts the version first and leaves out empty betas and absent events', () => {
  const base = { sent_at: 't', duration_ms: 1, request: {}, response: null, headers: {}, error: null };
  expect(Object.keys(recordingLine({ ...base, betas: [] }))).toEqual(['recording', ...Object.keys(base)]);
  expect(recordingLine({ ...base, betas: ['b'], events: [] })).toMatchObject({
    recording: 1,
    betas: ['b'],
    events: [],
  });
});

test('the writer appends whole lines to a file it creates with mode 0600', () => {
  const dir = mkdtempSync(join(tmpdir(), 'usage-inspect-writer-'));
  try {
    const path = join(dir, 'r.jsonl');
    const line = recordingLine({
      sent_at: 't',
      duration_ms: 1,
      request: {},
      response: null,
      headers: {},
      error: null,
    });
    const first = RecordingWriter.open(path);
    first.append(line);
    first.close();
    const second = RecordingWriter.open(path);
    second.append(line);
    // Each line is on disk as soon as append returns, before close.
    expect(readFileSync(path, 'utf8').split('\n')).toHaveLength(3);
    second.close();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(() => RecordingWriter.open(dir)).toThrow(/cannot open: is a folder/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
