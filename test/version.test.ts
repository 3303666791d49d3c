import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, parse } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CliError } from '../src/errors.js';
import { packageVersion } from '../src/version.js';

const dir = mkdtempSync(join(tmpdir(), 'ui-version-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('packageVersion', () => {
  it('reads the first package.json above the folder', () => {
    mkdirSync(join(dir, 'pkg', 'dist', 'cli'), { recursive: true });
    writeFileSync(join(dir, 'pkg', 'package.json'), '{"version":"9.8.7"}');
    expect(packageVersion(pathToFileURL(join(dir, 'pkg', 'dist', 'cli/')))).toBe('9.8.7');
  });

  it('stops at the root with one clear error when there is none', () => {
    // From the root itself: no machine running the tests keeps a package.json there.
    const root = pathToFileURL(parse(dir).root);
    expect(() => packageVersion(root)).toThrow(CliError);
    expect(() => packageVersion(root)).toThrow('no package.json above');
  });
});
