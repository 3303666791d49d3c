import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { noChecks } from '../src/checks/check-options.js';
import { evaluateChecks } from '../src/checks/evaluate.js';
import type { Report } from '../src/core/types.js';
import { diagnoseBreaks } from '../src/diagnose/breaks.js';
import {
  ANNOTATIONS_PER_LEVEL,
  escapeData,
  escapeProperty,
  fitSummary,
  formatAnnotation,
  reportAnnotations,
} from '../src/report/github.js';
import { renderJunit, xmlAttr, xmlText } from '../src/report/junit.js';
import { renderMarkdown } from '../src/report/markdown.js';
import { reportFrom } from './support/report-from.js';

// htmlEntities: decode character references (&#10;), which every conforming XML parser does.
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  htmlEntities: true,
  isArray: (name) => name === 'testcase',
});

async function failingReport(): Promise<Report> {
  const report = await reportFrom(['breaks/system-changed.jsonl', 'breaks/ttl-expired-5m.jsonl']);
  const withBreaks = { ...report, breaks: diagnoseBreaks(report.requests) };
  return {
    ...withBreaks,
    checks: evaluateChecks(withBreaks, {
      ...noChecks(),
      minHitRate: 0.5,
      maxOutputTokens: 500,
      noCacheBreaks: true,
    }),
  };
}

describe('JUnit XML', () => {
  it('has one testcase per assertion and per break, with counts a parser reads back', async () => {
    const xml = renderJunit(await failingReport(), { breaksFail: true });
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = parser.parse(xml);
    const suite = doc.testsuites.testsuite;
    expect(doc.testsuites).toMatchObject({ name: 'usage-inspect', tests: '6', failures: '4', errors: '0' });
    expect(suite).toMatchObject({ tests: '6', failures: '4', errors: '0' });
    const cases = suite.testcase as { name: string; classname: string; failure?: { type: string } }[];
    expect(cases.map((c) => [c.classname, c.name, c.failure?.type ?? 'passed'])).toEqual([
      ['usage-inspect.input', 'inputs are readable and report usage', 'passed'],
      ['usage-inspect.checks', 'min-hit-rate', 'min-hit-rate'],
      ['usage-inspect.checks', 'max-output-tokens', 'passed'],
      ['usage-inspect.checks', 'no-cache-breaks', 'no-cache-breaks'],
      ['usage-inspect.cache-breaks', 'request #2 vs #1', 'system_changed'],
      ['usage-inspect.cache-breaks', 'request #4 vs #3', 'ttl_expired_5m'],
    ]);
  });

  it('leaves breaks out when they do not fail the run', async () => {
    const doc = parser.parse(renderJunit(await failingReport(), { breaksFail: false }));
    expect(doc.testsuites.tests).toBe('4');
  });

  it('reports unusable input as an error testcase, agreeing with exit code 2', async () => {
    const report = await failingReport();
    const broken: Report = {
      ...report,
      problems: [
        { source: { file: 'in.jsonl', line: 3, event: null }, severity: 'error', message: 'not JSON' },
      ],
    };
    const doc = parser.parse(renderJunit(broken, { breaksFail: false }));
    expect(doc.testsuites.errors).toBe('1');
    const input = doc.testsuites.testsuite.testcase[0];
    expect(input.error).toMatchObject({
      type: 'bad_input',
      message: '1 input errors',
      '#text': 'in.jsonl:3: error: not JSON',
    });
  });

  it('escapes markup, quotes, newlines and characters XML cannot hold', async () => {
    const nasty = 'a <b> & "c" \'d\'\nline2\ttab \u0001bell \uD800lone ]]> 💸';
    const report = await failingReport();
    const checks = (report.checks ?? []).map((c) => ({ ...c, name: nasty, message: nasty }));
    const xml = renderJunit({ ...report, checks }, { breaksFail: false });
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = parser.parse(xml);
    const failed = doc.testsuites.testsuite.testcase[1];
    const expected = 'a <b> & "c" \'d\'\nline2\ttab \uFFFDbell \uFFFDlone ]]> 💸';
    expect(failed.name).toBe(expected);
    expect(failed.failure.message).toBe(expected);
    expect(failed.failure['#text']).toContain('a <b> & "c"');
  });

  it.each([
    ['<&>', '&lt;&amp;&gt;', '&lt;&amp;&gt;'],
    ['"\'', '"\'', '&quot;&apos;'],
    ['\n\t\r', '\n\t\r', '&#10;&#9;&#13;'],
    ['\u0000\u001f\uFFFE', '\uFFFD\uFFFD\uFFFD', '\uFFFD\uFFFD\uFFFD'],
  ])('escapes %j for text and attributes', (input, text, attr) => {
    expect(xmlText(input)).toBe(text);
    expect(xmlAttr(input)).toBe(attr);
  });
});

describe('GitHub annotations', () => {
  it.each([
    ['50% done', '50%25 done', '50%25 done'],
    ['a\r\nb', 'a%0D%0Ab', 'a%0D%0Ab'],
    ['key: a, b', 'key: a, b', 'key%3A a%2C b'],
    ['%0A literal', '%250A literal', '%250A literal'],
  ])('escapes %j as data and as a property', (input, data, property) => {
    expect(escapeData(input)).toBe(data);
    expect(escapeProperty(input)).toBe(property);
  });

  it('formats a workflow command with file, line and title', () => {
    expect(
      formatAnnotation({
        level: 'error',
        title: 'usage-inspect: x',
        message: 'line1\nline2',
        file: 'dir/a,b.jsonl',
        line: 3,
      }),
    ).toBe('::error file=dir/a%2Cb.jsonl,line=3,title=usage-inspect%3A x::line1%0Aline2');
  });

  it('annotates failed checks and breaks; breaks are errors only under --no-cache-breaks', async () => {
    const report = await failingReport();
    const lines = reportAnnotations(report, true);
    expect(lines).toEqual([
      expect.stringMatching(
        /^::error title=usage-inspect%3A min-hit-rate failed::hit rate 0\.0%25 over 3 requests/,
      ),
      expect.stringMatching(/^::error title=usage-inspect%3A no-cache-breaks failed::2 cache breaks/),
      expect.stringMatching(
        /^::error file=breaks\/system-changed\.jsonl,line=2,title=usage-inspect%3A cache break \(system_changed\)::request #2 vs #1: read 0 of 6,000 cached tokens/,
      ),
      expect.stringMatching(/^::error file=breaks\/ttl-expired-5m\.jsonl,line=2,.*ttl_expired_5m/),
    ]);
    const warnings = reportAnnotations({ ...report, checks: [] }, false);
    expect(warnings.every((l) => l.startsWith('::warning '))).toBe(true);
    expect(warnings).toHaveLength(2);
  });

  it('keeps within 10 annotations per level, the last one counting the rest', async () => {
    const report = await failingReport();
    const problems = Array.from({ length: 25 }, (_, i) => ({
      source: { file: 'in.jsonl', line: i + 1, event: null },
      severity: 'error' as const,
      message: `bad line ${i + 1}`,
    }));
    const lines = reportAnnotations({ ...report, checks: [], breaks: [], problems }, true);
    expect(lines).toHaveLength(ANNOTATIONS_PER_LEVEL);
    expect(lines.at(-1)).toBe(
      '::error title=usage-inspect%3A 16 more::16 more errors; see the log and the step summary',
    );
  });
});

describe('step summary size', () => {
  it('drops request rows to fit the budget, and says so', async () => {
    const report = await reportFrom(['recording-cache-hits.jsonl', 'breaks/system-changed.jsonl']);
    const render = (maxRequestRows?: number) =>
      renderMarkdown(report, maxRequestRows === undefined ? {} : { maxRequestRows });
    const full = render();
    const budget = Buffer.byteLength(full) - 10;
    const fitted = fitSummary(render, report.requests.length, budget);
    expect(Buffer.byteLength(fitted)).toBeLessThanOrEqual(budget);
    expect(fitted).toContain('1 more listed requests left out to fit; the totals cover all of them.');
    expect(fitted).toContain('**Total: 5 requests**');
  });

  it('cuts at a UTF-8 boundary when even no rows fit', () => {
    const render = () => `${'é'.repeat(100)}\n`;
    const fitted = fitSummary(render, 0, 120);
    expect(Buffer.byteLength(fitted)).toBeLessThanOrEqual(120);
    expect(fitted).not.toContain('\uFFFD');
    expect(fitted).toContain('cut to fit the 1 MiB step summary limit');
    expect(fitSummary(render, 0, 10)).toBe('');
  });
});
