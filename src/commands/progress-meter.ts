import { stat } from 'node:fs/promises';
import type { CliIO } from '../io.js';
import { formatProgress } from '../report/progress.js';
import type { InputSpec } from '../sources/inputs.js';

/** Inputs smaller than this finish before a bar would be worth drawing. */
const MIN_BYTES = 8 * 1024 * 1024;
const INTERVAL_MS = 100;

/**
 * Draws a progress line on stderr while large inputs are read: only on a terminal and never in CI,
 * so pipes and logs get no control characters.
 */
export class ProgressMeter {
  private bytes = 0;
  private requests = 0;
  private last = 0;
  private drawn = false;

  private constructor(
    private readonly io: CliIO,
    private readonly total: number | null,
  ) {}

  static async create(io: CliIO, inputs: InputSpec[]): Promise<ProgressMeter | null> {
    if (!io.stderr.isTTY || io.env.CI || io.env.TERM === 'dumb') return null;
    let total: number | null = 0;
    for (const { name: f, stdin } of inputs) {
      if (stdin) {
        total = null;
        break;
      }
      try {
        const info = await stat(f);
        total += info.isFile() ? info.size : 0;
      } catch {}
    }
    if (total !== null && total < MIN_BYTES) return null;
    return new ProgressMeter(io, total);
  }

  onBytes = (n: number): void => {
    this.bytes += n;
    this.tick();
  };

  onRequest(): void {
    this.requests++;
  }

  onRequests(n: number): void {
    this.requests += n;
  }

  private tick(): void {
    const now = Date.now();
    if (now - this.last < INTERVAL_MS) return;
    this.last = now;
    const width = Math.max(20, (this.io.stderr as { columns?: number }).columns ?? 80) - 1;
    this.io.stderr.write(
      `\r${formatProgress({ bytes: this.bytes, total: this.total, requests: this.requests }, width)}\u001b[K`,
    );
    this.drawn = true;
  }

  /** Clears the line so that what follows starts clean. */
  done(): void {
    if (this.drawn) this.io.stderr.write('\r\u001b[K');
  }
}
