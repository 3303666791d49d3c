export type ColorChoice = boolean | undefined;

export interface ColorEnv {
  NO_COLOR?: string | undefined;
  FORCE_COLOR?: string | undefined;
  TERM?: string | undefined;
}

/**
 * Colour level 0–3. Order: an explicit --color/--no-color wins; then NO_COLOR (https://no-color.org,
 * an empty value counts as unset); then FORCE_COLOR (https://force-color.org, Node's 0–3 levels);
 * then colour only on a TTY that is not TERM=dumb.
 */
export function resolveColorLevel(flag: ColorChoice, env: ColorEnv, isTTY: boolean): 0 | 1 | 2 | 3 {
  if (flag === false) return 0;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '' && flag !== true) return 0;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '' && flag !== true) {
    if (force === '0' || force === 'false') return 0;
    if (force === '2') return 2;
    if (force === '3') return 3;
    return 1;
  }
  if (flag === true) return 1;
  return isTTY && env.TERM !== 'dumb' ? 1 : 0;
}
