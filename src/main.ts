import { processIO } from './io.js';
import { run } from './run.js';

/** The command line, as bin/usage-inspect.js starts it: runs the command and sets the exit code. */
export async function main(): Promise<void> {
  // Writing to a closed pipe (`usage-inspect … | head -1`) is normal use, not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  process.exitCode = await run(process.argv.slice(2), processIO());
}
