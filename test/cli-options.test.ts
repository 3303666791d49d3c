import { expect, test } from 'vitest';
import { parseDuration } from '../src/cli-options.js';

test.each([
  ['2s', 2000],
  ['2', 2000],
  ['0', 0],
  ['500ms', 500],
  ['1.5s', 1500],
  ['1m', 60_000],
  [' 3s ', 3000],
  ['soon', null],
  ['-1s', null],
  ['2h', null],
])('parseDuration(%j) = %j', (input, ms) => {
  expect(parseDuration(input)).toBe(ms);
});
