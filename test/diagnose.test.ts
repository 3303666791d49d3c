import { describe, expect, it } from 'vitest';
import { analyzeRecord } from '../src/core/analyze.js';
import type { BreakCause, DecodedRecord, RequestResult } from '../src/core/types.js';
import { diagnoseBreaks } from '../src/diagnose/breaks.js';
import { comparePrefixes, describeDifference } from '../src/diagnose/prefix-diff.js';
import { promptPrefix } from '../src/diagnose/prompt-blocks.js';
import { expiry, formatGap, writtenTtl } from '../src/diagnose/ttl.js';
import { zeroCounts } from '../src/extract/token-counts.js';
import { reportFrom } from './support/report-from.js';

const bp = { cache_control: { type: 'ephemeral' } };

/** A request body: two tools, a two-block system prompt with a breakpoint, and the given messages. */
function body(overrides: Record<string, unknown> = {}, messages?: unknown[]) {
  return {
    model: 'claude-sonnet-4-5',
    max_tokens: 100,
    tools: [
      { name: 'get_order', description: 'Look up an order.', input_schema: { type: 'object' } },
      { name: 'refund', description: 'Refund an order.', input_schema: { type: 'object' } },
    ],
    system: [
      { type: 'text', text: 'You are a support assistant.' },
      { type: 'text', text: 'Policy: 30 days.', ...bp },
    ],
    messages: messages ?? [
      { role: 'user', content: [{ type: 'text', text: 'Where is order 1042?', ...bp }] },
    ],
    ...overrides,
  };
}

function compare(before: unknown, after: unknown) {
  const a = promptPrefix(before);
  const b = promptPrefix(after);
  if (!a || !b) throw new Error('not a Messages request');
  return comparePrefixes(a, b);
}

const grown = [
  { role: 'user', content: [{ type: 'text', text: 'Where is order 1042?' }] },
  { role: 'assistant', content: [{ type: 'text', text: 'It ships Friday.' }] },
  { role: 'user', content: [{ type: 'text', text: 'Thanks', ...bp }] },
];

describe('prefix comparison', () => {
  it.each([
    [
      'a tool description',
      body({
        tools: [
          { name: 'get_order', description: 'Look up an order.', input_schema: { type: 'object' } },
          { name: 'refund', description: 'Refund it.', input_schema: { type: 'object' } },
        ],
      }),
      'tools_changed',
      'tools[1].description changed (tool refund)',
    ],
    [
      'a removed tool',
      body({
        tools: [{ name: 'get_order', description: 'Look up an order.', input_schema: { type: 'object' } }],
      }),
      'tools_changed',
      'tools[1] removed (tool refund)',
    ],
    ['tool_choice', body({ tool_choice: { type: 'any' } }), 'system_changed', 'tool_choice changed'],
    ['speed', body({ speed: 'fast' }), 'system_changed', 'speed changed'],
    [
      'an image added',
      body({}, [
        {
          role: 'user',
          content: [
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
            { type: 'text', text: 'Where is order 1042?', ...bp },
          ],
        },
      ]),
      'system_changed',
      'images added to the prompt (this invalidates the system cache)',
    ],
    [
      'a system text',
      body({
        system: [
          { type: 'text', text: 'You are a support assistant.' },
          { type: 'text', text: 'Policy: 14 days.', ...bp },
        ],
      }),
      'system_changed',
      'system[1].text changed',
    ],
    [
      'a system string given as blocks',
      body({ system: 'Be brief.' }),
      'system_changed',
      'system[0].text changed',
    ],
    [
      'thinking',
      body({ thinking: { type: 'enabled', budget_tokens: 2048 } }),
      'messages_changed',
      'thinking changed',
    ],
    [
      'a message text',
      body({}, [{ role: 'user', content: [{ type: 'text', text: 'Where is order 1043?', ...bp }] }]),
      'messages_changed',
      'messages[0].content[0].text changed',
    ],
    [
      'a message role',
      body({}, [{ role: 'assistant', content: [{ type: 'text', text: 'Where is order 1042?', ...bp }] }]),
      'messages_changed',
      'messages[0].role changed',
    ],
    [
      'key order inside a tool schema',
      body({
        tools: [
          { name: 'get_order', input_schema: { type: 'object' }, description: 'Look up an order.' },
          { name: 'refund', description: 'Refund an order.', input_schema: { type: 'object' } },
        ],
      }),
      'tools_changed',
      'tools[0] key order changed (tool get_order)',
    ],
  ] as const)('names %s', (_what, after, cause, detail) => {
    expect(compare(body(), after)).toEqual({ cause, detail, kind: 'changed' });
  });

  it('sees a grown conversation with a moved breakpoint as the same prefix', () => {
    expect(compare(body(), body({}, grown))).toBeNull();
  });

  it('ignores differences after the last breakpoint of the earlier request', () => {
    const before = body({}, [
      { role: 'user', content: [{ type: 'text', text: 'cached', ...bp }] },
      { role: 'assistant', content: [{ type: 'text', text: 'not cached' }] },
    ]);
    const after = body({}, [
      { role: 'user', content: [{ type: 'text', text: 'cached', ...bp }] },
      { role: 'assistant', content: [{ type: 'text', text: 'changed, but never cached' }] },
    ]);
    expect(compare(before, after)).toBeNull();
  });

  it('reports a request that has no breakpoint left', () => {
    const after = body(
      {
        system: [
          { type: 'text', text: 'You are a support assistant.' },
          { type: 'text', text: 'Policy: 30 days.' },
        ],
      },
      [{ role: 'user', content: [{ type: 'text', text: 'Where is order 1042?' }] }],
    );
    // The changed system block is the cache_control marker only, which is not content.
    expect(compare(body(), after)).toEqual({
      cause: 'unknown',
      detail: 'the request has no cache_control breakpoint',
      kind: 'breakpoints',
    });
  });

  it('reports a breakpoint more than 20 blocks past the cached one (the lookback window)', () => {
    const many = Array.from({ length: 12 }, (_, i) => [
      { role: 'user', content: [{ type: 'text', text: i === 0 ? 'Where is order 1042?' : `q${i}` }] },
      { role: 'assistant', content: [{ type: 'text', text: `a${i}` }] },
    ]).flat();
    const last = many.at(-1) as { content: Record<string, unknown>[] };
    last.content = [{ type: 'text', text: 'a11', ...bp }];
    const found = compare(body(), body({}, many));
    expect(found?.cause).toBe('unknown');
    expect(found?.detail).toMatch(/no breakpoint within 20 blocks after messages\[0\]\.content\[0\]/);
    // Within 20 blocks the same prefix is found.
    expect(
      compare(
        body(),
        body({}, many.slice(0, 19).concat([{ role: 'user', content: [{ type: 'text', text: 'x', ...bp }] }])),
      ),
    ).toBeNull();
  });

  it('treats top-level cache_control (automatic caching) as a breakpoint on the last block', () => {
    const auto = (messages: unknown[]) => ({
      ...body({}, messages),
      system: 'Be brief.',
      cache_control: { type: 'ephemeral' },
    });
    const plain = [{ role: 'user', content: 'hello' }];
    expect(
      compare(
        auto(plain),
        auto([...plain, { role: 'assistant', content: 'hi' }, { role: 'user', content: 'more' }]),
      ),
    ).toBeNull();
    expect(compare(auto(plain), auto([{ role: 'user', content: 'hello!' }]))?.detail).toBe(
      'messages[0].content changed',
    );
  });

  it.each([
    [{ a: 1 }, { a: 2 }, '.a changed'],
    [{ a: 1 }, { b: 1 }, '.a removed'],
    [{ a: 1 }, { a: 1, b: 2 }, '.b added'],
    [{ a: [1, 2] }, { a: [1] }, '.a[1] removed'],
    [{ a: { b: 1, c: 2 } }, { a: { c: 2, b: 1 } }, '.a key order changed'],
  ])('describes the first difference of %j and %j as %s', (a, b, out) => {
    expect(describeDifference(a, b)).toBe(out);
  });

  it('returns null for a body that is not a Messages request', () => {
    expect(promptPrefix({ prompt: 'x' })).toBeNull();
    expect(promptPrefix(null)).toBeNull();
  });
});

describe('TTL', () => {
  const counts = (m5: number | null, h1: number | null, unknown = 0) => ({
    ...zeroCounts(),
    cache_creation_input_tokens: (m5 ?? 0) + (h1 ?? 0) + unknown,
    cache_creation: { ephemeral_5m_input_tokens: m5, ephemeral_1h_input_tokens: h1 },
    cache_creation_unknown_ttl_tokens: unknown,
  });

  it.each([
    [counts(100, 0), { ttl: '5m', assumption: null }],
    [counts(0, 100), { ttl: '1h', assumption: null }],
    [counts(50, 50), { ttl: 'mixed', assumption: null }],
    [counts(0, 0), null],
  ] as const)('reads the TTL written from the cache_creation split', (c, out) => {
    expect(writtenTtl(c)).toEqual(out);
  });

  it('assumes the 5-minute default when the split is missing, and says so', () => {
    const found = writtenTtl(counts(null, null, 900));
    expect(found?.ttl).toBe('5m');
    expect(found?.assumption).toMatch(/5m assumed/);
    expect(expiry(found ?? { ttl: '5m', assumption: null }, 301)?.detail).toMatch(/5m assumed/);
  });

  it.each([
    ['5m', 300, null],
    ['5m', 301, 'ttl_expired_5m'],
    ['5m', 4000, 'ttl_expired_5m'],
    ['1h', 3000, null],
    ['1h', 3601, 'ttl_expired_1h'],
    ['mixed', 600, 'ttl_expired_5m'],
    ['mixed', 3601, 'ttl_expired_1h'],
  ] as const)('a %s entry after %is: %s', (ttl, gap, cause) => {
    expect(expiry({ ttl, assumption: null }, gap)?.cause ?? null).toBe(cause);
  });

  it.each([
    [59, '59s'],
    [450, '7m30s'],
    [4500, '1h15m'],
  ])('formats a gap of %is as %s', (s, out) => {
    expect(formatGap(s)).toBe(out);
  });
});

describe('cache breaks on fixture sequences', () => {
  it.each([
    ['breaks/tools-changed.jsonl', 'tools_changed', 'tools[1].description changed (tool refund)'],
    ['breaks/system-changed.jsonl', 'system_changed', 'system[1].text changed'],
    ['breaks/messages-changed.jsonl', 'messages_changed', 'messages[0].content[0].text changed'],
    [
      'breaks/model-changed.jsonl',
      'model_changed',
      'model changed from claude-sonnet-4-5-20250929 to claude-opus-4-5-20251101; each model has its own cache',
    ],
    [
      'breaks/ttl-expired-5m.jsonl',
      'ttl_expired_5m',
      '7m30s after the previous request, past the 5-minute TTL',
    ],
    [
      'breaks/ttl-expired-1h.jsonl',
      'ttl_expired_1h',
      '1h15m after the previous request, past the 1-hour TTL',
    ],
    [
      'breaks/claude-code-ttl-expired-1h.jsonl',
      'ttl_expired_1h',
      '1h19m after the previous request, past the 1-hour TTL',
    ],
    [
      'breaks/claude-code-below-minimum.jsonl',
      'below_minimum',
      "the prompt (3900 tokens) is shorter than the model's minimum cacheable length (4096)",
    ],
    [
      'breaks/likely-server-side.jsonl',
      'likely_server_side',
      'same cached prefix, a breakpoint in reach, 30s after the previous request, within the 5-minute TTL',
    ],
    [
      'breaks/claude-code-unknown.jsonl',
      'unknown',
      'no request bodies to compare; 1m04s after the previous request, within the 5-minute TTL',
    ],
  ] as const)('%s: %s', async (file, cause, detail) => {
    const report = await reportFrom([file]);
    const breaks = diagnoseBreaks(report.requests);
    expect(breaks).toHaveLength(1);
    expect(breaks[0]).toMatchObject({ index: 2, previous_index: 1, cause, causes: [cause], detail });
  });

  it('reports the tokens lost and written again', async () => {
    const [messages] = diagnoseBreaks((await reportFrom(['breaks/messages-changed.jsonl'])).requests);
    expect(messages).toMatchObject({
      previous_cached_tokens: 6000,
      read_tokens: 4000,
      lost_tokens: 2000,
      rewritten_tokens: 2000,
      gap_seconds: 20,
      ttl: '5m',
    });
    const [ttl] = diagnoseBreaks((await reportFrom(['breaks/ttl-expired-1h.jsonl'])).requests);
    expect(ttl).toMatchObject({ lost_tokens: 6000, rewritten_tokens: 6000, gap_seconds: 4500, ttl: '1h' });
  });

  it("prices the rewritten tokens at the request's own cache-write rate", async () => {
    // claude-sonnet-4-5: 5-minute writes at $3.75/MTok, 1-hour writes at $6/MTok.
    const [five] = diagnoseBreaks((await reportFrom(['breaks/system-changed.jsonl'])).requests);
    expect(five?.rewrite_cost_usd).toBe(0.0225);
    const [hour] = diagnoseBreaks((await reportFrom(['breaks/ttl-expired-1h.jsonl'])).requests);
    expect(hour?.rewrite_cost_usd).toBe(0.036);
    // An unpriced model: the tokens are known, their cost is not.
    const [unpriced] = diagnoseBreaks(
      (await reportFrom(['breaks/claude-code-unknown.jsonl'])).requests.map((r) => ({ ...r, cost: null })),
    );
    expect(unpriced?.rewrite_cost_usd).toBeNull();
  });

  it('finds no break in a conversation whose requests read what the one before cached', async () => {
    const report = await reportFrom([
      'recording-cache-hits.jsonl',
      'claude-code',
      '05-cache-write-then-read-2streams.sse',
    ]);
    expect(diagnoseBreaks(report.requests)).toEqual([]);
  });

  it('keeps each input file its own sequence', async () => {
    const report = await reportFrom(['recording-cache-hits.jsonl', 'breaks/claude-code-unknown.jsonl']);
    expect(diagnoseBreaks(report.requests).map((b) => b.index)).toEqual([5]);
  });

  it('lists every cause the evidence supports, the most likely first', () => {
    const m5 = { ephemeral_5m_input_tokens: 5000, ephemeral_1h_input_tokens: 0 };
    const requests = [
      result(1, { cache_creation_input_tokens: 5000, cache_creation: m5 }, '2026-11-20T10:00:00Z', {
        ...body(),
        system: 'Be brief.',
      }),
      result(2, { cache_creation_input_tokens: 5000, cache_creation: m5 }, '2026-11-20T10:10:00Z', {
        ...body(),
        system: 'Be very brief.',
      }),
    ];
    const [found] = diagnoseBreaks(requests);
    expect(found?.causes).toEqual(['system_changed', 'ttl_expired_5m']);
    expect(found?.detail).toBe('system changed; 10m00s after the previous request, past the 5-minute TTL');
  });
});

/** An analysed request built from a usage object, for sequences the fixtures do not cover. */
function result(
  index: number,
  usage: Record<string, unknown>,
  timestamp: string | null,
  request?: unknown,
  model = 'claude-sonnet-4-5',
  kind: DecodedRecord['kind'] = 'recording',
): RequestResult {
  const record: DecodedRecord = {
    kind,
    source: { file: 'seq.jsonl', line: index, event: null },
    label: null,
    id: `msg_${index}`,
    request_id: null,
    model,
    status: 'ok',
    error: null,
    usage: {
      input_tokens: 10,
      output_tokens: 10,
      cache_read_input_tokens: 0,
      cache_creation_input_tokens: 0,
      ...usage,
    },
    timestamp,
    ...(request === undefined ? {} : { request }),
  };
  const out = analyzeRecord(record, index).result;
  if (!out) throw new Error('bad usage');
  return out;
}

describe('sequences of several models', () => {
  it('compares a request with the previous request of its own model, not an interleaved one', () => {
    const requests = [
      result(
        1,
        { cache_creation_input_tokens: 5000 },
        '2026-11-20T10:00:00Z',
        undefined,
        'claude-sonnet-4-5',
      ),
      result(2, { cache_creation_input_tokens: 4200 }, '2026-11-20T10:00:05Z', undefined, 'claude-haiku-4-5'),
      result(
        3,
        { cache_read_input_tokens: 5000 },
        '2026-11-20T10:00:10Z',
        undefined,
        'claude-sonnet-4-5-20250929',
      ),
    ];
    expect(diagnoseBreaks(requests)).toEqual([]);
  });

  it('reports no model change without request bodies to show the conversation continued', () => {
    const requests = [
      result(1, { cache_creation_input_tokens: 5000 }, null, undefined, 'claude-sonnet-4-5'),
      result(2, { cache_creation_input_tokens: 5000 }, null, undefined, 'claude-opus-4-5'),
    ];
    expect(diagnoseBreaks(requests)).toEqual([]);
  });

  it('reports no model change when the other model was sent a different prompt', () => {
    const requests = [
      result(1, { cache_creation_input_tokens: 5000 }, null, body(), 'claude-sonnet-4-5'),
      result(
        2,
        { cache_creation_input_tokens: 5000 },
        null,
        body({ system: 'Classify.' }),
        'claude-haiku-4-5',
      ),
    ];
    expect(diagnoseBreaks(requests)).toEqual([]);
  });

  it.each(['message', 'stream', 'usage'] as const)(
    'does not take the order of %s inputs as a sequence',
    (kind) => {
      const requests = [
        result(1, { cache_creation_input_tokens: 5000 }, null, undefined, 'claude-sonnet-4-5', kind),
        result(2, { cache_creation_input_tokens: 5000 }, null, undefined, 'claude-sonnet-4-5', kind),
      ];
      expect(diagnoseBreaks(requests)).toEqual([]);
    },
  );

  it('diagnoses any kind when the caller vouches for the order (send, replay)', () => {
    const requests = [
      result(1, { cache_creation_input_tokens: 5000 }, null, undefined, 'claude-sonnet-4-5', 'message'),
      result(2, { cache_creation_input_tokens: 5000 }, null, undefined, 'claude-sonnet-4-5', 'stream'),
    ];
    expect(diagnoseBreaks(requests, { ordered: true }).map((b) => b.index)).toEqual([2]);
    const batch = requests.map((r) => ({ ...r, kind: 'batch' as const }));
    expect(diagnoseBreaks(batch, { ordered: true })).toEqual([]);
  });

  it('ignores Message Batches results, whose order means nothing', () => {
    const requests = [
      result(1, { cache_creation_input_tokens: 5000 }, null, undefined, 'claude-sonnet-4-5', 'batch'),
      result(2, { cache_creation_input_tokens: 5000 }, null, undefined, 'claude-sonnet-4-5', 'batch'),
    ];
    expect(diagnoseBreaks(requests)).toEqual([]);
  });

  it('takes the TTL from the last request that wrote, through requests that only read', () => {
    const h1 = { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 5000 };
    const requests = [
      result(1, { cache_creation_input_tokens: 5000, cache_creation: h1 }, '2026-11-20T10:00:00Z'),
      result(2, { cache_read_input_tokens: 5000 }, '2026-11-20T10:30:00Z'),
      // 40 minutes after the last read: within the 1-hour TTL the first request wrote.
      result(3, { cache_creation_input_tokens: 5000 }, '2026-11-20T11:10:00Z'),
    ];
    const [found] = diagnoseBreaks(requests);
    expect(found).toMatchObject({ index: 3, previous_index: 2, cause: 'unknown', ttl: '1h' });
    expect(found?.detail).toBe(
      'no request bodies to compare; 40m00s after the previous request, within the 1-hour TTL',
    );
  });

  it('compares what a compaction request left with what the next request read', () => {
    const requests = [
      result(
        1,
        {
          cache_read_input_tokens: 0,
          iterations: [
            {
              type: 'compaction',
              input_tokens: 100,
              output_tokens: 50,
              cache_read_input_tokens: 80000,
              cache_creation_input_tokens: 0,
            },
            {
              type: 'message',
              input_tokens: 10,
              output_tokens: 10,
              cache_read_input_tokens: 0,
              cache_creation_input_tokens: 3000,
            },
          ],
        },
        null,
      ),
      result(2, { cache_read_input_tokens: 3000 }, null),
    ];
    expect(diagnoseBreaks(requests)).toEqual([]);
  });

  it('calls a break with neither request bodies nor timestamps unknown', () => {
    const requests = [
      result(1, { cache_creation_input_tokens: 5000 }, null),
      result(2, { input_tokens: 5000 }, null),
    ];
    const cause: BreakCause | undefined = diagnoseBreaks(requests)[0]?.cause;
    expect(cause).toBe('unknown');
  });
});
