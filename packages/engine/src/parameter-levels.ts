/** The finite values a switch or choice parameter may take, and the map from a unit-interval design value onto them. */
import type { Parameter } from './scenario-schema.ts';

/**
 * The values a parameter may take when it declares them (`kind: switch`: 0 and 1; `choices`: its
 * list, in order), or undefined for a continuous parameter.
 * @example parameterLevels({ default: 0, kind: 'switch' }) // [0, 1]
 */
export function parameterLevels(parameter: Pick<Parameter, 'kind' | 'choices'>): readonly number[] | undefined {
  if (parameter.choices !== undefined) return parameter.choices;
  if (parameter.kind === 'switch') return SWITCH_LEVELS;
  return undefined;
}

const SWITCH_LEVELS: readonly number[] = [0, 1];

/**
 * The level a unit-interval value u picks: levels[floor(u·k)], with u = 1 picking the last, so a
 * stratified design (Latin hypercube, Sobol') gives each of the k levels an equal share.
 */
export function levelAt(levels: readonly number[], u: number): number {
  const k = levels.length;
  const i = Math.min(k - 1, Math.max(0, Math.floor(u * k)));
  return levels[i] as number;
}

/** A readable list of the allowed values, for error messages ("0 or 1", "1, 2 or 3"). */
export function describeLevels(levels: readonly number[]): string {
  if (levels.length <= 1) return String(levels[0] ?? '');
  return `${levels.slice(0, -1).join(', ')} or ${levels.at(-1)}`;
}
