#!/usr/bin/env node
import module from 'node:module';

// Under --debug a stack trace names the lines of src/, not of the bundle. Source maps are read only then,
// since reading them costs start-up time, and must be on before the bundle loads. Node 22.14+ has
// module.setSourceMapsSupport (https://nodejs.org/api/module.html#modulesetsourcemapssupportenabled-options);
// before it, process.setSourceMapsEnabled (https://nodejs.org/api/process.html#processsetsourcemapsenabledval).
if (process.argv.includes('--debug')) {
  if (typeof module.setSourceMapsSupport === 'function') module.setSourceMapsSupport(true);
  else process.setSourceMapsEnabled(true);
}
await import('../dist/cli/main.js');
