/** Maps unit-cube design points onto parameter values: through each parameter's prior (inverse CDF), or uniformly over its range. */

import { distributionQuantile } from '../distribution-quantile.ts';
import { GeoriskError, issue } from '../errors.ts';
import { parameterPrior } from '../parameter-prior.ts';
import type { Distribution, ScenarioDocument } from '../scenario-schema.ts';
import { type ResolvedRange, scaleUnit } from '../sweep.ts';

/** How Sobol' draws each parameter: from its prior (declared uncertainty, else the default prior over its declared range, else uniform over the varied range) or uniform over its range. */
export const SOBOL_SAMPLINGS = ['prior', 'uniform'] as const;

/** One of `SOBOL_SAMPLINGS`. */
export type SobolSampling = (typeof SOBOL_SAMPLINGS)[number];

/**
 * The distribution Sobol' draws parameter `name` from: its prior (`parameterPrior`: the declared
 * `uncertainty`, or the default triangular prior when it is varied over its own declared range), else
 * uniform over the range it is varied over (`range`).
 */
function sobolPrior(
  scenario: ScenarioDocument,
  name: string,
  lo: number,
  hi: number,
): { distribution: Distribution; source: 'declared' | 'default' | 'range' } {
  const parameter = scenario.parameters[name];
  const prior = parameter === undefined ? undefined : parameterPrior(parameter);
  const ownRange = parameter?.range !== undefined && parameter.range[0] === lo && parameter.range[1] === hi;
  if (prior !== undefined && (prior.source === 'declared' || ownRange)) return { distribution: prior.distribution, source: prior.source };
  return { distribution: { dist: 'uniform', min: lo, max: hi }, source: 'range' };
}

/** Checks a sampling option, naming the choices when it is unknown. */
export function checkSampling(sampling: string): SobolSampling {
  if ((SOBOL_SAMPLINGS as readonly string[]).includes(sampling)) return sampling as SobolSampling;
  throw new GeoriskError([
    issue(
      'bad_run_options',
      'sampling',
      `unknown sampling "${sampling}"`,
      'choose prior (each parameter from its declared uncertainty, else the default triangular prior over its range) or uniform (uniform over each range)',
    ),
  ]);
}

/** Per parameter, the map from u in (0, 1) to its value. */
function quantiles(scenario: ScenarioDocument, params: readonly ResolvedRange[], sampling: SobolSampling): ((u: number) => number)[] {
  return params.map((p) => {
    // A switch or choice is a setting without a prior: its values take equal shares.
    if (p.levels !== undefined) return (u: number) => scaleUnit(p, u);
    const prior = sampling === 'prior' ? sobolPrior(scenario, p.name, p.lo, p.hi) : undefined;
    if (prior === undefined || prior.source === 'range') return (u: number) => scaleUnit(p, u);
    const d = prior.distribution;
    return (u: number) => distributionQuantile(d, u);
  });
}

/** Maps unit-cube rows (row-major, one column per parameter) onto parameter values. */
export function priorPoints(
  scenario: ScenarioDocument,
  unit: Float64Array,
  params: readonly ResolvedRange[],
  sampling: SobolSampling,
): number[][] {
  const maps = quantiles(scenario, params, sampling);
  const dims = params.length;
  const out: number[][] = [];
  // Saltelli designs repeat each A and B value D + 1 times: remember the last value per column.
  const cache = maps.map(() => new Map<number, number>());
  for (let i = 0; i < unit.length / dims; i++) {
    out.push(
      maps.map((q, d) => {
        const u = unit[i * dims + d]!;
        const seen = cache[d]!.get(u);
        if (seen !== undefined) return seen;
        const v = q(u);
        cache[d]!.set(u, v);
        return v;
      }),
    );
  }
  return out;
}

/** Per parameter, where its Sobol' values come from (for the report). */
export function samplingSources(
  scenario: ScenarioDocument,
  params: readonly ResolvedRange[],
  sampling: SobolSampling,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of params) {
    if (p.levels !== undefined) {
      out[p.name] = `equal shares of ${p.levels.join(', ')}`;
      continue;
    }
    const prior = sampling === 'prior' ? sobolPrior(scenario, p.name, p.lo, p.hi) : undefined;
    out[p.name] = prior !== undefined && prior.source !== 'range' ? describe(prior.distribution) : `uniform(${p.lo}, ${p.hi})`;
  }
  return out;
}

function describe(d: Distribution): string {
  const { dist, ...args } = d;
  return `${dist}(${Object.values(args).join(', ')})`;
}
