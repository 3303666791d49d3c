import type { Problem, SourceRef } from '../core/types.js';
import { RECORDING_VERSION } from '../decode/recording.js';
import { isPlainObject } from '../extract/counts.js';
import type { PlannedRequest } from '../request/build-request.js';
import { readByteLines } from '../sources/byte-lines.js';
import { readErrorMessage, resolveInputs } from '../sources/inputs.js';

export interface RecordedRequest extends PlannedRequest {
  /** The recording line it came from. */
  source: SourceRef;
}

function requestOf(line: unknown): PlannedRequest | string {
  if (!isPlainObject(line) || !('recording' in line)) return 'not a recording line';
  if (line.recording !== RECORDING_VERSION)
    return `recording format version ${JSON.stringify(line.recording)} is not supported (this build reads ${RECORDING_VERSION})`;
  if (!isPlainObject(line.request) || !Array.isArray(line.request.messages))
    return 'the recording line has no `request` body to send';
  const betas = line.betas ?? [];
  if (!Array.isArray(betas) || !betas.every((b) => typeof b === 'string'))
    return '`betas` must be an array of strings';
  return { body: line.request, betas };
}

/**
 * The requests kept in recordings, in file and line order, for `replay --send`. A line that cannot be
 * re-sent becomes a problem naming its file and line; the other lines are still read.
 */
export async function readRecordedRequests(
  paths: string[],
): Promise<{ requests: RecordedRequest[]; problems: Problem[] }> {
  const { inputs, problems } = await resolveInputs(paths);
  const requests: RecordedRequest[] = [];
  for (const input of inputs) {
    let lineNo = 0;
    try {
      for await (const batch of readByteLines(input.open())) {
        for (const text of batch.lines()) {
          lineNo++;
          if (text.trim() === '') continue;
          const source: SourceRef = { file: input.name, line: lineNo, event: null };
          let parsed: unknown;
          try {
            parsed = JSON.parse(text);
          } catch (err) {
            problems.push({ source, severity: 'error', message: `invalid JSON: ${(err as Error).message}` });
            continue;
          }
          const request = requestOf(parsed);
          if (typeof request === 'string') problems.push({ source, severity: 'error', message: request });
          else requests.push({ ...request, source });
        }
      }
    } catch (err) {
      problems.push({
        source: { file: input.name, line: null, event: null },
        severity: 'error',
        message: readErrorMessage(err),
      });
    }
  }
  return { requests, problems };
}
