import { processIO } from './io.js';
import { run } from './run.js';

// Writing to a closed pipe (`usage-inspect … | head -1`) is normal use, not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

const code = await run(process.argv.slice(2), processIO());
process.exitCode = code;
