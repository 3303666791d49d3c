import { readFile } from 'node:fs/promises';
import type { CacheTarget, CacheTtl } from '../choices.js';
import { CliError } from '../errors.js';
import { isPlainObject } from '../extract/counts.js';
import type { CliIO } from '../io.js';
import { buildRequest, type PlannedRequest, type RequestSpec } from '../request/build-request.js';
import { checkBreakpoints, listBreakpoints } from '../request/cache-control.js';

/** The request flags shared by `send` and `count`, after commander has parsed them. */
export interface RequestFlags {
  prompt: string[];
  message: string | null;
  system: string | null;
  systemFile: string | null;
  /** A path, or - for stdin. */
  request: string | null;
  model: string | null;
  maxTokens: number | null;
  stream: boolean;
  betas: string[];
  tools: string | null;
  thinking: number | 'adaptive' | null;
  cache: CacheTarget[] | null;
  ttl: CacheTtl | null;
}

async function readText(flag: string, path: string, io: CliIO): Promise<string> {
  if (path === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of io.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    return Buffer.concat(chunks).toString('utf8');
  }
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'is a folder'
          : code === 'EACCES'
            ? 'permission denied'
            : (err as Error).message;
    throw new CliError(`${flag} ${path}: ${reason}`);
  }
}

async function readJson(flag: string, path: string, io: CliIO): Promise<unknown> {
  const text = await readText(flag, path, io);
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    const name = path === '-' ? '<stdin>' : path;
    throw new CliError(`${flag} ${name}: invalid JSON: ${(err as Error).message.split('\n')[0]}`);
  }
}

/** Reads the files the flags name and returns the request as the user described it. */
export async function readRequestSpec(flags: RequestFlags, io: CliIO): Promise<RequestSpec> {
  if (flags.message !== null && flags.prompt.length > 0)
    throw new CliError('give the prompt either as arguments or with --message, not both');
  if (flags.system !== null && flags.systemFile !== null)
    throw new CliError('give --system or --system-file, not both');
  let base: Record<string, unknown> | null = null;
  if (flags.request !== null) {
    const value = await readJson('--request', flags.request, io);
    if (!isPlainObject(value))
      throw new CliError(`--request ${flags.request}: expected a JSON object (a Messages request body)`);
    base = value;
  }
  let tools: unknown[] | null = null;
  if (flags.tools !== null) {
    const value = await readJson('--tools', flags.tools, io);
    // Either the tools array itself, or any object holding one (a request body, say).
    const list = Array.isArray(value) ? value : isPlainObject(value) ? value.tools : undefined;
    if (!Array.isArray(list))
      throw new CliError(`--tools ${flags.tools}: expected a JSON array of tool definitions`);
    tools = list;
  }
  const system =
    flags.systemFile !== null ? await readText('--system-file', flags.systemFile, io) : flags.system;
  const prompt = flags.message ?? (flags.prompt.length > 0 ? flags.prompt.join(' ') : null);
  return {
    prompt,
    system,
    base,
    model: flags.model,
    maxTokens: flags.maxTokens,
    stream: flags.stream,
    betas: flags.betas,
    tools,
    thinking: flags.thinking,
    cache: flags.cache,
    ttl: flags.ttl,
  };
}

/** Builds the request and checks its breakpoints; warnings go to stderr, errors stop before sending. */
export async function planRequest(
  flags: RequestFlags,
  io: CliIO,
): Promise<PlannedRequest & { breakpointErrors: string[] }> {
  const planned = buildRequest(await readRequestSpec(flags, io));
  const { errors, warnings } = checkBreakpoints(listBreakpoints(planned.body));
  for (const w of warnings) io.stderr.write(`usage-inspect: warning: ${w}\n`);
  return { ...planned, breakpointErrors: errors };
}
