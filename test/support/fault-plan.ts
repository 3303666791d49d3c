// @ts-expect-error: plain JavaScript generator shared with the benchmark
import { rng } from '../../bench/generate.mjs';
import { type Answer, apiError, fixtureJson, fixtureText, sseEvents } from './fake-anthropic-server.js';

/** The benchmark's seeded PRNG: the same seed gives the same faults, so a failure can be replayed. */
export const seededRandom: (seed: number) => () => number = rng;

export const FAULTS = [
  'rate_limit_retry_after',
  'rate_limit',
  'overloaded',
  'server_error',
  'drop_before_headers',
  'drop_after_headers',
  'cut_midway',
  'slow',
  'stall',
] as const;
export type Fault = (typeof FAULTS)[number];

export interface FaultPlanOptions {
  seed: number;
  /** Share of HTTP attempts answered with a fault. */
  rate: number;
  /** How long a slow answer waits before its headers, or a stalled one halfway through its body; make it
   * longer than the CLI's --timeout. */
  slowMs: number;
}

/**
 * Answers each HTTP attempt normally or, at `rate`, with one of the faults above chosen at random:
 * what a flaky network and a busy API do to a run. Counts what it served.
 */
export function faultPlan(options: FaultPlanOptions) {
  const random = seededRandom(options.seed);
  const served: Record<Fault | 'ok', number> = {
    ok: 0,
    ...Object.fromEntries(FAULTS.map((f) => [f, 0])),
  } as Record<Fault | 'ok', number>;
  const message = fixtureJson('11-cache-read.json');
  const events = sseEvents(fixtureText('02-cache-write-1h-stream.sse'));
  const ok = (stream: boolean): Exclude<Answer, { kind: 'drop' }> =>
    stream ? { kind: 'sse', events } : { kind: 'json', body: message };

  function faulty(fault: Fault, stream: boolean): Answer {
    switch (fault) {
      case 'rate_limit_retry_after':
        return apiError(429, 'rate_limit_error', 'Number of request tokens has exceeded your rate limit', {
          'retry-after': '0.02',
        });
      case 'rate_limit':
        return apiError(429, 'rate_limit_error', 'Number of requests has exceeded your rate limit');
      case 'overloaded':
        return apiError(529, 'overloaded_error', 'Overloaded');
      case 'server_error':
        return apiError(500, 'api_error', 'Internal server error');
      case 'drop_before_headers':
        return { kind: 'drop' };
      case 'drop_after_headers':
        return stream
          ? { kind: 'sse', events: [], cut: 'destroy' }
          : { kind: 'json', body: message, cut: 'headers' };
      case 'cut_midway':
        return stream
          ? {
              kind: 'sse',
              events: events.slice(0, 1 + Math.floor(random() * (events.length - 2))),
              cut: 'destroy',
            }
          : { kind: 'json', body: message, cut: 'body' };
      case 'slow':
        return { ...ok(stream), delayMs: options.slowMs };
      case 'stall':
        return stream
          ? {
              kind: 'sse',
              events,
              holdAfter: {
                events: Math.floor(events.length / 2),
                gate: new Promise((r) => setTimeout(r, options.slowMs)),
              },
            }
          : { kind: 'json', body: message, stallMs: options.slowMs };
    }
  }

  return {
    served,
    answer(body: Record<string, unknown>): Answer {
      const stream = body.stream === true;
      if (random() >= options.rate) {
        served.ok++;
        return ok(stream);
      }
      const fault = FAULTS[Math.floor(random() * FAULTS.length)] as Fault;
      served[fault]++;
      return faulty(fault, stream);
    },
  };
}
