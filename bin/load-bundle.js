import { readFileSync, writeFileSync } from 'node:fs';
import module, { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

// Loads the bundle, dist/cli/main.cjs, with V8's code cache for it (dist/cli/main.<build id>.cache,
// recorded by `npm run build`): functions compiled once need not be parsed and compiled again on each run.
// Why and how: esbuild.config.mjs.
const bundle = fileURLToPath(new URL('../dist/cli/main.cjs', import.meta.url));
/** The bundle starts by naming its build (esbuild.config.mjs). */
const BUILD_ID = /^"use strict";var buildId="([0-9a-f-]+)";/;

/**
 * The bundle's exports, and whether V8 took the code cache: 'used', 'rejected' (another Node, or other V8
 * flags: it then compiles as if there were none), 'none' (no cache file), or 'off' (--debug).
 */
export function loadBundle(debug) {
  const require = createRequire(bundle);
  if (debug) {
    // Under --debug a stack trace names the lines of src/, not of the bundle: Node's own loader reads the
    // bundle and its source map (vm.Script does not). Source maps must be on before it loads. Node 22.14+
    // has module.setSourceMapsSupport (https://nodejs.org/api/module.html#modulesetsourcemapssupportenabled-options);
    // before it, process.setSourceMapsEnabled (https://nodejs.org/api/process.html#processsetsourcemapsenabledval).
    if (typeof module.setSourceMapsSupport === 'function') module.setSourceMapsSupport(true);
    else process.setSourceMapsEnabled(true);
    return { exports: require(bundle), codeCache: 'off' };
  }
  // The bundle is ASCII (esbuild.config.mjs checks), so latin1 reads it as it is, and fastest.
  const source = readFileSync(bundle, 'latin1');
  const buildId = BUILD_ID.exec(source)?.[1];
  const cacheFile = buildId && join(dirname(bundle), `main.${buildId}.cache`);
  let cachedData;
  try {
    if (cacheFile) cachedData = readFileSync(cacheFile);
  } catch {}
  // The same wrapper as Node's own for CommonJS (https://nodejs.org/api/modules.html#the-module-wrapper), so
  // that the bundle runs as if it were required.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: bundle,
    cachedData,
  });
  const cjs = { exports: {} };
  script.runInThisContext()(cjs.exports, require, cjs, bundle, dirname(bundle));
  if (cacheFile && process.env.USAGE_INSPECT_WRITE_CODE_CACHE === buildId) {
    // The build's warm-up run (it names the build): the cache is written once the command is done, with
    // what it compiled.
    process.once('beforeExit', () => writeFileSync(cacheFile, script.createCachedData()));
  }
  const codeCache = cachedData === undefined ? 'none' : script.cachedDataRejected ? 'rejected' : 'used';
  return { exports: cjs.exports, codeCache };
}
