import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: plain JavaScript generator shared with the benchmark
import { generateClaudeCode } from '../bench/generate.mjs';
import { parseJson } from './support/report-schema.js';
import { fixture, ROOT, runCli } from './support/run-cli.js';

describe('usage-inspect inspect (end to end)', () => {
  it('groups totals by session, day or not at all (--group-by)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ui-groups-'));
    // Three transcripts, one session each, written about a day apart.
    await generateClaudeCode(dir, 150_000, 3);
    const grouped = async (by: string) => {
      const run = await runCli(['inspect', dir, '--group-by', by, '--format', 'json']);
      expect(run.code).toBe(0);
      return parseJson(run.stdout);
    };
    const sessions = await grouped('session');
    expect(sessions.group_by).toBe('session');
    expect(sessions.groups.map((g: { key: string }) => g.key).sort()).toEqual([
      '00000-bench-session',
      '00001-bench-session',
      '00002-bench-session',
    ]);
    const days = await grouped('day');
    expect(days.groups.length).toBeGreaterThan(1);
    for (const report of [sessions, days]) {
      for (const g of report.groups) expect(g.key).toMatch(/bench-session$|^\d{4}-\d{2}-\d{2}$/);
      const sum = report.groups.reduce((n: number, g: { requests: number }) => n + g.requests, 0);
      expect(sum).toBe(report.totals.requests);
    }
    const none = await grouped('none');
    expect(none.groups).toBeUndefined();
    expect(none.totals).toEqual(sessions.totals);
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads a named pipe given as a file, as from <(…), the same as the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ui-fifo-'));
    const fifo = join(dir, 'in.sse');
    execFileSync('mkfifo', [fifo]);
    const source = fixture('05-cache-write-then-read-2streams.sse');
    const writer = spawn('sh', ['-c', 'cat "$1" > "$2"', 'sh', source, fifo]);
    const [piped, direct] = await Promise.all([
      runCli(['inspect', fifo, '--format', 'json']),
      runCli(['inspect', source, '--format', 'json']),
    ]);
    writer.kill();
    rmSync(dir, { recursive: true, force: true });
    expect(piped.code).toBe(0);
    expect(parseJson(piped.stdout).totals).toEqual(parseJson(direct.stdout).totals);
  });

  it('prints a table for a file and exits 0', async () => {
    const run = await runCli(['inspect', fixture('02-cache-write-1h-stream.sse')]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/claude-sonnet-4-6.*3,913.*write/);
  });

  it('reads piped stdin with no command at all', async () => {
    const run = await runCli([], { stdin: readFileSync(fixture('11-cache-read.json')) });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/2,055.*99\.5%.*hit/);
  });

  it('reads stdin given as -', async () => {
    const run = await runCli(['inspect', '-', '--format', 'json'], {
      stdin: readFileSync(fixture('stream-events.ndjson')),
    });
    const doc = parseJson(run.stdout);
    expect(doc.requests.map((r: { source: { file: string } }) => r.source.file)).toEqual([
      '<stdin>',
      '<stdin>',
    ]);
  });

  it('prints only schema-valid JSON on stdout, with every documented field', async () => {
    const run = await runCli([
      'inspect',
      '--format',
      'json',
      fixture('06-compaction-iterations.json'),
      fixture('02-cache-write-1h-stream.sse'),
    ]);
    expect(run.code).toBe(0);
    const doc = parseJson(run.stdout);
    expect(doc.schema_version).toBe(1);
    const [compaction, stream] = doc.requests;
    expect(compaction.usage.input_tokens).toBe(682);
    expect(compaction.billed_usage.input_tokens).toBe(61067);
    expect(
      compaction.iterations.map((i: { type: string; in_top_level: boolean }) => [i.type, i.in_top_level]),
    ).toEqual([
      ['compaction', false],
      ['message', true],
    ]);
    expect(stream.usage.cache_creation).toEqual({
      ephemeral_5m_input_tokens: 0,
      ephemeral_1h_input_tokens: 3913,
    });
    expect(stream.cache).toEqual({ status: 'write', hit_rate: 0, minimum_cacheable_tokens: 1024 });
    expect(doc.totals.billed_usage.total_input_tokens).toBe(61067 + 13 + 3913);
  });

  it('shows a TTL split the input does not give as unknown, not 0', async () => {
    const run = await runCli([
      'inspect',
      '--format',
      'json',
      fixture('05-cache-write-then-read-2streams.sse'),
    ]);
    const doc = parseJson(run.stdout);
    expect(doc.requests[0].usage.cache_creation).toEqual({
      ephemeral_5m_input_tokens: null,
      ephemeral_1h_input_tokens: null,
    });
    expect(doc.requests[0].usage.cache_creation_unknown_ttl_tokens).toBe(1165);
    const table = await runCli(['inspect', fixture('05-cache-write-then-read-2streams.sse')], {
      env: { COLUMNS: '220' },
    });
    expect(table.stdout).toMatch(/│\s+\?\s+│\s+\?\s+│\s+1,165/);
    expect(table.stdout).toContain('does not give the 5m/1h split of 1,165');
  });

  it('keeps one Claude Code entry per message id and request id, the most complete', async () => {
    const run = await runCli(['inspect', '--format', 'json', fixture('claude-code')]);
    const doc = parseJson(run.stdout);
    expect(
      doc.requests.map((r: { id: string; usage: { output_tokens: number } }) => [
        r.id,
        r.usage.output_tokens,
      ]),
    ).toEqual([
      ['msg_01CcFirst', 412],
      ['msg_01CcSecond', 97],
    ]);
    expect(doc.totals.usage.output_tokens).toBe(509);
  });

  it('lists batch results that did not succeed without usage', async () => {
    const run = await runCli(['inspect', '--format', 'json', fixture('batch-results-mixed.jsonl')]);
    const doc = parseJson(run.stdout);
    expect(doc.requests.map((r: { label: string; status: string }) => `${r.label}:${r.status}`)).toEqual([
      'greeting-1:ok',
      'greeting-2:error',
      'greeting-3:error',
      'greeting-4:error',
      'greeting-5:ok',
    ]);
    expect(doc.totals.requests_with_usage).toBe(2);
  });

  it('writes NDJSON, CSV and Markdown', async () => {
    const nd = await runCli(['inspect', '--format', 'ndjson', fixture('messages.jsonl')]);
    const lines = nd.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.type)).toEqual(['request', 'request', 'request', 'request', 'totals']);
    const csv = await runCli(['inspect', '--format', 'csv', fixture('messages.jsonl')]);
    expect(csv.stdout.split('\r\n')[1]).toMatch(
      // …then cost, without cache, savings, priced, confirmed: 8 × $3 + 1,800 × $3.75 + 30 × $15 (Sonnet 4.6)
      /^1,.*messages\.jsonl,1,,,msg_01L1,,claude-sonnet-4-6,ok,,8,1800,0,0,1800,0,1808,30,,0,write,0,0\.007224,0\.005874,-0\.00135,true,true$/,
    );
    const md = await runCli(['inspect', '--format', 'markdown', fixture('messages.jsonl')]);
    expect(md.stdout).toMatch(/^## Requests\n\n\| # \| Source/);
  });

  it('names the file and line of bad input, reads the rest, and exits 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ui-'));
    const file = join(dir, 'mixed.jsonl');
    writeFileSync(
      file,
      [
        '{"type":"message","id":"m1","model":"claude-sonnet-4-6","usage":{"input_tokens":1,"output_tokens":2}}',
        '{"type":"message","id":"m2","model":"claude-sonnet-4-6","usage":{"input_tokens":-5,"output_tokens":2}}',
        '{not json',
        '{"type":"message","id":"m3","model":"claude-sonnet-4-6","usage":{"input_tokens":3,"output_tokens":4}}',
      ].join('\n'),
    );
    const run = await runCli(['inspect', '--format', 'json', file]);
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout).requests.map((r: { id: string }) => r.id)).toEqual(['m1', 'm3']);
    expect(run.stderr).toContain(`${file}:2: error: usage.input_tokens is -5`);
    expect(run.stderr).toContain(`${file}:3: error: invalid JSON`);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    const strict = await runCli(['inspect', '--strict', '--format', 'json', file]);
    expect(strict.code).toBe(2);
    expect(JSON.parse(strict.stdout).requests.map((r: { id: string }) => r.id)).toEqual(['m1']);
  });

  it('reports missing, unreadable and folder inputs and still reads the others', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ui-'));
    const locked = join(dir, 'locked.json');
    writeFileSync(locked, '{}');
    chmodSync(locked, 0o000);
    const run = await runCli(['inspect', join(dir, 'nope.json'), fixture('11-cache-read.json'), dir]);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('2,055');
    expect(run.stderr).toContain(`${join(dir, 'nope.json')}: error: no such file or folder`);
  });

  it('reads a folder in code-unit order of names, subfolders in place, whatever the locale', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ui-order-'));
    const message = readFileSync(fixture('11-cache-read.json'), 'utf8');
    // Code-unit order: 'B' < 'Z' < '_' < 'a' < '~'; a locale's collation would put '_' and '~' first and
    // 'a' before 'B'. (ASCII names: some file systems store accented names decomposed.)
    for (const name of ['~.json', 'a.json', '_.json', 'B.json', 'Z/inner.json']) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), message);
    }
    for (const LANG of ['C', 'en_US.UTF-8', 'sv_SE.UTF-8']) {
      const run = await runCli(['inspect', dir, '--format', 'json'], { env: { LANG, LC_ALL: LANG } });
      expect(run.code).toBe(0);
      const files = JSON.parse(run.stdout).requests.map((r: { source: { file: string } }) =>
        relative(dir, r.source.file),
      );
      expect(files).toEqual(['B.json', join('Z', 'inner.json'), '_.json', 'a.json', '~.json']);
    }
  });

  it('says "no usage found" and exits 2 when nothing has usage', async () => {
    const run = await runCli(['inspect'], {
      stdin: '{"type":"user","message":{"role":"user","content":"hi"},"sessionId":"s"}\n',
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no usage found');
    expect(run.stdout).toBe('');
  });

  it('warns about a truncated stream but still reports it as incomplete', async () => {
    const run = await runCli(['inspect', fixture('stream-truncated.sse')]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('hit (incomplete)');
    expect(run.stderr).toMatch(
      /stream-truncated\.sse:1 \(event 1\): warning: stream ended before message_stop/,
    );
  });

  it('forces an input format and rejects an unknown one', async () => {
    const run = await runCli(['inspect', '--input-format', 'sse', fixture('11-cache-read.json')]);
    expect(run.code).toBe(2);
    const bad = await runCli(['inspect', '--input-format', 'yaml', fixture('11-cache-read.json')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("argument 'yaml' is invalid");
  });

  it('honours colour flags and environment', async () => {
    const file = fixture('11-cache-read.json');
    expect((await runCli([file])).stdout).not.toContain('\u001b[');
    expect((await runCli([file], { env: { NO_COLOR: undefined, FORCE_COLOR: '1' } })).stdout).toContain(
      '\u001b[32mhit',
    );
    expect(
      (await runCli([file, '--no-color'], { env: { NO_COLOR: undefined, FORCE_COLOR: '1' } })).stdout,
    ).not.toContain('\u001b[');
    expect((await runCli([file, '--color'])).stdout).toContain('\u001b[');
  });

  it('prints its version and help', async () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    const v = await runCli(['--version']);
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toBe(pkg.version);
    const help = await runCli(['inspect', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--input-format');
  });
});
