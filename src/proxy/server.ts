import { createServer, Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Exchange, type ProxiedCallResult, refuse } from './exchange.js';
import { InOrder } from './in-order.js';
import { hostPort, type Upstream } from './upstream.js';

export interface ProxyHooks {
  /** A Messages call is over (answered, failed or cut short). */
  onCall(call: ProxiedCallResult): void;
  /** Something to tell the user that has no row, such as another endpoint failing to reach the upstream. */
  onNotice(message: string): void;
}

export interface ProxyAddress {
  host: string;
  /** 0 picks a free port. */
  port: number;
}

export interface RunningProxy {
  /** The base URL applications use: http://host:port. */
  url: string;
  port: number;
  /** Requests to other endpoints that were passed through. */
  passedThrough(): number;
  /**
   * Stops accepting, cuts the calls still in flight (each is reported, cut by the proxy) and resolves
   * once every call is accounted for and every connection is closed.
   */
  close(): Promise<void>;
}

/**
 * The address this machine's applications use: listening on every interface (0.0.0.0, ::) includes
 * loopback, which is the one address sure to work.
 */
function reachableHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '::1';
  return host;
}

/**
 * Listens on `address` and forwards every request to the upstream. Connections to the upstream are
 * kept alive and reused, as a client talking to the API directly would.
 */
export async function startProxy(
  address: ProxyAddress,
  upstream: Upstream,
  hooks: ProxyHooks,
): Promise<RunningProxy> {
  const agent =
    upstream.url.protocol === 'https:'
      ? new HttpsAgent({ keepAlive: true })
      : new HttpAgent({ keepAlive: true });
  const inFlight = new Set<Exchange>();
  const ended = new InOrder<ProxiedCallResult>(hooks.onCall);
  let others = 0;
  let closing = false;

  const server = createServer((req, res) => {
    if (closing) {
      req.socket.destroy();
      return;
    }
    let exchange: Exchange;
    try {
      exchange = new Exchange(req, res, {
        upstream,
        agent,
        reserve: () => ended.reserve(),
        onNotice: hooks.onNotice,
      });
    } catch (err) {
      // Node refuses to send what its own server accepted (a header value it considers invalid).
      refuse(res, (err as Error).message);
      hooks.onNotice(`${req.method} ${req.url}: not forwarded: ${(err as Error).message}`);
      return;
    }
    if (!exchange.tracked) others++;
    inFlight.add(exchange);
    void exchange.done.then(() => inFlight.delete(exchange));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(address.port, address.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (err) => hooks.onNotice(`server error: ${err.message}`));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${hostPort(reachableHost(address.host), port)}`,
    port,
    passedThrough: () => others,
    async close() {
      closing = true;
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const exchange of inFlight) exchange.cut('proxy');
      await Promise.all([...inFlight].map((e) => e.done));
      server.closeAllConnections();
      agent.destroy();
      await stopped;
    },
  };
}
