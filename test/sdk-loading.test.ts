import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

// The built bundle (`npm test` builds first) is one script, dist/cli/main.cjs, in which a module's code runs
// when something that runs imports it statically, and an import() runs it only when called
// (esbuild.config.mjs). esbuild's metafile says what each source module imports, and how.
const ROOT = fileURLToPath(new URL('../', import.meta.url));
interface Input {
  imports: { path: string; kind: string; external?: boolean }[];
}
const meta = JSON.parse(readFileSync(`${ROOT}dist/cli/meta.json`, 'utf8')) as {
  inputs: Record<string, Input>;
};

/** Every module whose code runs once `entry` runs: static imports and require() calls, import() excluded. */
function staticGraph(entry: string): Set<string> {
  const graph = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const path = queue.pop() as string;
    if (graph.has(path)) continue;
    graph.add(path);
    const input = meta.inputs[path];
    if (!input) throw new Error(`the bundle holds no ${path}`);
    for (const i of input.imports) if (i.kind !== 'dynamic-import' && !i.external) queue.push(i.path);
  }
  return graph;
}

const sources = (graph: Set<string>) => [...graph];
const importsSdk = (graph: Set<string>) =>
  [...graph].filter((path) =>
    meta.inputs[path]?.imports.some(
      (i) => i.kind !== 'dynamic-import' && i.path.startsWith('@anthropic-ai/sdk'),
    ),
  );

test('start-up runs neither the SDK nor the commands that call the API', () => {
  const startup = staticGraph('src/main.ts');
  // The walk reaches the option declarations of the API commands…
  expect(sources(startup)).toContain('src/cli-options.ts');
  // …but not the commands themselves, nor the SDK, nor the table renderer.
  expect(importsSdk(startup)).toEqual([]);
  expect(sources(startup).filter((s) => s.startsWith('src/commands/'))).toEqual([]);
  expect(sources(startup).filter((s) => s.includes('node_modules/cli-table3/'))).toEqual([]);
});

test('inspect loads no SDK either', () => {
  const graph = staticGraph('src/commands/inspect.ts');
  expect(sources(graph)).toContain('src/decode/decode-file.ts');
  expect(importsSdk(graph)).toEqual([]);
});

test('the API commands load the SDK only when they make a call, through import()', () => {
  for (const command of ['send.ts', 'count.ts', 'replay.ts']) {
    const graph = staticGraph(`src/commands/${command}`);
    // The walk reaches the code that uses the SDK, so an empty result means something…
    expect(sources(graph)).toContain('src/api/sdk.ts');
    // …yet nothing imports the SDK statically; `send --dry-run` and offline `replay` never load it.
    expect(importsSdk(graph)).toEqual([]);
  }
  expect(meta.inputs['src/api/sdk.ts']?.imports).toContainEqual({
    path: '@anthropic-ai/sdk',
    kind: 'dynamic-import',
    external: true,
  });
  // The bundle requires the SDK in one place, inside the promise its import() became.
  const bundle = readFileSync(`${ROOT}dist/cli/main.cjs`, 'latin1');
  expect(bundle.match(/require\("@anthropic-ai\/sdk"\)/g)).toHaveLength(1);
  expect(bundle).toMatch(/Promise\.resolve\(\)\.then\(\(\)\s*=>\s*__toESM\(require\("@anthropic-ai\/sdk"\)/);
});

test('reports load chalk only to draw in colour, through import()', async () => {
  for (const module of ['src/commands/finish-report.ts', 'src/commands/report-output.ts']) {
    const graph = staticGraph(module);
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

test('start-up loads no child_process: commander gets it only to spawn (esbuild.config.mjs)', () => {
  // Node lists the built-in modules it has loaded; the preload prints that list as the process ends.
  const preload = join(mkdtempSync(join(tmpdir(), 'usage-inspect-preload-')), 'list-modules.cjs');
  writeFileSync(
    preload,
    "process.on('exit', () => process.stderr.write(JSON.stringify(process.moduleLoadList)));",
  );
  const run = spawnSync(
    process.execPath,
    ['--require', preload, `${ROOT}bin/usage-inspect.js`, '--version'],
    {
      encoding: 'utf8',
    },
  );
  rmSync(dirname(preload), { recursive: true });
  expect(run.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  const loaded = JSON.parse(run.stderr) as string[];
  expect(loaded).toContain('NativeModule fs');
  expect(loaded.filter((m) => m.includes('child_process'))).toEqual([]);
});
