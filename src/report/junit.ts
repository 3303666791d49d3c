import type { Report } from '../core/types.js';
import { breakLine } from './ci-text.js';
import { formatProblem } from './format.js';

/**
 * Characters XML 1.0 cannot carry even as references (most C0 controls, lone surrogates, U+FFFE/FFFF):
 * https://www.w3.org/TR/xml/#charsets. They become U+FFFD rather than making the file unreadable.
 */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function xmlText(s: string): string {
  return s.replace(NOT_XML_CHAR, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Attribute values also escape quotes, and whitespace that attribute normalization would turn into spaces. */
export function xmlAttr(s: string): string {
  return xmlText(s)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;');
}

interface TestCase {
  classname: string;
  name: string;
  failure?: { tag: 'failure' | 'error'; type: string; message: string; body: string };
  output?: string;
}

function attrs(pairs: Record<string, string | number>): string {
  return Object.entries(pairs)
    .map(([k, v]) => ` ${k}="${xmlAttr(String(v))}"`)
    .join('');
}

function testcaseXml(t: TestCase): string {
  const open = `    <testcase${attrs({ classname: t.classname, name: t.name, time: 0 })}`;
  const inner: string[] = [];
  if (t.failure) {
    const f = t.failure;
    inner.push(`      <${f.tag}${attrs({ type: f.type, message: f.message })}>${xmlText(f.body)}</${f.tag}>`);
  }
  if (t.output) inner.push(`      <system-out>${xmlText(t.output)}</system-out>`);
  return inner.length === 0 ? `${open}/>` : [`${open}>`, ...inner, '    </testcase>'].join('\n');
}

function inputCase(report: Report): TestCase {
  const errors = report.problems.filter((p) => p.severity === 'error');
  const noUsage = report.totals.requests_with_usage === 0;
  const base = { classname: 'usage-inspect.input', name: 'inputs are readable and report usage' };
  if (errors.length === 0 && !noUsage) {
    return { ...base, output: `${report.totals.requests_with_usage} requests with usage` };
  }
  const message = noUsage && errors.length === 0 ? 'no usage found' : `${errors.length} input errors`;
  return {
    ...base,
    failure: {
      tag: 'error',
      type: 'bad_input',
      message,
      body: report.problems.map(formatProblem).join('\n'),
    },
  };
}

/**
 * JUnit XML as CI systems read it (Jenkins, GitLab, GitHub test reporters): one testcase per assertion,
 * one per cache break when breaks fail the run, and one for the input itself so that the file agrees
 * with exit code 2. Suite and case counts follow the de-facto schema of the Ant JUnit task.
 */
export function renderJunit(report: Report, options: { breaksFail: boolean }): string {
  const cases: TestCase[] = [inputCase(report)];
  for (const c of report.checks ?? []) {
    cases.push({
      classname: 'usage-inspect.checks',
      name: c.name,
      ...(c.passed
        ? { output: c.message }
        : {
            failure: {
              tag: 'failure' as const,
              type: c.name,
              message: c.message,
              body: `actual: ${c.actual ?? 'n/a'}\nexpected: ${c.expected}\n${c.message}`,
            },
          }),
    });
  }
  if (options.breaksFail) {
    for (const b of report.breaks ?? []) {
      cases.push({
        classname: 'usage-inspect.cache-breaks',
        name: `request #${b.index} vs #${b.previous_index}`,
        failure: { tag: 'failure', type: b.cause, message: `${b.cause}: ${b.detail}`, body: breakLine(b) },
      });
    }
  }
  const failures = cases.filter((c) => c.failure?.tag === 'failure').length;
  const errors = cases.filter((c) => c.failure?.tag === 'error').length;
  const counts = { tests: cases.length, failures, errors };
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({ name: 'usage-inspect', ...counts, time: 0 })}>`,
    `  <testsuite${attrs({ name: 'usage-inspect', ...counts, skipped: 0, time: 0 })}>`,
    ...cases.map(testcaseXml),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
