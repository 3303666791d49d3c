import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const DIST = fileURLToPath(new URL('../dist/', import.meta.url));

/** Specifiers of the static imports and re-exports of a built module (dynamic import() excluded). */
function staticImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s[^;]*?\sfrom\s+['"]([^'"]+)['"]/gms))
    found.push(m[1] ?? '');
  for (const m of text.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)) found.push(m[1] ?? '');
  return found;
}

/** Every module loaded before any code runs, starting from dist/main.js. */
function staticGraph(entry: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (graph.has(file)) continue;
    const imports = staticImports(file);
    graph.set(file, imports);
    for (const spec of imports) if (spec.startsWith('.')) queue.push(resolve(dirname(file), spec));
  }
  return graph;
}

const importsSdk = (graph: Map<string, string[]>) =>
  [...graph].filter(([, imports]) => imports.some((s) => s.startsWith('@anthropic-ai/sdk'))).map(([f]) => f);

test('start-up loads neither the SDK nor the commands that call the API', () => {
  const startup = staticGraph(join(DIST, 'main.js'));
  // The walk reaches the option declarations of the API commands…
  expect([...startup.keys()].some((f) => f.endsWith('cli-options.js'))).toBe(true);
  // …but not the commands themselves, nor the SDK.
  expect(importsSdk(startup)).toEqual([]);
  expect([...startup.keys()].filter((f) => f.includes(`${join('dist', 'commands')}`))).toEqual([]);
});

test('inspect loads no SDK either', () => {
  expect(importsSdk(staticGraph(join(DIST, 'commands', 'inspect.js')))).toEqual([]);
});

test('the API commands load the SDK only when they make a call, through import()', () => {
  for (const command of ['send.js', 'count.js', 'replay.js']) {
    const graph = staticGraph(join(DIST, 'commands', command));
    // The walk reaches the code that uses the SDK, so an empty result means something…
    expect([...graph.keys()].some((f) => f.endsWith(join('api', 'sdk.js')))).toBe(true);
    // …yet nothing imports the SDK statically; `send --dry-run` and offline `replay` never load it.
    expect(importsSdk(graph)).toEqual([]);
  }
  expect(readFileSync(join(DIST, 'api', 'sdk.js'), 'utf8')).toContain("import('@anthropic-ai/sdk')");
});
