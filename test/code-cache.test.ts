import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixture, ROOT } from './support/run-cli.js';

// bin/load-bundle.js compiles the bundle with the V8 code cache that `npm run build` recorded
// (esbuild.config.mjs). The cache only saves time: when V8 does not take it, or it is missing, the CLI must
// give the very same output.

/** The code cache files in the package at `root`: one, named after the build. */
const caches = (root: string) => readdirSync(join(root, 'dist/cli')).filter((f) => f.endsWith('.cache'));

/** Which code cache the loader used, and what the CLI printed, in the package at `root`. */
function run(root: string, nodeFlags: string[] = [], env: Record<string, string> = {}) {
  const loader = join(root, 'bin/load-bundle.js');
  const state = spawnSync(
    process.execPath,
    [
      ...nodeFlags,
      '--input-type=module',
      '-e',
      `console.log((await import(${JSON.stringify(loader)})).loadBundle(false).codeCache)`,
    ],
    { encoding: 'utf8' },
  );
  const cli = spawnSync(
    process.execPath,
    [
      ...nodeFlags,
      join(root, 'bin/usage-inspect.js'),
      'inspect',
      fixture('claude-code'),
      fixture('11-cache-read.json'),
      '--format',
      'json',
    ],
    { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } },
  );
  return { cache: state.stdout.trim(), code: cli.status, stdout: cli.stdout, stderr: cli.stderr };
}

const copies: string[] = [];
/** The built package in a folder of its own (bin/, dist/, package.json), with `change` made to it. */
function copyOfPackage(change: (root: string) => void): string {
  const root = mkdtempSync(join(tmpdir(), 'usage-inspect-cache-'));
  copies.push(root);
  for (const part of ['bin', 'dist', 'package.json'])
    cpSync(join(ROOT, part), join(root, part), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'));
  change(root);
  return root;
}

afterAll(() => {
  for (const root of copies) rmSync(root, { recursive: true, force: true });
});

describe('the code cache', () => {
  const built = run(ROOT);

  it('is taken by V8 when the CLI starts as the build left it', () => {
    expect(caches(ROOT)).toEqual([expect.stringMatching(/^main\.[0-9a-f-]{36}\.cache$/)]);
    expect(built.cache).toBe('used');
    expect(built.code).toBe(0);
    expect(JSON.parse(built.stdout).requests.length).toBeGreaterThan(1);
  });

  it('changes nothing but speed when V8 turns it down or it is missing', () => {
    // Other V8 flags than the build's, that change compiled code: V8 turns the cache down.
    const flags = run(ROOT, ['--no-opt']);
    // A damaged file, and none at all.
    const cacheOf = (root: string) => join(root, 'dist/cli', caches(root)[0] as string);
    const damaged = run(copyOfPackage((root) => writeFileSync(cacheOf(root), 'not a cache')));
    const missing = run(copyOfPackage((root) => rmSync(cacheOf(root))));
    expect([flags.cache, damaged.cache, missing.cache]).toEqual(['rejected', 'rejected', 'none']);
    for (const other of [flags, damaged, missing]) {
      expect(other.code).toBe(built.code);
      expect(other.stderr).toBe(built.stderr);
      // Paths in the JSON name the fixtures, which are the same files in every copy.
      expect(other.stdout).toBe(built.stdout);
    }
  });

  it('is written only by the build that names it', () => {
    // A stray variable in a user's environment writes nothing; the build passes its own id.
    const root = copyOfPackage((r) => rmSync(join(r, 'dist/cli', caches(r)[0] as string)));
    const stray = run(root, [], { USAGE_INSPECT_WRITE_CODE_CACHE: '1' });
    expect(stray.code).toBe(0);
    expect(caches(root)).toEqual([]);
  });
});
