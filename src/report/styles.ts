import type { ChalkInstance } from 'chalk';

/** The styles reports use: a chalk instance, or PLAIN when colour is off. */
export type Styles = Record<
  'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'magenta' | 'cyan',
  (text: string) => string
>;

const same = (text: string): string => text;

/** Colour off: every style gives its text back, as chalk does at level 0. */
export const PLAIN: Styles = {
  bold: same,
  dim: same,
  red: same,
  green: same,
  yellow: same,
  magenta: same,
  cyan: same,
};

/**
 * The styles for a colour level (report/color.ts). chalk loads only for colour: importing it took about
 * 10 ms, a good part of the start-up for one response piped in (bench/).
 */
export async function stylesFor(level: 0 | 1 | 2 | 3): Promise<Styles> {
  if (level === 0) return PLAIN;
  const { makeChalk } = await import('./chalk.js');
  return makeChalk(level) satisfies ChalkInstance;
}
