// `npm run build`: bundles src/ into dist/cli/ (run by bin/usage-inspect.js), then records V8's code cache
// for it.
//
// Why one script with a code cache: start-up is a target (`usage-inspect --version` and `inspect` of one
// response on stdin within 2x of `node -e ''`, bench/), and on big inputs the time before the first byte is
// read, and the first calls of every function on the way, are most of what usage-inspect costs beyond
// the baseline. Node 20 caches no compiled code for a program's own modules (module.enableCompileCache
// came with Node 22.1: https://nodejs.org/api/module.html#moduleenablecompilecachecachedir); vm.Script
// takes V8's code cache (https://nodejs.org/api/vm.html#new-vmscriptcode-options), but only for a
// classic script. So src/ becomes one CommonJS bundle, main.cjs, which the bin compiles with the cache.
// Code that only some commands need still runs only when they ask for it: esbuild turns each import()
// into a call that first initialises the modules it reaches (`supported: { 'dynamic-import': false }`),
// and the packages that are large or talk to the API (the SDK, zod) stay outside the bundle, loaded by
// require() at that point.
//
// Layout the code relies on: dist/cli/ is two folders below the package root, like src/decode/, so that
// `new URL('../wasm/json-scan.wasm', import.meta.url)` finds dist/wasm/; the worker entry sits beside
// main.cjs, so that `new URL('./worker.js', import.meta.url)` finds it.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';

rmSync('dist', { recursive: true, force: true });

/**
 * commander requires node:child_process when it loads, for subcommands that are programs of their own
 * (`spawn`), which this CLI has none of; loading it (and net, dgram and streams with it) cost about 2 ms of
 * every start. Here commander gets a stand-in that loads it on the first spawn.
 */
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(b) {
    b.onResolve({ filter: /^node:child_process$/ }, (args) =>
      /node_modules[\\/]commander[\\/]/.test(args.importer)
        ? { path: 'child_process', namespace: 'lazy' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy' }, () => ({
      contents: "exports.spawn = (...args) => require('node:child_process').spawn(...args);",
      loader: 'js',
    }));
  },
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
};
/**
 * Names this build: the bundle starts with it, and the code cache recorded for it carries it in its file
 * name, so that a bundle never meets a cache recorded for other code (V8 checks a cache against the source
 * only by its length).
 */
const buildId = randomUUID();
const main = await build({
  ...common,
  entryPoints: ['src/main.ts'],
  outfile: 'dist/cli/main.cjs',
  format: 'cjs',
  supported: { 'dynamic-import': false },
  external: ['@anthropic-ai/sdk', 'zod'],
  // import.meta does not exist in a script: the bundle's own file URL stands in for it. The banner comes
  // before esbuild's own "use strict", which then no longer counts: it starts with its own.
  define: { 'import.meta.url': 'bundleUrl' },
  banner: {
    js: `"use strict";var buildId="${buildId}";var bundleUrl=require('node:url').pathToFileURL(__filename).href;`,
  },
  plugins: [lazyChildProcess],
  // Without comments and indentation there is less to read and hash at each start; the source map still
  // names the lines of src/ (--debug).
  minifyWhitespace: true,
  // Licence comments would be kept, and may hold bytes that are not ASCII (see below).
  legalComments: 'none',
  metafile: true,
});
// bin/load-bundle.js reads the bundle as latin1, which is right only for ASCII: esbuild escapes the rest in
// code (its default charset), and minifying took out the comments, where it does not.
if (readFileSync('dist/cli/main.cjs').some((byte) => byte > 0x7f))
  throw new Error('dist/cli/main.cjs holds a byte that is not ASCII: bin/load-bundle.js reads it as latin1');
// Which source module imports what, and how, for test/sdk-loading.test.ts.
writeFileSync('dist/cli/meta.json', JSON.stringify(main.metafile));
// Worker threads (pipeline/parallel.ts) load their entry as a module of its own; they take no code cache.
await build({
  ...common,
  entryPoints: ['src/pipeline/worker.ts'],
  outfile: 'dist/cli/worker.js',
  format: 'esm',
  external: ['@anthropic-ai/sdk', 'zod'],
  // Bundled CommonJS packages call `require` for Node's own modules.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);",
  },
});
mkdirSync('dist/wasm', { recursive: true });
copyFileSync('src/wasm/json-scan.wasm', 'dist/wasm/json-scan.wasm');

// The code cache: V8's compiled code for the bundle after one ordinary run, which reads a response, a
// stream and a Claude Code transcript and draws the table, so that the functions on those paths are
// compiled already when a run starts. V8 takes it only from the same Node and V8 flags; any other run
// compiles as if it were not there (bin/load-bundle.js).
const warm = spawnSync(
  process.execPath,
  [
    'bin/usage-inspect.js',
    'inspect',
    'fixtures/11-cache-read.json',
    'fixtures/05-cache-write-then-read-2streams.sse',
    'fixtures/claude-code',
    '--no-color',
  ],
  { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, USAGE_INSPECT_WRITE_CODE_CACHE: buildId } },
);
if (warm.status !== 0 || !existsSync(`dist/cli/main.${buildId}.cache`))
  throw new Error(`recording the code cache: the warm-up run exited ${warm.status}: ${warm.stderr}`);
