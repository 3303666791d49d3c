import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeChalk } from '../src/report/chalk.js';
import { csvCell, renderCsv } from '../src/report/csv.js';
import { formatInt } from '../src/report/format.js';
import { renderMarkdown } from '../src/report/markdown.js';
import { renderTable } from '../src/report/table.js';
import { reportFrom } from './support/report-from.js';

const FIXTURES = [
  '05-cache-write-then-read-2streams.sse',
  'message-partial-mixed-ttl.json',
  'message-below-minimum.json',
  'stream-web-search-delta-raises-input.sse',
  'stream-error-event.sse',
  'batch-results-mixed.jsonl',
  '06-compaction-iterations.json',
];

describe('formatInt', () => {
  it('writes every number as Intl en-US does, whole numbers without asking Intl', () => {
    const intl = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
    const numbers = fc.oneof(
      fc.integer({ min: -1e7, max: 1e7 }),
      fc.maxSafeInteger(),
      fc.integer({ min: -999, max: 999 }).map((n) => n * 1000),
      fc.double({ noNaN: true }),
      fc.constantFrom(0, -0, 999, 1000, -1000, Number.MAX_SAFE_INTEGER, 2 ** 53, 1e21),
    );
    fc.assert(
      fc.property(numbers, (n) => {
        expect(formatInt(n)).toBe(intl.format(n));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('renderers', () => {
  it('draws the full table on a wide terminal', async () => {
    const text = renderTable(await reportFrom(FIXTURES), { width: 220, chalk: makeChalk(0) });
    await expect(text).toMatchFileSnapshot('__snapshots__/table-wide.txt');
    expect(text).toContain('Write 1h');
  });

  it('switches to the compact layout on a narrow terminal', async () => {
    const text = renderTable(await reportFrom(FIXTURES), { width: 80, chalk: makeChalk(0) });
    await expect(text).toMatchFileSnapshot('__snapshots__/table-narrow.txt');
    expect(text).not.toContain('Write 1h');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting there is no ANSI escape
    expect(text).not.toMatch(/\u001b\[/);
  });

  it('measures the full layout exactly: kept at its own width, dropped one column narrower', async () => {
    for (const names of [FIXTURES, ['11-cache-read.json']]) {
      const report = await reportFrom(names);
      const chalk = makeChalk(0);
      const requests = (text: string) => text.slice(0, text.indexOf('└') + 1);
      const full = requests(renderTable(report, { width: 10_000, chalk, layout: 'full' }));
      const width = Math.max(...full.split('\n').map((l) => l.length));
      expect(requests(renderTable(report, { width, chalk }))).toBe(full);
      const narrower = requests(renderTable(report, { width: width - 1, chalk }));
      expect(narrower).toBe(requests(renderTable(report, { width: width - 1, chalk, layout: 'compact' })));
      expect(narrower).not.toBe(full);
    }
  });

  it('colours the cache status when colour is on', async () => {
    const text = renderTable(await reportFrom(['11-cache-read.json']), { width: 220, chalk: makeChalk(1) });
    expect(text).toContain('\u001b[32mhit');
  });

  it('writes Markdown and CSV', async () => {
    const report = await reportFrom(FIXTURES);
    await expect(renderMarkdown(report)).toMatchFileSnapshot('__snapshots__/report.md');
    const csv = renderCsv(report).split('\r\n');
    expect(csv[0]).toMatch(/^index,file,line,event,label/);
    expect(csv).toHaveLength(report.requests.length + 2);
  });

  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['=SUM(A1)', "'=SUM(A1)"],
    [12, '12'],
    [null, ''],
  ] as const)('quotes CSV cell %j as %s', (value, out) => {
    expect(csvCell(value)).toBe(out);
  });
});
