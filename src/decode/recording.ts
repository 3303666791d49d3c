import type { DecodedRecord, Problem, SourceRef } from '../core/types.js';
import { isPlainObject } from '../extract/counts.js';
import { baseRecord, fromErrorBody, fromMessage, readApiError } from './records.js';
import { StreamAccumulator } from './stream-accumulator.js';

/** Version of the recording line format written by `send --record` (docs/recording-format.md). */
export const RECORDING_VERSION = 1;

/**
 * One line of a recording: `{"recording":1, "sent_at", "duration_ms", "request", "response" | "events",
 * "headers", "error"}`. The response is the final Message, or for streams the raw event list.
 */
export function fromRecordingLine(
  line: Record<string, unknown>,
  source: SourceRef,
): { records: DecodedRecord[]; problems: Problem[] } {
  const problems: Problem[] = [];
  if (line.recording !== RECORDING_VERSION) {
    problems.push({
      source,
      severity: 'error',
      message: `recording format version ${JSON.stringify(line.recording)} is not supported (this build reads ${RECORDING_VERSION})`,
    });
    return { records: [], problems };
  }
  const headers = isPlainObject(line.headers) ? line.headers : {};
  const extra = {
    timestamp: typeof line.sent_at === 'string' ? line.sent_at : null,
    request_id: typeof headers['request-id'] === 'string' ? headers['request-id'] : null,
    ...(line.request !== undefined ? { request: line.request } : {}),
  };
  let record: DecodedRecord;
  if (Array.isArray(line.events)) {
    const acc = new StreamAccumulator('recording');
    const out: DecodedRecord[] = [];
    line.events.forEach((ev, i) => {
      const res = acc.feed(ev, { ...source, event: i + 1 });
      out.push(...res.records);
      problems.push(...res.problems);
    });
    out.push(...acc.finish());
    record = out[0] ?? { ...baseRecord('recording', source), status: 'incomplete' };
    if (out.length > 1) {
      problems.push({
        source,
        severity: 'warning',
        message: `recorded stream holds ${out.length} messages; only the first is used`,
      });
    }
  } else if (isPlainObject(line.response) && line.response.type === 'message') {
    record = fromMessage(line.response, source, 'recording');
  } else if (isPlainObject(line.response) && line.response.type === 'error') {
    record = fromErrorBody(line.response, source, 'recording');
  } else {
    record = { ...baseRecord('recording', source), status: 'error' };
  }
  if (line.error !== undefined && line.error !== null) {
    const usageSoFar = record.usage;
    record = {
      ...record,
      status: 'error',
      error: record.error ?? readApiError(line.error),
      usage: usageSoFar,
    };
    if (isPlainObject(line.error) && typeof line.error.request_id === 'string')
      extra.request_id = line.error.request_id;
  }
  if (record.status === 'error' && !record.error) {
    record = { ...record, error: { type: 'unknown', message: 'recording has no response' } };
  }
  // A failed call has no response to name its model; the request says which model it was sent to.
  const requested =
    isPlainObject(line.request) && typeof line.request.model === 'string' ? line.request.model : null;
  return {
    records: [
      {
        ...record,
        ...extra,
        request_id: extra.request_id ?? record.request_id,
        model: record.model ?? requested,
      },
    ],
    problems,
  };
}
