import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { FakeAnthropic } from './fake-anthropic-server.js';
import { CANARY_KEY } from './run-cli.js';

/**
 * Hooks for a test file that runs the CLI against the fake API: one server for the file, reset before
 * each test, and a fresh temporary folder per test.
 */
export function useFakeApi(name: string) {
  const suite = {
    fake: undefined as unknown as FakeAnthropic,
    dir: '',
    /** The environment of a CLI run: the canary key and the fake server's URL. */
    env: () => ({ ANTHROPIC_API_KEY: CANARY_KEY, ANTHROPIC_BASE_URL: suite.fake.url }),
  };
  beforeAll(async () => {
    suite.fake = await FakeAnthropic.start();
  });
  afterAll(() => suite.fake.close());
  beforeEach(() => {
    suite.fake.reset();
    suite.dir = mkdtempSync(join(tmpdir(), `usage-inspect-${name}-`));
  });
  afterEach(() => rmSync(suite.dir, { recursive: true, force: true }));
  return suite;
}

export function recordingLines(path: string): Record<string, unknown>[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Rows of the tables a run printed, as trimmed cells, borders left out. */
export function tableRows(table: string): string[][] {
  return table
    .split('\n')
    .filter((l) => l.startsWith('│'))
    .map((l) =>
      l
        .split('│')
        .slice(1, -1)
        .map((c) => c.trim()),
    );
}
