import { expect, test } from 'vitest';
import { listBreakpoints } from '../src/request/cache-control.js';
import {
  countBody,
  PLACEHOLDER_MESSAGE,
  prefixCountBody,
  usesPlaceholder,
} from '../src/request/count-request.js';

const mark = { type: 'ephemeral' };
const body = {
  model: 'm',
  max_tokens: 10,
  stream: true,
  temperature: 1,
  tools: [
    { name: 'a', input_schema: {} },
    { name: 'b', input_schema: {}, cache_control: mark },
    { name: 'c', input_schema: {} },
  ],
  system: [
    { type: 'text', text: 's1', cache_control: mark },
    { type: 'text', text: 's2' },
  ],
  messages: [
    { role: 'user', content: 'q1' },
    { role: 'assistant', content: 'a1' },
    {
      role: 'user',
      content: [
        { type: 'text', text: 'q2a', cache_control: mark },
        { type: 'text', text: 'q2b' },
      ],
    },
  ],
};

test('countBody keeps what count_tokens accepts and names what it drops', () => {
  const { body: out, dropped } = countBody(body);
  expect(Object.keys(out)).toEqual(['model', 'tools', 'system', 'messages']);
  expect(dropped).toEqual(['max_tokens', 'stream', 'temperature']);
});

test('each prefix ends at its breakpoint, in tools → system → messages order', () => {
  const [tools, system, messages] = listBreakpoints(body).map((b) => prefixCountBody(body, b));
  expect(tools).toEqual({ model: 'm', tools: body.tools.slice(0, 2), messages: [PLACEHOLDER_MESSAGE] });
  expect(system).toEqual({
    model: 'm',
    tools: body.tools,
    system: body.system.slice(0, 1),
    messages: [PLACEHOLDER_MESSAGE],
  });
  expect(messages).toEqual({
    model: 'm',
    tools: body.tools,
    system: body.system,
    messages: [body.messages[0], body.messages[1], { role: 'user', content: [body.messages[2]?.content[0]] }],
  });
  expect(listBreakpoints(body).map(usesPlaceholder)).toEqual([true, true, false]);
});
