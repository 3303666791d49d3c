import Table from 'cli-table3';
import { minimumCacheableTokens, resolveModel } from '../models/resolve-model.js';
import { perMTokNumber, perMTokString, ratePerMTok, usdNumber, usdString } from '../pricing/money.js';
import {
  CONFIRMED,
  type FastRule,
  type LongContextRule,
  type ModelPrice,
  type PriceTable,
  type RateFields,
  type Rates,
} from '../pricing/price-data.js';
import { pricePeriodAt } from '../pricing/rules/price-period.js';
import { formatInt } from './format.js';
import { SCHEMA_VERSION } from './json.js';
import type { Styles } from './styles.js';

function usd(rate: number): string {
  return `$${perMTokString(rate)}`;
}

function ratesText(r: Rates): string {
  return `input ${usd(r.input)}, 5m write ${usd(r.cache_write_5m)}, 1h write ${usd(r.cache_write_1h)}, cache read ${usd(r.cache_read)}, output ${usd(r.output)}`;
}

function span(since: string | null, until: string | null): string {
  if (since === null && until === null) return 'always';
  if (until === null) return `from ${since}`;
  return since === null ? `until ${until}` : `${since} to ${until}`;
}

function compactTokens(n: number): string {
  return n >= 1_000_000 && n % 1_000_000 === 0
    ? `${n / 1_000_000}M`
    : n >= 1000 && n % 1000 === 0
      ? `${n / 1000}K`
      : formatInt(n);
}

function longContextCell(rules: LongContextRule[]): string {
  return (
    rules
      .map(
        (r) =>
          `>${compactTokens(r.threshold)}: ${usd(r.rates.input)}/${usd(r.rates.output)}${r.until ? ` (until ${r.until})` : ''}`,
      )
      .join('; ') || '–'
  );
}

function fastCell(rules: FastRule[]): string {
  return rules.map((r) => `${r.multiplier.text}×${r.until ? ` (until ${r.until})` : ''}`).join('; ') || '–';
}

function confidenceOf(m: ModelPrice, at: string): string {
  return pricePeriodAt(m, null, at)?.confidence ?? 'no price';
}

/** In the order of src/data/prices.json (newest first), then --pricing additions. */
function allModels(table: PriceTable): ModelPrice[] {
  return [...table.models.values()];
}

const HEADERS = [
  'Model',
  'Input',
  'Write 5m',
  'Write 1h',
  'Read',
  'Output',
  'Batch',
  'Long context',
  'Fast',
  'US geo',
  'Min cache',
  'Context',
  'Since',
  'Confidence',
];
const COMPACT = new Set(['Model', 'Input', 'Write 5m', 'Write 1h', 'Read', 'Output', 'Confidence']);

function row(m: ModelPrice, table: PriceTable): string[] {
  const p = pricePeriodAt(m, null, table.as_of);
  const info = resolveModel(m.id);
  const min = minimumCacheableTokens(m.id, table.as_of);
  const rates = p
    ? [p.rates.input, p.rates.cache_write_5m, p.rates.cache_write_1h, p.rates.cache_read, p.rates.output]
    : [];
  const confidence = confidenceOf(m, table.as_of);
  return [
    m.id,
    ...(p ? rates.map(usd) : ['–', '–', '–', '–', '–']),
    m.batch ? `${m.batch.text}×` : '–',
    longContextCell(m.longContext),
    fastCell(m.fast),
    m.usInference ? `${m.usInference.text}×` : '–',
    min === null ? '–' : formatInt(min),
    info?.context_window ? compactTokens(info.context_window) : '–',
    p?.since ?? '–',
    p && !CONFIRMED.has(p.confidence) ? `~${confidence}` : confidence,
  ];
}

function draw(rows: string[][], keep: (h: string) => boolean, chalk: Styles): string {
  const idx = HEADERS.map((h, i) => (keep(h) ? i : -1)).filter((i) => i >= 0);
  const t = new Table({
    head: idx.map((i) => chalk.bold(HEADERS[i] as string)),
    colAligns: idx.map((i) => (i >= 1 && i <= 5 ? 'right' : 'left')),
    style: { head: [], border: [], compact: true },
  });
  for (const r of rows) t.push(idx.map((i) => r[i] ?? ''));
  return t.toString();
}

function sourcesByUrl(table: PriceTable): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const m of table.models.values()) {
    const urls = new Set([
      ...m.periods.map((p) => p.source),
      ...m.longContext.map((l) => l.source),
      ...m.fast.map((f) => f.source),
    ]);
    for (const url of urls) out.set(url, [...(out.get(url) ?? []), m.id]);
  }
  return out;
}

function header(table: PriceTable): string {
  return `Prices in USD per million tokens as of ${table.as_of} (${table.origins.join(' + ')})`;
}

function rulesText(table: PriceTable): string[] {
  const d = table.data;
  const search = table.serverTools.get('web_search_requests');
  return [
    `Batch: ${d.modifiers.batch.rule} ${d.modifiers.batch.source}`,
    `US geo: ${d.modifiers.inference_geo_us.rule} ${d.modifiers.inference_geo_us.source}`,
    `Long context: ${d.modifiers.long_context.rule} ${d.modifiers.long_context.source}`,
    `Fast: ${d.modifiers.fast.rule} ${d.modifiers.fast.source}`,
    search
      ? `Web search: $${usdString(search.perRequest)} per search; web fetch: no charge. ${search.source}`
      : '',
    '~ not confirmed on the official pricing page (reported or inferred); see usage-inspect pricing MODEL.',
  ].filter((l) => l !== '');
}

/** `usage-inspect pricing`: every model's current rates and rules, then the rules and sources. */
export function renderPricingTable(table: PriceTable, width: number, chalk: Styles): string {
  const rows = allModels(table).map((m) => row(m, table));
  let text = draw(rows, () => true, chalk);
  if (Math.max(...text.split('\n').map((l) => l.length)) > width) {
    const hidden =
      'a wider terminal adds the batch, long-context, fast-mode, US, cache-minimum and date columns';
    text = `${draw(rows, (h) => COMPACT.has(h), chalk)}\n${chalk.dim(`(${hidden}; pricing MODEL shows one model in full)`)}`;
  }
  const sources = [...sourcesByUrl(table)].map(([url, ids]) => `  ${url}\n    ${ids.join(', ')}`);
  return `${chalk.bold(header(table))}\n${text}\n${rulesText(table).join('\n')}\nSources:\n${sources.join('\n')}\n`;
}

/** `usage-inspect pricing MODEL`: every dated rate and rule of one model, each with its source. */
export function renderPricingDetail(m: ModelPrice, table: PriceTable, asked: string): string {
  const info = resolveModel(m.id);
  const min = minimumCacheableTokens(m.id, table.as_of);
  const lines = [`${m.id} (${m.name})${asked !== m.id ? `, resolved from "${asked}"` : ''}`];
  lines.push(header(table));
  lines.push(`Entry from: ${m.origin}`);
  if (m.periods.length === 0) lines.push('Prices: no public price');
  for (const p of m.periods) {
    lines.push(`Prices ${p.since ? `from ${p.since}` : 'from release'}: ${ratesText(p.rates)}`);
    lines.push(`  ${p.confidence}${CONFIRMED.has(p.confidence) ? '' : ' (not confirmed)'}: ${p.source}`);
  }
  for (const n of [m.data.notes, ...m.data.prices.map((p) => p.notes)]) if (n) lines.push(`  note: ${n}`);
  for (const [i, l] of m.longContext.entries()) {
    lines.push(
      `Long context ${span(l.since, l.until)}: over ${formatInt(l.threshold)} tokens (input + cache reads + cache writes) the whole request, output included, pays ${ratesText(l.rates)}`,
    );
    lines.push(`  ${l.confidence}${CONFIRMED.has(l.confidence) ? '' : ' (not confirmed)'}: ${l.source}`);
    const note = m.data.long_context[i]?.notes;
    if (note) lines.push(`  note: ${note}`);
  }
  if (m.longContext.length === 0)
    lines.push('Long context: no surcharge (standard rates across the context window)');
  for (const [i, f] of m.fast.entries()) {
    lines.push(`Fast mode ${span(f.since, f.until)}: ${f.multiplier.text}× every token category`);
    lines.push(`  ${f.confidence}${CONFIRMED.has(f.confidence) ? '' : ' (not confirmed)'}: ${f.source}`);
    const note = m.data.fast[i]?.notes;
    if (note) lines.push(`  note: ${note}`);
  }
  if (m.fast.length === 0) lines.push('Fast mode: not available');
  lines.push(`Batch: ${m.batch ? `${m.batch.text}× every token category` : 'no discount on record'}`);
  lines.push(
    `US inference (inference_geo "us"): ${m.usInference ? `${m.usInference.text}× every token category` : 'not applicable'}`,
  );
  lines.push(`Minimum cacheable prompt: ${min === null ? 'unknown' : `${formatInt(min)} tokens`}`);
  lines.push(
    `Context window: ${info?.context_window ? `${formatInt(info.context_window)} tokens` : 'unknown'}`,
  );
  const aliases = [...(info?.aliases ?? []), ...m.aliases];
  if (aliases.length > 0) lines.push(`Aliases: ${aliases.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

function rateJson(value: number | string): number {
  return perMTokNumber(ratePerMTok(value));
}

function ratesJson<T extends RateFields>(r: T): T {
  return {
    ...r,
    input: rateJson(r.input),
    cache_write_5m: rateJson(r.cache_write_5m),
    cache_write_1h: rateJson(r.cache_write_1h),
    cache_read: rateJson(r.cache_read),
    output: rateJson(r.output),
  };
}

function modelJson(m: ModelPrice, table: PriceTable) {
  const info = resolveModel(m.id);
  const current = pricePeriodAt(m, null, table.as_of);
  return {
    id: m.id,
    name: m.name,
    aliases: [...(info?.aliases ?? []), ...m.aliases],
    origin: m.origin,
    confirmed: current ? CONFIRMED.has(current.confidence) : false,
    prices: m.data.prices.map(ratesJson),
    batch_multiplier: m.batch ? Number(m.batch.text) : null,
    long_context: m.data.long_context.map(ratesJson),
    fast: m.data.fast.map((f) => ({ ...f, multiplier: Number(f.multiplier) })),
    inference_geo_us_multiplier: m.usInference ? Number(m.usInference.text) : null,
    cache_minimum_tokens: minimumCacheableTokens(m.id, table.as_of),
    context_window: info?.context_window ?? null,
    notes: m.data.notes ?? null,
  };
}

/** The table in use as JSON: `{schema_version, as_of, origins, unit, modifiers, server_tools, models}`. */
export function renderPricingJson(table: PriceTable, models: ModelPrice[] = allModels(table)): string {
  const doc = {
    schema_version: SCHEMA_VERSION,
    as_of: table.as_of,
    origins: table.origins,
    unit: table.data.unit,
    modifiers: table.data.modifiers,
    server_tools: Object.fromEntries(
      [...table.serverTools].map(([k, v]) => [
        k,
        { usd_per_request: usdNumber(v.perRequest), confidence: v.confidence, source: v.source },
      ]),
    ),
    models: models.map((m) => modelJson(m, table)),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
