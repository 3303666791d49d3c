#!/usr/bin/env node
// Under --debug a stack trace names the lines of src/, not of the bundle: source maps are read only then,
// since reading them costs start-up time. It must be on before the bundle loads.
if (process.argv.includes('--debug')) process.setSourceMapsEnabled(true);
await import('../dist/cli/main.js');
