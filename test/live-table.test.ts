import { Chalk } from 'chalk';
import { expect, test } from 'vitest';
import { analyzeRecord, computeTotals } from '../src/core/analyze.js';
import type { RequestResult } from '../src/core/types.js';
import { fromMessage } from '../src/decode/records.js';
import { LiveTable } from '../src/report/live-table.js';

const chalk = new Chalk({ level: 0 });

function result(index: number, usage: Record<string, number>): RequestResult {
  const record = fromMessage(
    { type: 'message', id: `m${index}`, model: 'claude-sonnet-5-5', usage },
    {
      file: 'send',
      line: index,
      event: null,
    },
  );
  return analyzeRecord(record, index).result as RequestResult;
}

const hints = { calls: 3, models: ['claude-sonnet-5-5'], labels: ['send:1', 'send:2', 'send:3'] };

test('rows printed one at a time add up to one aligned table', () => {
  const live = new LiveTable({ width: 160, chalk }, hints);
  const a = result(1, { input_tokens: 5, cache_creation_input_tokens: 1200, output_tokens: 9 });
  const b = result(2, { input_tokens: 5, cache_read_input_tokens: 1200, output_tokens: 12_345 });
  const first = live.update([a]);
  const second = live.update([a, b]);
  const rest = live.finish({ requests: [a, b], totals: computeTotals([a, b]), problems: [] });
  // The header comes once, each update adds only its row, the end adds the total and the border.
  expect(first.split('\n').filter((l) => l.includes('Model'))).toHaveLength(1);
  expect(second).toMatch(/^│ 2 │.*│ hit\s+│\n$/);
  expect(rest.split('\n')[0]).toMatch(/^│ Σ │/);
  const lines = (first + second + rest).split('\n').filter((l) => /^[┌│├└]/.test(l));
  expect(lines).toHaveLength(7);
  expect(new Set(lines.map((l) => l.length)).size).toBe(1);
});

test('a narrow terminal gets the compact layout with a shorter status column', () => {
  const wide = new LiveTable({ width: 240, chalk }, hints);
  const narrow = new LiveTable({ width: 140, chalk }, hints);
  const rows = [result(1, { input_tokens: 5, output_tokens: 1 })];
  expect(wide.update(rows)).toContain('Write 5m');
  const text = narrow.update(rows);
  expect(text).not.toContain('Write 5m');
  expect(Math.max(...text.split('\n').map((l) => l.length))).toBe(140);
});

test('a run with no finished call prints nothing', () => {
  const live = new LiveTable({ width: 160, chalk }, hints);
  expect(live.finish({ requests: [], totals: computeTotals([]), problems: [] })).toBe('');
});

test('a run of unknown length sizes rows for one call and draws the totals in a table of their own', () => {
  const open = { calls: null, models: ['claude-sonnet-5-5'], labels: ['proxy:99999'] };
  const live = new LiveTable({ width: 160, chalk }, open);
  const big = { input_tokens: 5, cache_read_input_tokens: 900_000, output_tokens: 1 };
  const rows = Array.from({ length: 12 }, (_, i) => result(i + 1, big));
  const printed = rows.map((_, i) => live.update(rows.slice(0, i + 1)));
  // Each update is the new row only; the # column has room for five digits.
  expect(printed[1]).toMatch(/^│ {5}2 │[^\n]*\n$/);
  const rest = live.finish({ requests: rows, totals: computeTotals(rows), problems: [] });
  const [requests, totals] = rest.split('Totals\n') as [string, string];
  expect(requests).toMatch(/^└[─┴]+┘\n$/);
  // The sum is wider than one call's cells (1,000,000 at most), and shown whole.
  expect(totals).toContain('10,800,000');
  expect(totals).not.toContain('…');
  const lines = printed
    .join('')
    .split('\n')
    .filter((l) => /^[┌│├]/.test(l));
  expect(new Set(lines.map((l) => l.length)).size).toBe(1);
});
