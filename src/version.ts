import { readFileSync } from 'node:fs';

/**
 * The package version, from the first package.json above this module: the package root's, whether this
 * runs from src/ (tests) or from the bundle in dist/cli/.
 */
export function packageVersion(): string {
  for (let dir = new URL('./', import.meta.url); ; dir = new URL('../', dir)) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as { version: string };
      return pkg.version;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || dir.pathname === '/') throw err;
    }
  }
}
