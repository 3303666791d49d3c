import { request } from 'node:http';
import { createServer } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import type { Answer } from './fake-anthropic-server.js';
import { tableRows } from './fake-api-suite.js';
import { CANARY_KEY, type CliOptions, type CliRun, spawnCli, waitFor } from './run-cli.js';

/** A Messages request body as an application would send it. */
export const ask = (content: string) => ({
  model: 'claude-sonnet-5-5',
  max_tokens: 64,
  messages: [{ role: 'user' as const, content }],
});
export const askStream = (content: string) => ({ ...ask(content), stream: true as const });

/** A stream that sends its first `after` events and then waits forever (a model still generating). */
export function heldStream(events: string[], after: number): Answer {
  return { kind: 'sse', events, holdAfter: { events: after, gate: new Promise<void>(() => {}) } };
}

/** A `usage-inspect proxy` process, started on a free port, and the URL it announced. */
export interface ProxyProcess {
  url: string;
  output(): { stdout: string; stderr: string };
  /** Sends a signal and resolves when the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<CliRun>;
  done: Promise<CliRun>;
}

/** Starts the built CLI's proxy on port 0 and waits for the ANTHROPIC_BASE_URL line it prints. */
export async function startProxyCli(args: string[], options: CliOptions = {}): Promise<ProxyProcess> {
  const cli = spawnCli(['proxy', '--port', '0', ...args], options);
  let exited: CliRun | null = null;
  void cli.done.then((run) => {
    exited = run;
  });
  await waitFor(() => exited !== null || /ANTHROPIC_BASE_URL=\S+\n/.test(cli.output().stderr));
  if (exited) throw new Error(`proxy exited before listening: ${JSON.stringify(exited)}`);
  const url = (cli.output().stderr.match(/ANTHROPIC_BASE_URL=(\S+)\n/) as RegExpMatchArray)[1] as string;
  return {
    url,
    output: cli.output,
    done: cli.done,
    stop(signal = 'SIGINT') {
      cli.child.kill(signal);
      return cli.done;
    },
  };
}

/**
 * The application: the real SDK pointed at `baseURL`, no retries (each attempt would be a call of its
 * own). Every response body its fetch receives is kept by request-id, to compare with what the
 * upstream sent.
 */
export function sdkApp(baseURL: string, received = new Map<string, Promise<Buffer | null>>()) {
  const client = new Anthropic({
    apiKey: CANARY_KEY,
    baseURL,
    maxRetries: 0,
    fetch: async (input, init) => {
      const response = await fetch(input, init);
      const id = response.headers.get('request-id');
      // A body cut short gives null; the SDK reports the failure to the application.
      if (id)
        received.set(
          id,
          response
            .clone()
            .arrayBuffer()
            .then(Buffer.from, () => null),
        );
      return response;
    },
  });
  return { client, received };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  rawHeaders: string[];
  /** The body bytes exactly as they came over the wire (not decompressed). */
  body: Buffer;
}

/** One HTTP request with node:http, which neither decompresses nor rewrites anything. */
export function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer[] },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          rawHeaders: res.rawHeaders,
          body: Buffer.concat(chunks),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    const body = options.body;
    if (Array.isArray(body)) {
      // Pieces written one at a time without a length: the request goes out chunked.
      for (const piece of body) req.write(piece);
      req.end();
    } else req.end(body);
  });
}

/** A port nothing listens on (it was free a moment ago). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Rows of a table as header → cell maps, so that tables in different layouts can be compared. */
export function rowsByHeader(rows: string[][]): Record<string, string>[] {
  const [head, ...body] = rows;
  return body.map((row) => Object.fromEntries((head ?? []).map((h, i) => [h, row[i] ?? ''])));
}

/** The proxy's request rows (the Totals table and the header left out) as header → cell maps. */
export function proxyRows(stdout: string): Record<string, string>[] {
  return rowsByHeader(tableRows(stdout.split('Totals\n')[0] as string)).filter((r) =>
    /^\d+$/.test(r['#'] ?? ''),
  );
}

/** The cells two layouts share, without those that name where a row came from. */
export function sharedCells(row: Record<string, string>, headers: string[]): Record<string, string> {
  return Object.fromEntries(headers.filter((h) => h !== '#' && h !== 'Source').map((h) => [h, row[h] ?? '']));
}
