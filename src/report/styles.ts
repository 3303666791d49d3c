import { type ColorChoice, type ColorEnv, resolveColorLevel } from './color.js';

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

/** Where a report is printed: the environment and whether stdout is a terminal (a CliIO fits). */
export interface StyleTarget {
  env: ColorEnv;
  stdout: { isTTY?: boolean };
}

/**
 * The styles for a report printed to `target`, as --color/--no-color (`flag`) and the environment say
 * (report/color.ts). chalk loads only for colour: importing it took about 10 ms, a good part of the
 * start-up for one response piped in (bench/).
 */
export async function stylesFor(flag: ColorChoice, target: StyleTarget): Promise<Styles> {
  const level = resolveColorLevel(flag, target.env, target.stdout.isTTY === true);
  if (level === 0) return PLAIN;
  const { makeChalk } = await import('./chalk.js');
  return makeChalk(level);
}
