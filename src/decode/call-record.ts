import type { DecodedRecord, Problem, SourceRef } from '../core/types.js';
import type { RecordingLine } from '../recording/line.js';
import { fromRecordingLine } from './recording.js';

/**
 * Decodes a call that `send` just made. It goes through the recording decoder, so that what a run
 * shows and what a replay of its recording shows cannot differ; only the kind says how it was sent.
 */
export function fromCall(
  line: RecordingLine,
  source: SourceRef,
): { record: DecodedRecord; problems: Problem[] } {
  const { records, problems } = fromRecordingLine(line as unknown as Record<string, unknown>, source);
  const record = records[0] as DecodedRecord;
  return { record: { ...record, kind: line.events ? 'stream' : 'message' }, problems };
}
