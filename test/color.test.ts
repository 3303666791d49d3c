import { describe, expect, it } from 'vitest';
import { resolveColorLevel } from '../src/report/color.js';

describe('resolveColorLevel', () => {
  it.each([
    // flag, env, isTTY, level
    [undefined, {}, true, 1],
    [undefined, {}, false, 0],
    [undefined, { TERM: 'dumb' }, true, 0],
    [undefined, { NO_COLOR: '1' }, true, 0],
    [undefined, { NO_COLOR: '' }, true, 1],
    [undefined, { FORCE_COLOR: '1' }, false, 1],
    [undefined, { FORCE_COLOR: '3' }, false, 3],
    [undefined, { FORCE_COLOR: '0' }, true, 0],
    [undefined, { FORCE_COLOR: '' }, false, 0],
    [undefined, { NO_COLOR: '1', FORCE_COLOR: '1' }, true, 0],
    [false, { FORCE_COLOR: '1' }, true, 0],
    [true, { NO_COLOR: '1' }, false, 1],
    [true, {}, false, 1],
  ] as const)('flag=%s env=%j tty=%s → %i', (flag, env, tty, level) => {
    expect(resolveColorLevel(flag, env, tty)).toBe(level);
  });
});
