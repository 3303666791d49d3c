import { Chalk, type ChalkInstance } from 'chalk';

/** A chalk bound to an explicit level (see color.ts), never to chalk's own detection. */
export function makeChalk(level: 0 | 1 | 2 | 3): ChalkInstance {
  return new Chalk({ level });
}
