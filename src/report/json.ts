import type {
  CacheBreak,
  CheckResult,
  GroupTotals,
  Iteration,
  Problem,
  Report,
  RequestResult,
  TokenCounts,
  Totals,
  Usage,
} from '../core/types.js';
import { costJson, totalCostJson } from './cost-json.js';

/** `costItems`: add each cost's priced lines (`items`), as --explain does. */
export interface JsonOptions {
  costItems?: boolean;
}

/**
 * Version of the JSON output contract (docs/json-output.md, schema/report.schema.json).
 * Adding fields keeps the version; renaming, removing or changing the meaning of one bumps it.
 */
export const SCHEMA_VERSION = 1;

// The mappers below are literals of fixed shape, without object spread: NDJSON output runs them for
// every request, and spreading made them the largest cost of a large run (bench/).

function splitJson(c: TokenCounts) {
  return {
    ephemeral_5m_input_tokens: c.cache_creation.ephemeral_5m_input_tokens,
    ephemeral_1h_input_tokens: c.cache_creation.ephemeral_1h_input_tokens,
  };
}

function thinkingJson(c: TokenCounts) {
  return c.thinking_tokens === null ? null : { thinking_tokens: c.thinking_tokens };
}

function countsJson(c: TokenCounts) {
  return {
    input_tokens: c.input_tokens,
    cache_creation_input_tokens: c.cache_creation_input_tokens,
    cache_read_input_tokens: c.cache_read_input_tokens,
    cache_creation: splitJson(c),
    cache_creation_unknown_ttl_tokens: c.cache_creation_unknown_ttl_tokens,
    output_tokens: c.output_tokens,
    output_tokens_details: thinkingJson(c),
    total_input_tokens: c.total_input_tokens,
  };
}

function serverToolJson(use: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key in use) out[key] = use[key] as number;
  return out;
}

export function usageJson(u: Usage) {
  return {
    input_tokens: u.input_tokens,
    cache_creation_input_tokens: u.cache_creation_input_tokens,
    cache_read_input_tokens: u.cache_read_input_tokens,
    cache_creation: splitJson(u),
    cache_creation_unknown_ttl_tokens: u.cache_creation_unknown_ttl_tokens,
    output_tokens: u.output_tokens,
    output_tokens_details: thinkingJson(u),
    total_input_tokens: u.total_input_tokens,
    server_tool_use: serverToolJson(u.server_tool_use),
    service_tier: u.service_tier,
    speed: u.speed,
    inference_geo: u.inference_geo,
  };
}

function iterationJson(it: Iteration, o: JsonOptions) {
  return {
    index: it.index,
    type: it.type,
    model: it.model,
    ...countsJson(it),
    in_top_level: it.in_top_level,
    billed: it.billed,
    cache: { ...it.cache },
    cost: it.cost ? costJson(it.cost, o.costItems) : null,
  };
}

export function requestJson(r: RequestResult, o: JsonOptions = {}) {
  return {
    index: r.index,
    kind: r.kind,
    source: { ...r.source },
    label: r.label,
    id: r.id,
    request_id: r.request_id,
    model: r.model,
    status: r.status,
    error: r.error,
    timestamp: r.timestamp,
    batch: r.batch,
    usage: r.usage ? usageJson(r.usage) : null,
    billed_usage: r.billed_usage ? usageJson(r.billed_usage) : null,
    iterations: r.iterations.map((it) => iterationJson(it, o)),
    cache: r.cache ? { ...r.cache } : null,
    cost: r.cost ? costJson(r.cost, o.costItems) : null,
    top_level_cost: r.top_level_cost ? costJson(r.top_level_cost, o.costItems) : null,
  };
}

export function totalsJson(t: Totals) {
  return {
    requests: t.requests,
    requests_with_usage: t.requests_with_usage,
    usage: usageJson(t.usage),
    billed_usage: usageJson(t.billed_usage),
    hit_rate: t.hit_rate,
    cost: totalCostJson(t.cost),
  };
}

export function problemJson(p: Problem) {
  return { source: { ...p.source }, severity: p.severity, message: p.message };
}

export function groupJson(g: GroupTotals) {
  return { key: g.key, ...totalsJson(g) };
}

export function breakJson(b: CacheBreak) {
  return {
    index: b.index,
    previous_index: b.previous_index,
    source: { ...b.source },
    model: b.model,
    previous_model: b.previous_model,
    cause: b.cause,
    causes: [...b.causes],
    detail: b.detail,
    previous_cached_tokens: b.previous_cached_tokens,
    read_tokens: b.read_tokens,
    lost_tokens: b.lost_tokens,
    rewritten_tokens: b.rewritten_tokens,
    gap_seconds: b.gap_seconds,
    ttl: b.ttl,
    rewrite_cost_usd: b.rewrite_cost_usd,
  };
}

export function checkJson(c: CheckResult) {
  return { name: c.name, passed: c.passed, actual: c.actual, expected: c.expected, message: c.message };
}

export function reportJson(report: Report, o: JsonOptions = {}) {
  return {
    schema_version: SCHEMA_VERSION,
    requests: report.requests.map((r) => requestJson(r, o)),
    totals: totalsJson(report.totals),
    ...(report.groups ? { group_by: report.group_by, groups: report.groups.map(groupJson) } : {}),
    problems: report.problems.map(problemJson),
    breaks: (report.breaks ?? []).map(breakJson),
    checks: (report.checks ?? []).map(checkJson),
  };
}

export function renderJson(report: Report, o: JsonOptions = {}): string {
  return `${JSON.stringify(reportJson(report, o), null, 2)}\n`;
}

/** One NDJSON line for a request; written as each request is read. */
const REQUEST_LINE_HEAD = `{"schema_version":${SCHEMA_VERSION},"type":"request",`;

/** `{"schema_version", "type": "request", …requestJson}`, written without copying the request's object. */
export function ndjsonRequestLine(r: RequestResult, o: JsonOptions = {}): string {
  return `${REQUEST_LINE_HEAD}${JSON.stringify(requestJson(r, o)).slice(1)}\n`;
}

/** The NDJSON lines after the last request: totals, groups, then problems, cache breaks and checks. */
export function ndjsonTrailer(report: Report): string {
  const line = (type: string, body: object) =>
    JSON.stringify({ schema_version: SCHEMA_VERSION, type, ...body });
  const lines = [line('totals', totalsJson(report.totals))];
  for (const g of report.groups ?? [])
    lines.push(line('group', { group_by: report.group_by, ...groupJson(g) }));
  for (const p of report.problems) lines.push(line('problem', problemJson(p)));
  for (const b of report.breaks ?? []) lines.push(line('break', breakJson(b)));
  for (const c of report.checks ?? []) lines.push(line('check', checkJson(c)));
  return `${lines.join('\n')}\n`;
}

/** One JSON object per line: each request, then the trailer (totals, groups, problems, breaks, checks). */
export function renderNdjson(report: Report, o: JsonOptions = {}): string {
  return report.requests.map((r) => ndjsonRequestLine(r, o)).join('') + ndjsonTrailer(report);
}
