// `npm run build`: bundles src/ into dist/cli/ (run by bin/usage-inspect.js).
//
// Why a bundle: start-up is a target (`usage-inspect --version` and `inspect` of one response on stdin within
// 2x of `node -e ''`, bench/). Node 20 resolves, reads and links each ES module on its own; loading some 80
// of them for one small response took about as long as Node's own start. Code splitting keeps every
// `import()` lazy, so the SDK, the table renderer and the other commands still load only on the paths that
// need them; modules reached together share a chunk.
//
// Layout the code relies on: dist/cli/ is two folders below the package root, like src/decode/, so that
// `new URL('../wasm/json-scan.wasm', import.meta.url)` finds dist/wasm/; entries and chunks share one folder,
// so `new URL('./worker.js', import.meta.url)` finds the worker entry from any chunk.
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';

rmSync('dist', { recursive: true, force: true });
const result = await build({
  entryPoints: ['src/main.ts', 'src/pipeline/worker.ts'],
  outdir: 'dist/cli',
  entryNames: '[name]',
  chunkNames: '[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  metafile: true,
  // Loaded by `import()` only when a command calls the API; left as a package import.
  external: ['@anthropic-ai/sdk'],
  // Bundled CommonJS packages (commander, cli-table3) call `require` for Node's own modules.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
// Which output holds which source module, for test/sdk-loading.test.ts.
writeFileSync('dist/cli/meta.json', JSON.stringify(result.metafile));
mkdirSync('dist/wasm', { recursive: true });
copyFileSync('src/wasm/json-scan.wasm', 'dist/wasm/json-scan.wasm');
