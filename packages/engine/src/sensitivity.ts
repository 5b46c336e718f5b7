/**
 * Which assumptions drive an outcome: one-at-a-time swings (tornado), Morris elementary effects
 * (μ*, μ, σ) and Sobol' first- and total-order indices (replicated randomized Saltelli designs,
 * Jansen estimators, intervals from the spread across replicates). A point's output is a metric's
 * exact value when the scenario is a Markov chain, else its mean over the point's trials, with
 * the same trial streams at every point and each bar's interval and noise floor reported.
 */

import { defined } from './defined.ts';
import { GeoriskError, type Issue, issue } from './errors.ts';
import { buildModel, type Model } from './model/model.ts';
import { parameterPrior } from './parameter-prior.ts';
import { DEFAULT_SEED } from './run.ts';
import {
  groupedSaltelliDesign,
  isPowerOfTwo,
  MAX_SOBOL_DIMENSIONS,
  type MorrisDesign,
  morrisDesign,
  replicatedSaltelliDesign,
} from './sampling.ts';
import type { ScenarioDocument } from './scenario-schema.ts';
import { DEFAULT_RESAMPLES, morrisEffects } from './sensitivity/morris-effects.ts';
import { morrisNoiseFloors, sobolNoiseFloor, swingHalfWidth } from './sensitivity/noise-floor.ts';
import { moduleGroups, parameterGroupNames, type ResolvedGroups, resolveGroups } from './sensitivity/parameter-groups.ts';
import { paramsReaching } from './sensitivity/parameter-reach.ts';
import {
  choosePointSolver,
  evaluatePoint,
  exactPlanOutputs,
  type PointOutputs,
  type PointSolver,
  type SensitivitySolverChoice,
} from './sensitivity/point-solver.ts';
import { checkSampling, priorPoints, type SobolSampling, samplingSources } from './sensitivity/prior-points.ts';
import { screeningLeaders } from './sensitivity/screening.ts';
import { sobolIndices } from './sensitivity/sobol-indices.ts';
import {
  MAX_POINTS,
  type ParameterRange,
  planFromPoints,
  pointOverrides,
  type ResolvedRange,
  resolveRanges,
  type SweepPlan,
  scaleUnitPoints,
} from './sweep.ts';

export { distributionQuantile } from './distribution-quantile.ts';
export { DEFAULT_RESAMPLES, morrisEffects } from './sensitivity/morris-effects.ts';
export { SENSITIVITY_SOLVERS, type SensitivitySolverChoice } from './sensitivity/point-solver.ts';
export { SOBOL_SAMPLINGS, type SobolSampling } from './sensitivity/prior-points.ts';
export { type SobolEstimates, sobolIndices } from './sensitivity/sobol-indices.ts';

/** Every sensitivity method, in the order surfaces list them. */
export const SENSITIVITY_METHODS = ['tornado', 'morris', 'sobol'] as const;

/** One of `SENSITIVITY_METHODS`. */
export type SensitivityMethod = (typeof SENSITIVITY_METHODS)[number];

/** Trials per point when none are given (each point's output is a mean over them). */
export const DEFAULT_SENSITIVITY_TRIALS = 500;
/** Base samples: Saltelli's N for Sobol' (over all replicates), trajectories for Morris. */
export const DEFAULT_SAMPLES = { morris: 20, sobol: 256 } as const;
/** Independently randomized Sobol' replicates (their spread gives the intervals). */
export const DEFAULT_REPLICATES = 8;
/** Parameters whose total-order index is at least this must be ranked apart by their intervals. */
export const MIN_RANKED_INDEX = 0.05;
/** Most parameters one Saltelli design holds; more are screened by Morris first. */
export const MAX_SOBOL_PARAMETERS = Math.floor(MAX_SOBOL_DIMENSIONS / 2);

export interface SensitivityOptions {
  method: SensitivityMethod;
  /** Parameters and their ranges (every parameter with a declared range when left out). */
  vary?: ParameterRange[] | undefined;
  metrics?: string[];
  /** Saltelli base samples N over all replicates (a power of two) or Morris trajectories. */
  samples?: number;
  /** Trials per point (Monte Carlo only). */
  trials?: number;
  seed?: number;
  /** Bootstrap resamples (Morris intervals). */
  resamples?: number;
  /** Tornado: use these percentiles of a parameter's uncertainty distribution (e.g. [10, 90]) instead of its range ends. */
  percentiles?: [number, number];
  /** Morris grid levels (even, at least 4). */
  levels?: number;
  budget?: number;
  /** Sobol': draw each parameter from its prior (`prior`, the default) or uniformly over its range (`uniform`). */
  sampling?: SobolSampling | string;
  /** Sobol': independently randomized replicates (default 8). */
  replicates?: number;
  /** `auto` (the default) uses the exact solver whenever the scenario is a Markov chain. */
  solver?: SensitivitySolverChoice;
  /** Sobol' over more than `MAX_SOBOL_PARAMETERS` parameters: Morris trajectories of the screen that picks the leaders. */
  screenSamples?: number;
  /**
   * Sobol': groups of parameters analysed as one factor each (group name → parameters); the others
   * stand alone. `modules` groups the varied parameters by the module they came from (`parameterModules`).
   */
  groups?: Record<string, string[]> | 'modules';
  /** Each parameter's module of origin (`LoadedScenario.parameterModules`), for `groups: 'modules'`. */
  parameterModules?: Record<string, string>;
}

/** A sensitivity analysis ready to run: the points to evaluate and how to read them. */
export interface SensitivityPlan {
  method: SensitivityMethod;
  sweep: SweepPlan;
  samples: number;
  resamples: number;
  morris?: MorrisDesign;
  /** Sobol': replicates and how parameters were drawn. */
  replicates?: number;
  sampling?: SobolSampling;
  solver: PointSolver;
  /** Set when this plan is the Morris screen before a Sobol' analysis of its leaders. */
  screenFor?: SensitivityOptions;
  /** Sobol' over groups: the factors' names and members. */
  groups?: ResolvedGroups;
  /** Tornado: the percentiles of each parameter's prior its bars end at (else the ends of its range). */
  percentiles?: [number, number];
}

export interface TornadoBar {
  param: string;
  /** Parameter values at the two ends. */
  low: number;
  high: number;
  /** Metric values at the two ends. */
  outputLow: number;
  outputHigh: number;
  /** |outputHigh − outputLow|. */
  swing: number;
  /** 95% interval of the swing (a point when exact). */
  swingCi95: [number, number];
  /** The swing cannot be told from no effect at this design's noise. */
  withinNoise: boolean;
}

export interface MorrisEffect {
  param: string;
  /** Mean absolute elementary effect (the importance), in metric units per full parameter range. */
  muStar: number;
  muStarCi95: [number, number];
  /** Mean signed effect (direction). */
  mu: number;
  /** Standard deviation of the effects (interactions and non-linearity). */
  sigma: number;
  /** The μ* that sampling noise alone would give (0 when exact). */
  noiseFloor: number;
  withinNoise: boolean;
}

export interface SobolIndex {
  param: string;
  /** First-order index: the share of variance the parameter explains alone (an estimate below 0 is reported as 0). */
  first: number;
  /** Its 95% interval, ends within [0, 1] (the same for `totalCi95`). */
  firstCi95: [number, number];
  /** Total-order index: its share including every interaction. */
  total: number;
  totalCi95: [number, number];
  /** The total-order interval reaches down to the noise floor: no effect cannot be ruled out. */
  withinNoise: boolean;
}

/** The result for one metric, ranked (most influential first). */
export interface MetricSensitivity {
  metric: string;
  /** Metric value at the defaults (tornado) or the output variance over the design (Sobol'). */
  base?: number;
  variance?: number;
  /** What sampling error alone would show: a swing's 95% half-width, a μ*, or a total-order index (0 when exact). */
  noiseFloor?: number;
  tornado?: TornadoBar[];
  morris?: MorrisEffect[];
  sobol?: SobolIndex[];
  warnings: string[];
  notes: string[];
}

/** What the Morris screen before a Sobol' analysis kept and dropped. */
export interface ScreeningSummary {
  method: 'morris';
  samples: number;
  modelRuns: number;
  kept: string[];
  dropped: string[];
}

export interface SensitivityResult {
  method: SensitivityMethod;
  params: ResolvedRange[];
  seed: number;
  trials: number;
  samples: number;
  /** Points evaluated (each one `trials` trials, or one exact solve). */
  modelRuns: number;
  /** How points were evaluated, and why. */
  solver: 'exact' | 'monte-carlo';
  solverNote: string;
  /** Sobol': replicates, the sampling and where each parameter's values came from. */
  replicates?: number;
  sampling?: SobolSampling;
  sampledFrom?: Record<string, string>;
  screening?: ScreeningSummary;
  /** Sobol' over groups: each factor's member parameters (a lone parameter is its own factor). */
  groups?: Record<string, string[]>;
  /** Tornado: the percentiles of each parameter's prior its bars end at (else the ends of its range). */
  percentiles?: [number, number];
  metrics: MetricSensitivity[];
  warnings: Issue[];
}

const bad = (path: string, message: string, hint?: string): never => {
  throw new GeoriskError([issue('bad_run_options', path, message, hint)]);
};

/** Plans an analysis: its points in plan order, and the solver that evaluates them. */
export function planSensitivity(scenario: ScenarioDocument, options: SensitivityOptions): SensitivityPlan {
  const seed = options.seed ?? DEFAULT_SEED;
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  if (!Number.isInteger(resamples) || resamples < 10) bad('resamples', `at least 10 bootstrap resamples are needed, got ${resamples}`);
  const sampling = checkSampling(options.sampling ?? 'prior');
  const params = resolveRanges(scenario, options.vary);
  const common = {
    seed,
    trials: options.trials ?? DEFAULT_SENSITIVITY_TRIALS,
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...(options.budget !== undefined ? { budget: options.budget } : {}),
  };
  const withSolver = (plan: Omit<SensitivityPlan, 'solver'>): SensitivityPlan => ({
    ...plan,
    solver: choosePointSolver(plan.sweep, options.solver ?? 'auto'),
  });
  switch (options.method) {
    case 'tornado': {
      const points = tornadoPoints(scenario, params, options.percentiles);
      return withSolver({
        method: 'tornado',
        sweep: planFromPoints(scenario, params, points, common),
        samples: 1,
        resamples,
        ...(options.percentiles === undefined ? {} : { percentiles: options.percentiles }),
      });
    }
    case 'morris':
      return withSolver(planMorris(scenario, params, options, common, resamples));
    case 'sobol': {
      if (options.groups !== undefined) return withSolver(planGroupedSobol(scenario, params, options, common, resamples, sampling));
      if (params.length > MAX_SOBOL_PARAMETERS) {
        // The Sobol' stage after the screen is planned from the screen's rows: check its sizes now,
        // so options it would refuse are refused before the screen runs, not after.
        checkSobolSizes(options.samples ?? DEFAULT_SAMPLES.sobol, options.replicates ?? DEFAULT_REPLICATES, MAX_SOBOL_PARAMETERS);
        const screen = planMorris(
          scenario,
          params,
          { ...options, samples: options.screenSamples ?? DEFAULT_SAMPLES.morris },
          common,
          resamples,
        );
        return withSolver({ ...screen, screenFor: options });
      }
      const samples = options.samples ?? DEFAULT_SAMPLES.sobol;
      const replicates = options.replicates ?? DEFAULT_REPLICATES;
      checkSobolSizes(samples, replicates, params.length);
      const unit = replicatedSaltelliDesign(samples / replicates, params.length, seed, replicates);
      const points = priorPoints(scenario, unit, params, sampling);
      const sweep = planFromPoints(scenario, params, points, common);
      return withSolver({ method: 'sobol', sweep, samples, resamples, replicates, sampling });
    }
    default:
      return bad(
        'method',
        `unknown method "${String(options.method)}"`,
        `choose ${SENSITIVITY_METHODS.slice(0, -1).join(', ')} or ${SENSITIVITY_METHODS.at(-1)}`,
      );
  }
}

function planMorris(
  scenario: ScenarioDocument,
  params: ResolvedRange[],
  options: SensitivityOptions,
  common: Parameters<typeof planFromPoints>[3],
  resamples: number,
): Omit<SensitivityPlan, 'solver'> {
  const samples = options.samples ?? DEFAULT_SAMPLES.morris;
  if (!Number.isInteger(samples) || samples < 2) bad('samples', `Morris needs at least 2 trajectories, got ${samples}`);
  const perTrajectory = params.length + 1;
  if (samples * perTrajectory > MAX_POINTS) {
    const most = Math.floor(MAX_POINTS / perTrajectory);
    const message = `${samples} Morris trajectories over ${params.length} parameters make ${samples * perTrajectory} points, more than the limit of ${MAX_POINTS}`;
    bad('samples', message, `use at most ${most} trajectories (a few dozen rank the parameters)`);
  }
  const levels = options.levels ?? 4;
  if (!Number.isInteger(levels) || levels < 4 || levels % 2 !== 0) bad('levels', `Morris levels must be even and >= 4, got ${levels}`);
  const design = morrisDesign(samples, params.length, common.seed, levels);
  const points = scaleUnitPoints(design.points, params);
  return { method: 'morris', sweep: planFromPoints(scenario, params, points, common), samples, resamples, morris: design };
}

function planGroupedSobol(
  scenario: ScenarioDocument,
  params: ResolvedRange[],
  options: SensitivityOptions,
  common: Parameters<typeof planFromPoints>[3],
  resamples: number,
  sampling: SobolSampling,
): Omit<SensitivityPlan, 'solver'> {
  const named =
    options.groups === 'modules'
      ? moduleGroups(parameterGroupNames(scenario.parameters, options.parameterModules ?? {}), params)
      : (options.groups ?? {});
  const groups = resolveGroups(named, params);
  const samples = options.samples ?? DEFAULT_SAMPLES.sobol;
  const replicates = options.replicates ?? DEFAULT_REPLICATES;
  checkSobolSizes(samples, replicates, groups.names.length);
  const unit = groupedSaltelliDesign(samples / replicates, groups.groupOf, common.seed, replicates);
  const sweep = planFromPoints(scenario, params, priorPoints(scenario, unit, params, sampling), common);
  return { method: 'sobol', sweep, samples, resamples, replicates, sampling, groups };
}

/** Checks Saltelli's N and the replicates, and that the N × (factors + 2) points stay within a sweep's limit. */
function checkSobolSizes(samples: number, replicates: number, factors: number): void {
  if (!isPowerOfTwo(replicates) || replicates < 2) {
    bad('replicates', `Sobol' replicates must be a power of two of at least 2, got ${replicates}`, `use ${DEFAULT_REPLICATES}`);
  }
  // Before the power-of-two check, whose hint would otherwise offer sizes past the limit.
  const perSample = factors + 2;
  if (samples * perSample > MAX_POINTS) {
    const most = 2 ** Math.floor(Math.log2(MAX_POINTS / perSample));
    const message = `Sobol' with ${samples} base samples over ${factors} factors makes ${samples * perSample} points, more than the limit of ${MAX_POINTS}`;
    bad('samples', message, `use at most ${most} (a power of two)`);
  }
  if (!isPowerOfTwo(samples) || samples < 4 * replicates) {
    const lower = 2 ** Math.max(2, Math.floor(Math.log2(Math.max(1, samples))));
    bad(
      'samples',
      `Sobol' needs a power of two of at least 4 base samples per replicate (${4 * replicates} for ${replicates} replicates), got ${samples}`,
      `use ${Math.max(lower, 4 * replicates)} or ${Math.max(lower, 4 * replicates) * 2}, or fewer replicates`,
    );
  }
}

/** Point 0 leaves every parameter as the scenario has it; then each parameter alone at each end (the others written out at their defaults). */
function tornadoPoints(scenario: ScenarioDocument, params: ResolvedRange[], percentiles: [number, number] | undefined): number[][] {
  const defaults = params.map((p) => defined(scenario.parameters[p.name], 'a varied parameter of the scenario').default);
  const points: number[][] = [defaults];
  params.forEach((p, d) => {
    for (const v of tornadoEnds(scenario, p, percentiles)) {
      const row = [...defaults];
      row[d] = v;
      points.push(row);
    }
  });
  return points;
}

function tornadoEnds(scenario: ScenarioDocument, p: ResolvedRange, percentiles: [number, number] | undefined): [number, number] {
  // A switch or choice swings between its first and last value, whatever the percentiles.
  if (p.levels !== undefined) return [p.levels[0] as number, p.levels.at(-1) as number];
  if (percentiles === undefined) return [p.lo, p.hi];
  const [a, b] = percentiles;
  if (!(a > 0 && a < b && b < 100)) bad('percentiles', `percentiles must satisfy 0 < low < high < 100, got ${a},${b}`);
  // Every parameter's prior, declared or the default triangular one (as the bands and Sobol' draw
  // them): the declared ones alone moved to percentiles, the rest swung over their whole range.
  const declared = scenario.parameters[p.name];
  const prior = declared === undefined ? undefined : parameterPrior(declared);
  if (prior === undefined) return [p.lo, p.hi];
  return [prior.quantile(a / 100), prior.quantile(b / 100)];
}

/**
 * Reads every point's metric values (`outputs[point][metric]`) and, for Monte Carlo, their
 * standard errors (`ses`, same shape; without them the noise floor is unknown) into indices per metric.
 */
export function analyseSensitivity(
  plan: SensitivityPlan,
  outputs: readonly (readonly number[])[],
  ses?: readonly (readonly number[])[],
): SensitivityResult {
  const { sweep } = plan;
  const exact = plan.solver.solver === 'exact';
  const model = exact && sweep.points.length > 0 ? buildModel(sweep.scenario, pointOverrides(sweep, 0)) : undefined;
  const metrics: MetricSensitivity[] = sweep.metrics.map((metric, m) => {
    // A point without this metric reads as NaN, as a typed array stores a missing number.
    const y = Float64Array.from(outputs, (row) => row[m] ?? Number.NaN);
    const se = exact ? new Float64Array(y.length) : ses ? Float64Array.from(ses, (row) => row[m] ?? Number.NaN) : undefined;
    const result: MetricSensitivity = { metric, warnings: [], notes: [] };
    const unread = model ? unreadParams(model, metric, sweep.params) : [];
    if (unread.length > 0) result.notes.push(unreadNote(metric, unread, sweep.params.length));
    const reading = { metric, unread: new Set(unread) };
    if (plan.method === 'tornado') readTornado(plan, y, se, result, reading);
    else if (plan.method === 'morris') readMorris(plan, y, se, result, reading);
    else readSobol(plan, y, se, result, reading);
    return result;
  });
  return {
    method: plan.method,
    params: sweep.params,
    seed: sweep.seed,
    trials: exact ? 0 : sweep.trials,
    samples: plan.samples,
    modelRuns: sweep.points.length,
    solver: plan.solver.solver,
    solverNote: plan.solver.note ?? '',
    ...(plan.method === 'sobol' && plan.sampling
      ? { replicates: plan.replicates, sampling: plan.sampling, sampledFrom: samplingSources(sweep.scenario, sweep.params, plan.sampling) }
      : {}),
    ...(plan.groups ? { groups: Object.fromEntries(plan.groups.names.map((g, i) => [g, plan.groups?.members[i] ?? []])) } : {}),
    ...(plan.percentiles ? { percentiles: plan.percentiles } : {}),
    metrics,
    warnings: sweep.warnings,
  };
}

/** With the exact solver: the varied parameters the metric cannot read, whose effect is 0 by the model's structure. */
function unreadParams(model: Model, metric: string, params: readonly ResolvedRange[]): string[] {
  const reach = paramsReaching(model, [metric]);
  if (reach === undefined) return [];
  return params.map((p) => p.name).filter((name) => !reach.has(name));
}

/** The note naming the parameters a metric cannot read (listed once: the no-effect note leaves them out). */
function unreadNote(metric: string, unread: readonly string[], total: number): string {
  return `${unread.length} of ${total} parameters are not read by ${metric}, directly or through what it reads: their effect is exactly 0 by the model's structure (not estimated): ${unread.join(', ')}`;
}

/** The metric analysed and the parameters it cannot read (named by their own note, not again in the no-effect note). */
interface Reading {
  metric: string;
  unread: ReadonlySet<string>;
}

/**
 * A note on how many of a metric's bars are within noise, or none. When exact, the parameters the
 * metric cannot read already have their note, so this one names only those it reads yet that have no effect.
 */
function noiseNote(within: string[], total: number, floor: number | undefined, exactPhrase: string, reading: Reading): string[] {
  if (floor === 0 && reading.unread.size > 0) {
    const read = within.filter((p) => !reading.unread.has(p));
    if (read.length === 0) return [];
    const phrase = read.length === 1 ? exactPhrase.replace(/^have /, 'has ') : exactPhrase;
    return [`${read.length} of the ${total - reading.unread.size} parameters ${reading.metric} reads ${phrase}: ${read.join(', ')}`];
  }
  if (within.length === 0) return [];
  const what = floor === 0 ? exactPhrase : `are within noise (floor ${floor?.toPrecision(2)})`;
  return [`${within.length} of ${total} parameters ${what}: ${within.join(', ')}`];
}

function readTornado(
  plan: SensitivityPlan,
  y: Float64Array,
  se: Float64Array | undefined,
  result: MetricSensitivity,
  reading: Reading,
): void {
  const { sweep } = plan;
  const output = (point: number) => defined(y[point], 'an output for each tornado point');
  const value = (point: number, d: number) => defined(sweep.points[point]?.[d], 'a tornado point fixes every parameter');
  const half = (point: number) => (se ? swingHalfWidth(se[point]!, se[point + 1]!) : Number.NaN);
  result.base = output(0);
  result.tornado = sweep.params
    .map((p, d) => {
      const outputLow = output(1 + 2 * d);
      const outputHigh = output(2 + 2 * d);
      const swing = Math.abs(outputHigh - outputLow);
      const h = half(1 + 2 * d);
      return {
        param: p.name,
        low: value(1 + 2 * d, d),
        high: value(2 + 2 * d, d),
        outputLow,
        outputHigh,
        swing,
        swingCi95: (Number.isNaN(h) ? [Number.NaN, Number.NaN] : [Math.max(0, swing - h), swing + h]) as [number, number],
        withinNoise: Number.isNaN(h) ? false : swing <= h,
      };
    })
    .sort((a, b) => b.swing - a.swing || a.param.localeCompare(b.param));
  if (se) {
    const halves = sweep.params.map((_, d) => half(1 + 2 * d));
    result.noiseFloor = Math.sqrt(halves.reduce((s, h) => s + h * h, 0) / Math.max(1, halves.length));
  }
  const within = result.tornado.filter((b) => b.withinNoise).map((b) => b.param);
  result.notes.push(...noiseNote(within, result.tornado.length, result.noiseFloor, 'have no effect (exactly 0)', reading));
}

/** Below this many Morris trajectories, the intervals are said to understate their error. */
const FEW_TRAJECTORIES = 10;

function readMorris(
  plan: SensitivityPlan,
  y: Float64Array,
  se: Float64Array | undefined,
  result: MetricSensitivity,
  reading: Reading,
): void {
  const design = plan.morris as MorrisDesign;
  const effects = morrisEffects(design, y, { resamples: plan.resamples, seed: plan.sweep.seed });
  // A bootstrap over a handful of trajectories resamples the same few effects: its intervals are
  // far narrower than the truth (2 trajectories gave [0.279, 0.300] for a μ* that 20 put at 0.62).
  if (plan.samples < FEW_TRAJECTORIES) {
    result.warnings.push(
      `${result.metric}: μ* intervals from ${plan.samples} trajectories understate their error; use at least ${FEW_TRAJECTORIES} (a few dozen rank the parameters)`,
    );
  }
  const floors = se ? morrisNoiseFloors(design, se) : undefined;
  result.morris = plan.sweep.params
    .map((p, d) => {
      const e = defined(effects[d], 'Morris effects for each parameter');
      const noiseFloor = floors ? defined(floors[d], 'a noise floor for each parameter') : Number.NaN;
      return { param: p.name, ...e, noiseFloor, withinNoise: floors ? e.muStar <= noiseFloor : false };
    })
    .sort((a, b) => b.muStar - a.muStar || a.param.localeCompare(b.param));
  if (floors) result.noiseFloor = floors.reduce((s, f) => s + f, 0) / Math.max(1, floors.length);
  const within = result.morris.filter((e) => e.withinNoise).map((e) => e.param);
  result.notes.push(...noiseNote(within, result.morris.length, result.noiseFloor, 'have no effect (exactly 0)', reading));
}

/** An interval's end as a share of variance: within [0, 1]. */
function shareOf(x: number): number {
  return Math.min(1, Math.max(0, x));
}

function readSobol(
  plan: SensitivityPlan,
  y: Float64Array,
  se: Float64Array | undefined,
  result: MetricSensitivity,
  reading: Reading,
): void {
  const { sweep } = plan;
  const replicates = plan.replicates ?? DEFAULT_REPLICATES;
  const factors = plan.groups?.names ?? sweep.params.map((p) => p.name);
  const indices = sobolIndices(y, plan.samples / replicates, factors.length, replicates);
  result.variance = indices.variance;
  const floor = se ? sobolNoiseFloor(se, indices.variance) : undefined;
  if (floor !== undefined) result.noiseFloor = floor;
  const negative: string[] = [];
  const overOne: string[] = [];
  result.sobol = factors
    .map((name, d) => {
      const first = defined(indices.first[d], 'a first-order estimate per parameter');
      const total = defined(indices.total[d], 'a total-order estimate per parameter');
      const [flo, fhi] = defined(indices.firstCi95[d], 'an interval per parameter');
      const totalCi95 = defined(indices.totalCi95[d], 'an interval per parameter');
      if (first < 0) negative.push(`${name} (${first.toPrecision(2)})`);
      if (total > 1 || first > 1) overOne.push(`${name} (${Math.max(first, total).toPrecision(4)})`);
      return {
        param: name,
        // An index is a share of variance: it and its intervals lie within [0, 1] (a total of 1.0044
        // beside its interval [0.959, 1] read as an estimate outside its own interval).
        first: shareOf(first),
        firstCi95: [shareOf(flo), shareOf(fhi)] as [number, number],
        total: shareOf(total),
        totalCi95: [shareOf(totalCi95[0]), shareOf(totalCi95[1])] as [number, number],
        withinNoise: floor !== undefined && totalCi95[0] <= floor,
      };
    })
    .sort((a, b) => b.total - a.total || a.param.localeCompare(b.param));
  if (!(indices.variance > 0)) {
    result.warnings.push(`${result.metric} does not vary over these ranges: its indices are undefined`);
    return;
  }
  if (negative.length > 0) {
    result.notes.push(
      `first-order estimates below 0 are shown as 0 (an index is a share of variance, never negative; these are within their error of 0): ${negative.join(', ')}`,
    );
  }
  if (overOne.length > 0) {
    result.notes.push(`estimates above 1 are shown as 1 (an index is a share of variance, at most all of it): ${overOne.join(', ')}`);
  }
  // A parameter's first order cannot exceed its total; estimates that do are noise, and say so.
  const crossed = result.sobol.filter((s) => s.first > s.total + 1e-12 && s.firstCi95[0] > s.totalCi95[1]).map((s) => s.param);
  if (crossed.length > 0) {
    result.warnings.push(
      `${result.metric}: first order above total order, beyond both intervals, for ${crossed.join(', ')}: the estimates are noisier than their intervals say; use more samples (now ${plan.samples})`,
    );
  }
  const within = result.sobol.filter((s) => s.withinNoise).map((s) => s.param);
  // Grouped factors are named by group, not parameter: the no-effect note counts factors.
  const byFactor = plan.groups === undefined ? reading : { ...reading, unread: new Set<string>() };
  result.notes.push(
    ...noiseNote(within, result.sobol.length, floor, 'have total-order intervals reaching 0 (no effect cannot be ruled out)', byFactor),
  );
  // Neighbours in the ranking whose total-order intervals overlap, among parameters that matter.
  const unresolved: string[] = [];
  result.sobol.forEach((s, i) => {
    const next = result.sobol?.[i + 1];
    if (next && s.total >= MIN_RANKED_INDEX && next.totalCi95[1] >= s.totalCi95[0]) unresolved.push(`${s.param} / ${next.param}`);
  });
  if (unresolved.length > 0) {
    result.warnings.push(
      `${result.metric}: the ranking is unsettled: overlapping total-order intervals (${unresolved.join(', ')}); use more samples (now ${plan.samples})${plan.solver.solver === 'exact' ? '' : ` or more trials (now ${sweep.trials})`}`,
    );
  }
}

/** When `plan` was a Morris screen, the Sobol' plan over the leaders it found; else undefined. */
export function continueSensitivity(
  scenario: ScenarioDocument,
  plan: SensitivityPlan,
  result: SensitivityResult,
): SensitivityPlan | undefined {
  if (plan.screenFor === undefined) return undefined;
  const kept = screeningLeaders(result, MAX_SOBOL_PARAMETERS);
  if (kept.length === 0) return undefined;
  const vary = result.params.filter((p) => kept.includes(p.name)).map((p) => ({ name: p.name, lo: p.lo, hi: p.hi }));
  return planSensitivity(scenario, { ...plan.screenFor, vary });
}

/** The Sobol' result of a screened analysis, saying what the screen kept and dropped (and counting its runs). */
export function withScreening(screen: SensitivityResult, sobol: SensitivityResult): SensitivityResult {
  const kept = sobol.params.map((p) => p.name);
  const dropped = screen.params.map((p) => p.name).filter((n) => !kept.includes(n));
  return {
    ...sobol,
    modelRuns: screen.modelRuns + sobol.modelRuns,
    screening: { method: 'morris', samples: screen.samples, modelRuns: screen.modelRuns, kept, dropped },
  };
}

/** A screen that found nothing to continue with: the Morris result, with the reason. */
export function screenOnly(screen: SensitivityResult): SensitivityResult {
  return {
    ...screen,
    metrics: screen.metrics.map((m) => ({
      ...m,
      warnings: [...m.warnings, `no parameter stood out of noise in the Morris screen, so no Sobol' analysis followed`],
    })),
  };
}

/** Evaluates every point of a plan on the calling thread. */
function runPlan(plan: SensitivityPlan, onPoint?: (done: number, total: number) => void): { outputs: number[][]; ses: number[][] } {
  const outputs: number[][] = [];
  const ses: number[][] = [];
  const total = plan.sweep.points.length;
  const exact = plan.solver.solver === 'exact' ? exactPlanOutputs(plan.sweep) : undefined;
  for (let i = 0; i < total; i++) {
    const p: PointOutputs = exact ? exact.at(i) : evaluatePoint(plan.sweep, plan.solver.solver, i);
    outputs.push(p.means);
    ses.push(p.ses);
    onPoint?.(i + 1, total);
  }
  return { outputs, ses };
}

/**
 * Runs a sensitivity analysis on the calling thread (Sobol' over too many parameters screens them
 * by Morris first and continues on the leaders).
 * @example
 * const r = sensitivity(scenario, { method: 'sobol', samples: 256, metrics: ['war_reached'] });
 * r.metrics[0].sobol; // [{ param, first, firstCi95, total, totalCi95, withinNoise }, …] most influential first
 */
export function sensitivity(
  scenario: ScenarioDocument,
  options: SensitivityOptions,
  onPoint?: (done: number, total: number) => void,
): SensitivityResult {
  const plan = planSensitivity(scenario, options);
  const first = runPlan(plan, onPoint);
  const result = analyseSensitivity(plan, first.outputs, first.ses);
  if (plan.screenFor === undefined) return result;
  const next = continueSensitivity(scenario, plan, result);
  if (next === undefined) return screenOnly(result);
  const second = runPlan(next, onPoint);
  return withScreening(result, analyseSensitivity(next, second.outputs, second.ses));
}
