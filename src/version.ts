import { readFileSync } from 'node:fs';
import { CliError, ExitCode } from './errors.js';

/**
 * The package version, from the first package.json above this module: the package root's, whether this
 * runs from src/ (tests) or from the bundle in dist/cli/. `from` is a folder URL (for tests).
 */
export function packageVersion(from: URL = new URL('./', import.meta.url)): string {
  for (let dir = from; ; ) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as { version: string };
      return pkg.version;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    // The root ('/' or a Windows drive's 'C:/') is its own parent.
    const parent = new URL('../', dir);
    if (parent.href === dir.href) throw new CliError('no package.json above the program', ExitCode.internal);
    dir = parent;
  }
}
