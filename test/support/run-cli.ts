import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = fileURLToPath(new URL('../../bin/usage-inspect.js', import.meta.url));

/** A key that must never show up in output, errors or recordings. */
export const CANARY_KEY = 'sk-ant-canary-7f3e9c1d2b4a6e8f';

export function fixture(name: string): string {
  return fileURLToPath(new URL(`../../fixtures/${name}`, import.meta.url));
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  stdin?: string | Buffer;
  env?: Record<string, string | undefined>;
  cwd?: string;
}

/**
 * Starts the built CLI as a user would, with a clean colour environment unless `env` says otherwise.
 * No ANTHROPIC_* variable of the test process reaches it: a test never uses a real key or endpoint.
 */
export function spawnCli(args: string[], options: CliOptions = {}) {
  const env: Record<string, string | undefined> = {
    ...process.env,
    NO_COLOR: '1',
    COLUMNS: '160',
    FORCE_COLOR: undefined,
    // A test run inside GitHub Actions must not switch on annotations and the step summary.
    GITHUB_ACTIONS: undefined,
    GITHUB_STEP_SUMMARY: undefined,
  };
  for (const k of Object.keys(env)) if (k.startsWith('ANTHROPIC_')) delete env[k];
  for (const [k, v] of Object.entries(options.env ?? {})) env[k] = v;
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  const child = spawn(process.execPath, [BIN, ...args], {
    env: env as NodeJS.ProcessEnv,
    cwd: options.cwd ?? ROOT,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const done = new Promise<CliRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  child.stdin.on('error', () => {});
  if (options.stdin !== undefined) child.stdin.end(options.stdin);
  else child.stdin.end();
  return { child, done, output: () => ({ stdout, stderr }) };
}

/** Runs the built CLI and resolves when it exits. */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliRun> {
  return spawnCli(args, options).done;
}

/** Resolves once `check` holds, polling every 10 ms; rejects after `timeoutMs`. */
export async function waitFor(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting for a condition');
    await new Promise((r) => setTimeout(r, 10));
  }
}
