import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixture, ROOT } from './support/run-cli.js';

// bin/load-bundle.js compiles the bundle with the V8 code cache that `npm run build` recorded
// (esbuild.config.mjs). The cache only saves time: when V8 does not take it, or it is missing, the CLI must
// give the very same output.

/** Which code cache the loader used, and what the CLI printed, in the package at `root`. */
function run(root: string, nodeFlags: string[] = []) {
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
    { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } },
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
    expect(built.cache).toBe('used');
    expect(built.code).toBe(0);
    expect(JSON.parse(built.stdout).requests.length).toBeGreaterThan(1);
  });

  it('changes nothing but speed when V8 turns it down or it is missing', () => {
    // Other V8 flags than the build's: V8 turns the cache down.
    const flags = run(ROOT, ['--max-old-space-size=300']);
    // A damaged file, and none at all.
    const damaged = run(
      copyOfPackage((root) => writeFileSync(join(root, 'dist/cli/main.cache'), 'not a cache')),
    );
    const missing = run(copyOfPackage((root) => rmSync(join(root, 'dist/cli/main.cache'))));
    expect([flags.cache, damaged.cache, missing.cache]).toEqual(['rejected', 'rejected', 'none']);
    for (const other of [flags, damaged, missing]) {
      expect(other.code).toBe(built.code);
      expect(other.stderr).toBe(built.stderr);
      // Paths in the JSON name the fixtures, which are the same files in every copy.
      expect(other.stdout).toBe(built.stdout);
    }
  });
});
