import { hasChecks } from '../checks/check-options.js';
import { CliError, ExitCode, type ExitCodeValue } from '../errors.js';
import type { CliIO } from '../io.js';
import { loadPricing } from '../pricing/load-pricing.js';
import { builtInPrices } from '../pricing/price-data.js';
import { priceRequest } from '../pricing/request-cost.js';
import { ProxyCallLog } from '../proxy/call-log.js';
import { type RunningProxy, startProxy } from '../proxy/server.js';
import { hostPort, isLoopback, parseUpstream, pointsAtItself } from '../proxy/upstream.js';
import { RecordingWriter } from '../recording/writer.js';
import { formatProblem, printable } from '../report/format.js';
import { finishReport } from './finish-report.js';
import { openLiveOutput } from './proxy-output.js';
import type { ReportOutputOptions } from './report-output.js';

export interface ProxyOptions extends ReportOutputOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  upstream: string;
  /** Recording file to append each call to; null for none. */
  record: string | null;
}

type Stop = { signal: string } | { error: unknown };

function listenError(err: unknown, where: string): CliError {
  const code = (err as NodeJS.ErrnoException).code;
  const reason =
    code === 'EADDRINUSE'
      ? 'the port is in use (choose another with --port, or --port 0 for any free one)'
      : code === 'EACCES'
        ? 'permission denied (ports below 1024 need privileges)'
        : code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND'
          ? 'this machine has no such address'
          : (err as Error).message;
  return new CliError(`cannot listen on ${where}: ${reason}`);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * Runs the proxy until Ctrl-C or SIGTERM: every request is forwarded to the upstream unchanged and its
 * response streamed back as it arrives; each Messages call adds a row as it finishes. Stopping cuts
 * the calls still in flight (they are reported as cut) and prints the totals, the cache breaks and,
 * when assertions were given, their verdict; it exits 0 unless one of them failed.
 */
export async function proxyCommand(options: ProxyOptions, io: CliIO): Promise<ExitCodeValue> {
  const upstream = parseUpstream(options.upstream);
  if (pointsAtItself(upstream.url, options.host, options.port))
    throw new CliError(`--upstream ${upstream.display} is the proxy's own address: every call would loop`);
  const writer = options.record ? RecordingWriter.open(options.record) : null;
  // Notices quote upstream servers and applications, so they are made safe for a terminal.
  const notice = (message: string) => io.stderr.write(`usage-inspect: ${printable(message)}\n`);
  try {
    const output = await openLiveOutput(options, io);
    const pricing = await loadPricing(options.pricingFiles, builtInPrices());
    for (const p of pricing.problems) notice(formatProblem(p));
    const log = new ProxyCallLog(
      writer,
      (r) => priceRequest(r, pricing.table, options.explain),
      pricing.problems,
    );
    let stop: (why: Stop) => void = () => {};
    const stopped = new Promise<Stop>((resolve) => {
      stop = resolve;
    });

    let proxy: RunningProxy;
    try {
      proxy = await startProxy({ host: options.host, port: options.port }, upstream, {
        onCall(call) {
          try {
            const { result, notices } = log.add(call);
            if (result) io.stdout.write(output.row(log.finished));
            for (const n of notices) notice(n);
          } catch (err) {
            stop({ error: err });
          }
        },
        onNotice: notice,
      });
    } catch (err) {
      throw listenError(err, hostPort(options.host, options.port));
    }
    const stopListening = [
      io.onInterrupt?.(() => stop({ signal: 'SIGINT' })),
      io.onTerminate?.(() => stop({ signal: 'SIGTERM' })),
    ];

    notice(
      `proxy listening on http://${hostPort(options.host, proxy.port)}, forwarding to ${upstream.display}`,
    );
    notice(`point the application at it: ANTHROPIC_BASE_URL=${proxy.url}`);
    if (!isLoopback(options.host))
      notice(
        `warning: ${options.host} accepts connections from other machines; their calls are shown and recorded too`,
      );
    if (writer) notice(`recording each call to ${writer.path}`);
    notice('Ctrl-C stops the proxy and prints the totals');
    if (output.start) io.stdout.write(output.start);

    const why = await stopped;
    for (const off of stopListening) off?.();
    await proxy.close();
    const { breaks: found, ...report } = log.report();
    // The table is finished before the breaks join the report: finishReport prints them under it.
    const tableText = output.tableText(report);
    const code = await finishReport(
      { ...report, breaks: found },
      {
        ...options,
        ordered: true,
        streamed: output.streamed,
        ...(tableText !== undefined ? { tableText } : {}),
      },
      io,
    );
    const { calls, failures, breaks } = log.summary();
    const other = proxy.passedThrough();
    notice(
      `proxy stopped${'signal' in why ? ` (${why.signal})` : ''}: ${plural(calls, 'Messages call')}` +
        `${failures > 0 ? `, ${failures} failed` : ''}${breaks > 0 ? `, ${plural(breaks, 'cache break')}` : ''}` +
        `; ${plural(other, 'other request')} passed through`,
    );
    if ('error' in why) throw why.error;
    // Stopping is how a proxy run ends: only assertions, when asked for, make it a failure.
    return hasChecks(options.checks) ? code : ExitCode.ok;
  } finally {
    writer?.close();
  }
}
