// Writes deterministic benchmark inputs: JSONL of Messages, raw SSE streams, and Claude Code transcripts.
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** Small deterministic PRNG (mulberry32) so every run writes the same bytes. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MODELS = ['claude-sonnet-4-6', 'claude-opus-4-8', 'claude-haiku-4-5-20251001', 'claude-fable-5'];
const WORDS =
  'the cache prompt token usage stream message model output input read write hit miss delta'.split(' ');

function text(rand, words) {
  let s = '';
  for (let i = 0; i < words; i++) s += `${WORDS[Math.floor(rand() * WORDS.length)]} `;
  return s;
}

function usage(rand, i) {
  const write = rand() < 0.3 ? Math.floor(rand() * 20000) : 0;
  const h1 = rand() < 0.5 ? write : 0;
  return {
    input_tokens: 1 + Math.floor(rand() * 5000),
    cache_creation_input_tokens: write,
    cache_read_input_tokens: rand() < 0.7 ? Math.floor(rand() * 90000) : 0,
    cache_creation: { ephemeral_5m_input_tokens: write - h1, ephemeral_1h_input_tokens: h1 },
    output_tokens: 1 + Math.floor(rand() * 3000),
    service_tier: 'standard',
    inference_geo: 'global',
    ...(i % 7 === 0 ? { server_tool_use: { web_search_requests: 1, web_fetch_requests: 0 } } : {}),
  };
}

function message(rand, i) {
  return {
    id: `msg_bench${i.toString(36).padStart(10, '0')}`,
    type: 'message',
    role: 'assistant',
    model: MODELS[i % MODELS.length],
    content: [
      { type: 'text', text: text(rand, 40 + Math.floor(rand() * 300)) },
      ...(i % 5 === 0
        ? [
            {
              type: 'tool_use',
              id: `toolu_${i}`,
              name: 'lookup',
              input: { usage: { note: 'decoy key inside content' }, q: text(rand, 5) },
            },
          ]
        : []),
    ],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: usage(rand, i),
  };
}

async function writeUntil(path, bytes, next) {
  const out = createWriteStream(path);
  let written = 0;
  let i = 0;
  while (written < bytes) {
    const chunk = next(i++);
    written += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await new Promise((r) => out.once('drain', r));
  }
  await new Promise((r) => out.end(r));
  return i;
}

export async function generateJsonl(path, bytes, seed = 1) {
  const rand = rng(seed);
  return writeUntil(path, bytes, (i) => `${JSON.stringify(message(rand, i))}\n`);
}

export async function generateSse(path, bytes, seed = 2) {
  const rand = rng(seed);
  return writeUntil(path, bytes, (i) => {
    const m = message(rand, i);
    const u = m.usage;
    const start = { ...m, content: [], stop_reason: null, usage: { ...u, output_tokens: 1 } };
    const ev = (type, data) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
    const block = m.content[0].text;
    let s = ev('message_start', { message: start });
    s += ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
    for (let p = 0; p < block.length; p += 80)
      s += ev('content_block_delta', {
        index: 0,
        delta: { type: 'text_delta', text: block.slice(p, p + 80) },
      });
    s += ev('content_block_stop', { index: 0 });
    s += ev('ping', {});
    s += ev('message_delta', {
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: {
        input_tokens: u.input_tokens,
        cache_creation_input_tokens: u.cache_creation_input_tokens,
        cache_read_input_tokens: u.cache_read_input_tokens,
        output_tokens: u.output_tokens,
      },
    });
    return s + ev('message_stop', {});
  });
}

/** Claude Code transcripts: many files, each response written as two lines with the same ids. */
export async function generateClaudeCode(dir, bytes, files = 40, seed = 3) {
  mkdirSync(dir, { recursive: true });
  const per = Math.ceil(bytes / files);
  let count = 0;
  for (let f = 0; f < files; f++) {
    const rand = rng(seed + f);
    const session = `0000${f}-bench-session`;
    count += await writeUntil(join(dir, `${session}.jsonl`), per, (i) => {
      const m = message(rand, f * 1_000_000 + i);
      const line = (uuid, content, out) =>
        JSON.stringify({
          parentUuid: null,
          isSidechain: false,
          type: 'assistant',
          sessionId: session,
          uuid,
          timestamp: new Date(Date.UTC(2026, 10, 1) + (f * 100000 + i) * 1000).toISOString(),
          requestId: `req_${f}_${i}`,
          message: { ...m, content, usage: { ...m.usage, output_tokens: out } },
        });
      const user = JSON.stringify({
        type: 'user',
        sessionId: session,
        uuid: `u${i}`,
        message: { role: 'user', content: text(rand, 30) },
      });
      return `${user}\n${line(`a${i}`, m.content.slice(0, 1), 1)}\n${line(`b${i}`, m.content, m.usage.output_tokens)}\n`;
    });
  }
  return count;
}
