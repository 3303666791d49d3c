import { readFile } from 'node:fs/promises';
import type { Problem } from '../core/types.js';
import { canonicalModelId } from '../models/resolve-model.js';
import { readErrorMessage } from '../sources/inputs.js';
import { addModel, compileModel, type PriceTable } from './price-data.js';
import { findPrice } from './resolve-price.js';

export interface LoadedPricing {
  table: PriceTable;
  problems: Problem[];
}

/** 1-based line of a character offset. */
function lineAt(text: string, offset: number): number {
  return text.slice(0, Math.max(0, offset)).split('\n').length;
}

/** Line where a model's key appears in the file, so an error points at the entry. */
function entryLine(text: string, id: string): number | null {
  const at = text.search(new RegExp(`"${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"\\s*:`));
  return at < 0 ? null : lineAt(text, at);
}

function jsonErrorLine(text: string, err: unknown): { line: number | null; message: string } {
  const message = err instanceof Error ? err.message : String(err);
  const pos = /position (\d+)/.exec(message);
  return { line: pos ? lineAt(text, Number(pos[1])) : null, message: message.split('\n')[0] ?? message };
}

function cloneTable(t: PriceTable): PriceTable {
  return { ...t, origins: [...t.origins], models: new Map(t.models), aliases: new Map(t.aliases) };
}

/**
 * Adds or overrides models from --pricing files, in order (a later file wins). Each bad entry is one
 * error naming the file, line and field, and is left out; the good entries are still used.
 * zod is imported here, lazily, so runs without --pricing never load it.
 */
export async function loadPricing(files: string[], base: PriceTable): Promise<LoadedPricing> {
  const problems: Problem[] = [];
  if (files.length === 0) return { table: base, problems };
  const schema = await import('./price-schema.js');
  const { cache, batch } = base.data.modifiers;
  const defaults = {
    cache_write_5m: cache.write_5m,
    cache_write_1h: cache.write_1h,
    cache_read: cache.read,
    batch: batch.multiplier,
  };
  const table = cloneTable(base);
  for (const file of files) {
    const fail = (line: number | null, message: string) =>
      problems.push({ source: { file, line, event: null }, severity: 'error', message });
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      fail(null, `cannot read pricing file: ${readErrorMessage(err)}`);
      continue;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (err) {
      const { line, message } = jsonErrorLine(text, err);
      fail(line, `pricing file is not valid JSON: ${message}`);
      continue;
    }
    const shape = schema.validateFile(raw);
    if (Array.isArray(shape)) {
      for (const issue of shape)
        fail(1, `pricing file${issue.path}: ${issue.message} (expected {"models": {MODEL_ID: {...}}})`);
      continue;
    }
    table.origins.push(file);
    // Undated requests are priced as of the newest table in use.
    if (shape.as_of && shape.as_of > table.as_of) table.as_of = shape.as_of;
    for (const [key, rawEntry] of Object.entries(shape.models)) {
      const line = entryLine(text, key);
      const checked = schema.validateEntry(rawEntry);
      if ('issues' in checked) {
        for (const issue of checked.issues) fail(line, `models["${key}"]${issue.path}: ${issue.message}`);
        continue;
      }
      // A dated id, alias or cloud form overrides the model it names.
      const existing = findPrice(key, table);
      const id = existing?.id ?? canonicalModelId(key);
      const data = schema.normalizeEntry(id, checked.entry, existing?.data ?? null, file, defaults);
      if (!data) {
        fail(
          line,
          `models["${key}"]: a model the built-in table does not have needs \`input\` and \`output\` (or \`prices\`)`,
        );
        continue;
      }
      addModel(table, compileModel(id, data, existing ? `${existing.origin} + ${file}` : file));
    }
  }
  return { table, problems };
}
