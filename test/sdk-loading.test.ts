import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

// The built bundle (`npm test` builds first): esbuild's metafile says which output file holds which source
// module and what each output imports, statically or through import().
const ROOT = fileURLToPath(new URL('../', import.meta.url));
interface Output {
  imports: { path: string; kind: string; external?: boolean }[];
  inputs: Record<string, unknown>;
}
const meta = JSON.parse(readFileSync(`${ROOT}dist/cli/meta.json`, 'utf8')) as {
  outputs: Record<string, Output>;
};
const outputs = Object.entries(meta.outputs).filter(([path]) => path.endsWith('.js'));

/** The output file that holds a source module. */
function outputOf(source: string): string {
  const found = outputs.find(([, o]) => source in o.inputs);
  if (!found) throw new Error(`no output holds ${source}`);
  return found[0];
}

/** Every output loaded before any code runs, from `entry` through static imports (import() excluded). */
function staticGraph(entry: string): Map<string, Output> {
  const graph = new Map<string, Output>();
  const queue = [entry];
  while (queue.length > 0) {
    const path = queue.pop() as string;
    if (graph.has(path)) continue;
    const output = meta.outputs[path] as Output;
    graph.set(path, output);
    for (const i of output.imports) if (i.kind === 'import-statement' && !i.external) queue.push(i.path);
  }
  return graph;
}

const sources = (graph: Map<string, Output>) => [...graph.values()].flatMap((o) => Object.keys(o.inputs));
const importsSdk = (graph: Map<string, Output>) =>
  [...graph]
    .filter(([, o]) =>
      o.imports.some((i) => i.kind === 'import-statement' && i.path.startsWith('@anthropic-ai/sdk')),
    )
    .map(([path]) => path);

test('start-up loads neither the SDK nor the commands that call the API', () => {
  const startup = staticGraph('dist/cli/main.js');
  // The walk reaches the option declarations of the API commands…
  expect(sources(startup)).toContain('src/cli-options.ts');
  // …but not the commands themselves, nor the SDK, nor the table renderer.
  expect(importsSdk(startup)).toEqual([]);
  expect(sources(startup).filter((s) => s.startsWith('src/commands/'))).toEqual([]);
  expect(sources(startup).filter((s) => s.includes('node_modules/cli-table3/'))).toEqual([]);
});

test('inspect loads no SDK either', () => {
  const graph = staticGraph(outputOf('src/commands/inspect.ts'));
  expect(sources(graph)).toContain('src/decode/decode-file.ts');
  expect(importsSdk(graph)).toEqual([]);
});

test('the API commands load the SDK only when they make a call, through import()', () => {
  for (const command of ['send.ts', 'count.ts', 'replay.ts']) {
    const graph = staticGraph(outputOf(`src/commands/${command}`));
    // The walk reaches the code that uses the SDK, so an empty result means something…
    expect(sources(graph)).toContain('src/api/sdk.ts');
    // …yet nothing imports the SDK statically; `send --dry-run` and offline `replay` never load it.
    expect(importsSdk(graph)).toEqual([]);
  }
  const sdk = outputOf('src/api/sdk.ts');
  expect(meta.outputs[sdk]?.imports).toContainEqual({
    path: '@anthropic-ai/sdk',
    kind: 'dynamic-import',
    external: true,
  });
  expect(readFileSync(`${ROOT}${sdk}`, 'utf8')).toContain('import("@anthropic-ai/sdk")');
});

test('reports load chalk only to draw in colour, through import()', async () => {
  for (const module of ['src/commands/finish-report.ts', 'src/commands/report-output.ts']) {
    const graph = staticGraph(outputOf(module));
    // The walk reaches the styles…
    expect(sources(graph)).toContain('src/report/styles.ts');
    // …but not chalk.
    expect(sources(graph).filter((s) => s.includes('node_modules/chalk/'))).toEqual([]);
  }
  const { PLAIN, stylesFor } = await import('../src/report/styles.js');
  const pipe = { env: {}, stdout: { isTTY: false } };
  expect(await stylesFor(undefined, pipe)).toBe(PLAIN);
  expect(await stylesFor(undefined, { env: { NO_COLOR: '1' }, stdout: { isTTY: true } })).toBe(PLAIN);
  const colour = await stylesFor(true, pipe);
  expect(colour).not.toBe(PLAIN);
  expect(colour.red('x')).toBe('\u001b[31mx\u001b[39m');
  expect(PLAIN.red('x')).toBe('x');
});
