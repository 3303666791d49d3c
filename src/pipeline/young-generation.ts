import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import type { RequestResult } from '../core/types.js';

/**
 * Sizes V8's young generation while Claude Code transcripts are read. V8 starts it small and doubles it
 * as objects survive, up to 16 MiB a half; transcripts keep the last 512 responses alive for the dedupe
 * window, so it keeps growing. Measured on 200 MB of transcripts (bench/, alternate runs): the step from
 * 8 to 16 MiB slowed the next 30 MB or so to half speed, and runs that reached 8 MiB quickly and stayed
 * there were about 7% faster than V8's own growth (reaching 16 MiB quickly: about 4%). Other inputs keep
 * V8's own growth: on 200 MB of Message JSONL a larger young generation was 5% slower.
 *
 * Only the growth factor can be set once V8 has started (the sizes are fixed then): V8 reads
 * `--semi-space-growth-factor` each time it grows the young generation. Flags are the whole process's;
 * `end` puts V8's default back.
 */
export class YoungGeneration {
  private started = false;
  private held = false;
  private batches = 0;

  /** Called for each request read: the first from a Claude Code transcript starts the steering. */
  saw(kind: RequestResult['kind']): void {
    if (this.started || kind !== 'claude_code') return;
    this.started = true;
    this.steer();
  }

  /** Called once a batch: holds the young generation where it is once it has reached its size. */
  tick(): void {
    if (this.started && !this.held && ++this.batches % CHECK_EVERY === 0) this.steer();
  }

  /** Puts V8's default growth back (the report, or the next run in a test process, starts from it). */
  end(): void {
    if (this.started) setGrowth(V8_DEFAULT_GROWTH);
  }

  /** For --debug: the size reached, and whether growth was stopped there; null when not steered. */
  describe(): string | null {
    if (!this.started) return null;
    const half = halfBytes() / MiB;
    return `Claude Code input: young generation at ${half} MiB a half${this.held ? ', held there' : ''}`;
  }

  /** The factor that makes the next growth reach TARGET_HALF exactly, or 1 once there. */
  private steer(): void {
    const half = halfBytes();
    if (half >= TARGET_HALF) {
      this.held = true;
      setGrowth(1);
    } else {
      setGrowth(Math.ceil(TARGET_HALF / Math.max(half, MiB)));
    }
  }
}

const MiB = 1024 * 1024;
const TARGET_HALF = 8 * MiB;
/** V8's own `--semi-space-growth-factor` (src/flags/flag-definitions.h). */
const V8_DEFAULT_GROWTH = 2;
/** Looking costs a few microseconds; a batch is up to 256 KiB of input, and V8 grows at most once in 4. */
const CHECK_EVERY = 4;

function setGrowth(factor: number): void {
  setFlagsFromString(`--semi-space-growth-factor=${factor}`);
}

/** One half of the young generation (V8 reports both together as `new_space`). */
function halfBytes(): number {
  for (const space of getHeapSpaceStatistics())
    if (space.space_name === 'new_space') return space.space_size / 2;
  return 0;
}
