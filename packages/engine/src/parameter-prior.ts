/** What is believed about a parameter before any run: its declared uncertainty, or uniform over its range. */

import type { Distribution, ScenarioDocument } from './scenario-schema.ts';

/** Where a prior comes from: the parameter's own `uncertainty`, or the default uniform over a range. */
export type PriorSource = 'declared' | 'range';

/** A parameter's prior and where it comes from. */
export interface ParameterPrior {
  distribution: Distribution;
  source: PriorSource;
}

/**
 * The prior of parameter `name`: its `uncertainty` when declared, else uniform over `range` (the
 * range a caller varies it over, or its declared range). Undefined for a parameter with neither.
 */
export function parameterPrior(scenario: ScenarioDocument, name: string, range?: readonly [number, number]): ParameterPrior | undefined {
  const p = scenario.parameters[name];
  if (p === undefined) return undefined;
  if (p.uncertainty !== undefined) return { distribution: p.uncertainty, source: 'declared' };
  const [min, max] = range ?? p.range ?? [Number.NaN, Number.NaN];
  if (!(min < max)) return undefined;
  return { distribution: { dist: 'uniform', min, max }, source: 'range' };
}
