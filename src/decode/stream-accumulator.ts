import type { DecodedRecord, Problem, SourceRef } from '../core/types.js';
import { isPlainObject } from '../extract/counts.js';
import { baseRecord, readApiError } from './records.js';

/** Counters that a `message_delta` may carry as cumulative totals. */
const DELTA_OVERWRITES = [
  'input_tokens',
  'cache_creation_input_tokens',
  'cache_read_input_tokens',
  'server_tool_use',
  'output_tokens_details',
  'iterations',
] as const;

interface OpenStream {
  record: DecodedRecord;
  usage: Record<string, unknown>;
}

export interface StreamOutput {
  records: DecodedRecord[];
  problems: Problem[];
}

/**
 * Folds Messages API stream events into one record per message.
 *
 * Rules (https://platform.claude.com/docs/en/build-with-claude/streaming):
 * - `message_start.message.usage` carries the full usage, including the TTL split, tier, geo and speed.
 * - "The token counts shown in the usage field of the message_delta event are cumulative": each
 *   `message_delta` overwrites every counter it carries and never adds; `output_tokens` is always
 *   present. This matches the SDK's MessageStream accumulation (lib/MessageStream.ts).
 * - `message_delta` has no `cache_creation` split, tier, geo or speed, so those stay from message_start.
 * - `ping` and unknown event types are tolerated (https://platform.claude.com/docs/en/api/versioning).
 * - An `error` event ends the stream as an error, with the usage known so far.
 * - A stream that never reaches `message_stop` is `incomplete`.
 */
export class StreamAccumulator {
  private open: OpenStream | null = null;

  constructor(private readonly kind: DecodedRecord['kind'] = 'stream') {}

  feed(event: unknown, source: SourceRef): StreamOutput {
    const out: StreamOutput = { records: [], problems: [] };
    if (!isPlainObject(event)) {
      out.problems.push({ source, severity: 'error', message: 'stream event is not a JSON object' });
      return out;
    }
    switch (event.type) {
      case 'message_start': {
        if (this.open) out.records.push(this.close('incomplete'));
        const msg = isPlainObject(event.message) ? event.message : {};
        const usage = isPlainObject(msg.usage) ? { ...msg.usage } : {};
        const record: DecodedRecord = {
          ...baseRecord(this.kind, source),
          id: typeof msg.id === 'string' ? msg.id : null,
          model: typeof msg.model === 'string' ? msg.model : null,
        };
        this.open = { record, usage };
        break;
      }
      case 'message_delta': {
        if (!this.open) {
          out.problems.push({
            source,
            severity: 'warning',
            message: 'message_delta before any message_start; ignored',
          });
          break;
        }
        const delta = isPlainObject(event.usage) ? event.usage : {};
        this.open.usage.output_tokens = delta.output_tokens ?? this.open.usage.output_tokens;
        for (const key of DELTA_OVERWRITES) {
          if (delta[key] !== undefined && delta[key] !== null) this.open.usage[key] = delta[key];
        }
        break;
      }
      case 'message_stop':
        if (this.open) out.records.push(this.close('ok'));
        else
          out.problems.push({
            source,
            severity: 'warning',
            message: 'message_stop without message_start; ignored',
          });
        break;
      case 'error': {
        const error = readApiError(event);
        if (this.open) {
          const rec = this.close('error');
          out.records.push({ ...rec, error });
        } else {
          out.records.push({ ...baseRecord(this.kind, source), status: 'error', error });
        }
        break;
      }
      default:
        // content_block_*, ping and event types added later carry no usage.
        break;
    }
    return out;
  }

  /** Ends the input: a stream still open was cut off. */
  finish(): DecodedRecord[] {
    return this.open ? [this.close('incomplete')] : [];
  }

  get isOpen(): boolean {
    return this.open !== null;
  }

  private close(status: DecodedRecord['status']): DecodedRecord {
    const open = this.open as OpenStream;
    this.open = null;
    return { ...open.record, status, usage: open.usage };
  }
}
