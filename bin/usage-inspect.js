#!/usr/bin/env node
import { loadBundle } from './load-bundle.js';

await loadBundle(process.argv.includes('--debug')).exports.main();
