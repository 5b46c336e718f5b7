/**
 * A parameter's prior: its declared `uncertainty`, or else the default prior over its range,
 * triangular(min, default, max), with a quantile function for designs and a sampler.
 */
import { distributionQuantile } from './distribution-quantile.ts';
import { type Issue, issue } from './errors.ts';
import { parameterLevels } from './parameter-levels.ts';
import type { Rng } from './rng.ts';
import type { Distribution, Parameter } from './scenario-schema.ts';

/** A parameter's prior distribution and where it comes from. */
export interface ParameterPrior {
  distribution: Distribution;
  /** `declared`: the parameter's `uncertainty`; `default`: triangular over its range, peaking at its default. */
  source: 'declared' | 'default';
  /** The p-quantile, 0 < p < 1. */
  quantile(p: number): number;
  /** One draw (one uniform through the quantile function). */
  sample(rng: Rng): number;
}

/**
 * The prior of a parameter, or undefined for a `setting`, a switch or a choice (fixed at its value), and for one with neither an `uncertainty`
 * nor a range of positive width (it is fixed). The default prior is triangular(min, default, max): the range says
 * what is plausible and the default what the author thinks most likely, so the prior peaks there
 * and falls to zero at the range's ends (a three-point estimate, the usual reading of such a triple).
 * @example parameterPrior({ default: 2, range: [1, 5] })?.quantile(0.5)
 */
export function parameterPrior(parameter: Parameter): ParameterPrior | undefined {
  if (parameter.provenance?.kind === 'setting' || parameterLevels(parameter) !== undefined) return undefined;
  const declared = parameter.uncertainty;
  const range = parameter.range;
  let distribution: Distribution;
  if (declared !== undefined) distribution = declared;
  else if (range !== undefined && range[0] < range[1] && parameter.default >= range[0] && parameter.default <= range[1])
    distribution = { dist: 'triangular', min: range[0], mode: parameter.default, max: range[1] };
  else return undefined;
  const quantile = (p: number) => distributionQuantile(distribution, p);
  return {
    distribution,
    source: declared === undefined ? 'default' : 'declared',
    quantile,
    sample: (rng) => quantile(rng.uniform()),
  };
}

/**
 * A problem when a declared prior contradicts the parameter's range: a uniform or triangular prior
 * reaching outside it, or any prior whose median lies outside it. Tails beyond the range are
 * allowed (the library's beta and gamma priors have them): the range bounds sliders and sweeps,
 * the prior says how likely each value is. Building a model refuses such a prior.
 */
export function priorRangeIssue(name: string, parameter: Parameter): Issue | undefined {
  const prior = parameterPrior(parameter);
  const range = parameter.range;
  if (prior === undefined || prior.source === 'default' || range === undefined) return undefined;
  const d = prior.distribution;
  const bounded = d.dist === 'uniform' || d.dist === 'triangular';
  const lo = bounded ? d.min : prior.quantile(0.5);
  const hi = bounded ? d.max : lo;
  if (lo >= range[0] && hi <= range[1]) return undefined;
  const round = (x: number) => Number(x.toPrecision(4));
  const mode = parameter.default >= range[0] && parameter.default <= range[1] ? parameter.default : round((range[0] + range[1]) / 2);
  const what = bounded ? `its support [${round(lo)}, ${round(hi)}]` : `its median ${round(lo)}`;
  return issue(
    'bad_prior',
    `parameters.${name}.uncertainty`,
    `the prior of "${name}" lies outside its range [${range[0]}, ${range[1]}]: ${what}`,
    `${d.dist === 'beta' ? 'a beta lies on [0, 1]; ' : ''}make the distribution fit the range (e.g. uncertainty: { dist: triangular, min: ${range[0]}, mode: ${mode}, max: ${range[1]} }), or widen the range if those values are plausible`,
  );
}
