// The plainest way to sum usage: read line by line, JSON.parse each line, add the counters.
// It is the yardstick the benchmark compares usage-inspect against.
import { createReadStream, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const totals = {
  input_tokens: 0,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: 0,
  output_tokens: 0,
  requests: 0,
};

function add(u) {
  if (!u) return;
  totals.requests++;
  totals.input_tokens += u.input_tokens ?? 0;
  totals.cache_creation_input_tokens += u.cache_creation_input_tokens ?? 0;
  totals.cache_read_input_tokens += u.cache_read_input_tokens ?? 0;
  totals.output_tokens += u.output_tokens ?? 0;
}

function files(path) {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .map((f) => join(path, f));
}

for (const path of process.argv.slice(2).flatMap(files)) {
  for await (const line of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
    const data = line.startsWith('data: ') ? line.slice(6) : line;
    if (!data.startsWith('{')) continue;
    const v = JSON.parse(data);
    if (v.type === 'message_start') add(v.message.usage);
    else if (v.type === 'message') add(v.usage);
    else if (v.type === 'assistant') add(v.message?.usage);
  }
}
process.stdout.write(`${JSON.stringify(totals)}\n`);
