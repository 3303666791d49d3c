import type { ApiErrorInfo, DecodedRecord, RecordKind, SourceRef } from '../core/types.js';
import { isPlainObject } from '../extract/counts.js';

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** `{"type":"error","error":{"type":…,"message":…}}`: https://platform.claude.com/docs/en/api/errors */
export function readApiError(value: unknown): ApiErrorInfo {
  const outer = isPlainObject(value) ? value : {};
  const inner = isPlainObject(outer.error) ? outer.error : outer;
  return {
    type: str(inner.type) ?? 'error',
    message: str(inner.message) ?? '(no message)',
  };
}

export function baseRecord(kind: RecordKind, source: SourceRef): DecodedRecord {
  return {
    kind,
    source,
    label: null,
    id: null,
    request_id: null,
    model: null,
    status: 'ok',
    error: null,
    usage: null,
    timestamp: null,
  };
}

/**
 * A complete Message (`"type":"message"`, standard or beta); a transcript gives the label, request id and
 * time the Message itself does not carry.
 */
export function fromMessage(
  msg: Record<string, unknown>,
  source: SourceRef,
  kind: RecordKind = 'message',
  label: string | null = null,
  requestId: string | null = null,
  timestamp: string | null = null,
): DecodedRecord {
  // One literal of fixed shape (no spread of baseRecord): this runs once per response.
  const usage = msg.usage ?? null;
  return {
    kind,
    source,
    label,
    id: str(msg.id),
    request_id: requestId,
    model: str(msg.model),
    status: usage === null ? 'incomplete' : 'ok',
    error: null,
    usage,
    timestamp,
  };
}

export function fromBareUsage(usage: Record<string, unknown>, source: SourceRef): DecodedRecord {
  return { ...baseRecord('usage', source), usage };
}

/** An API error body, as returned by a non-streaming call that failed. */
export function fromErrorBody(
  body: Record<string, unknown>,
  source: SourceRef,
  kind: RecordKind = 'message',
): DecodedRecord {
  return {
    ...baseRecord(kind, source),
    status: 'error',
    error: readApiError(body),
    request_id: str(body.request_id),
  };
}

/**
 * One line of Message Batches results: `{"custom_id", "result": {"type": succeeded|errored|canceled|expired}}`.
 * Only succeeded results carry a Message and usage; the others are not billed:
 * https://platform.claude.com/docs/en/build-with-claude/batch-processing#retrieving-batch-results
 */
export function fromBatchResult(
  line: Record<string, unknown>,
  result: Record<string, unknown>,
  source: SourceRef,
): DecodedRecord {
  const base = { ...baseRecord('batch', source), label: str(line.custom_id), batch: true };
  const type = str(result.type) ?? 'unknown';
  if (type === 'succeeded' && isPlainObject(result.message)) {
    const rec = fromMessage(result.message, source, 'batch');
    return { ...rec, label: base.label, batch: true };
  }
  if (type === 'errored') {
    const errObj = isPlainObject(result.error) ? result.error : {};
    return { ...base, status: 'error', error: readApiError(errObj), request_id: str(errObj.request_id) };
  }
  return { ...base, status: 'error', error: { type, message: `batch request ${type}; not billed` } };
}

/**
 * An assistant line of a Claude Code transcript (`~/.claude/projects/**\/*.jsonl`). While a response streams,
 * Claude Code writes several lines with the same `message.id` and `requestId`; pipeline/dedupe.ts keeps one.
 */
export function fromClaudeCodeLine(line: Record<string, unknown>, source: SourceRef): DecodedRecord | null {
  const msg = isPlainObject(line.message) ? line.message : null;
  if (!msg || !isPlainObject(msg.usage)) return null;
  // Claude Code writes locally generated messages (API errors, interruptions) with this model and zero usage.
  if (msg.model === '<synthetic>') return null;
  return fromMessage(
    msg,
    source,
    'claude_code',
    str(line.sessionId),
    str(line.requestId),
    str(line.timestamp),
  );
}
