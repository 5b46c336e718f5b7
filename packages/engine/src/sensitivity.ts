/**
 * Which assumptions drive an outcome: one-at-a-time swings (tornado), Morris elementary effects
 * (μ*, μ, σ) and Sobol' first- and total-order indices (Saltelli sampling, Jansen estimators,
 * bootstrap intervals). The model output at a point is a metric's mean over the point's trials
 * (a probability for 0/1 metrics), with the same trial streams at every point.
 */

import { defined } from './defined.ts';
import * as dm from './det-math.ts';
import { normalQuantile } from './distributions.ts';
import { GeoriskError, type Issue, issue } from './errors.ts';
import { DEFAULT_SEED } from './run.ts';
import { designRng, type MorrisDesign, morrisDesign, saltelliDesign } from './sampling.ts';
import type { Distribution, ScenarioDocument } from './scenario-schema.ts';
import {
  type ParameterRange,
  planFromPoints,
  pointMeans,
  type ResolvedRange,
  resolveRanges,
  runSweepPoint,
  type SweepPlan,
  scaleUnitPoints,
} from './sweep.ts';

/** Every sensitivity method, in the order surfaces list them. */
export const SENSITIVITY_METHODS = ['tornado', 'morris', 'sobol'] as const;

/** One of `SENSITIVITY_METHODS`. */
export type SensitivityMethod = (typeof SENSITIVITY_METHODS)[number];

/** Trials per point when none are given (each point's output is a mean over them). */
export const DEFAULT_SENSITIVITY_TRIALS = 500;
/** Base samples: Saltelli's N for Sobol', trajectories for Morris. */
export const DEFAULT_SAMPLES = { morris: 20, sobol: 256 } as const;
/** Bootstrap resamples for confidence intervals. */
export const DEFAULT_RESAMPLES = 200;
/** A Sobol' interval wider than this (upper − lower) says little about the index. */
export const MAX_CI_WIDTH = 0.2;
/** Parameters whose total-order index is at least this must be ranked apart by their intervals. */
export const MIN_RANKED_INDEX = 0.05;

export interface SensitivityOptions {
  method: SensitivityMethod;
  /** Parameters and their ranges (every parameter with a declared range when left out). */
  vary?: ParameterRange[] | undefined;
  metrics?: string[];
  /** Saltelli base samples N (a power of two) or Morris trajectories. */
  samples?: number;
  /** Trials per point. */
  trials?: number;
  seed?: number;
  /** Bootstrap resamples. */
  resamples?: number;
  /** Tornado: use these percentiles of a parameter's uncertainty distribution (e.g. [10, 90]) instead of its range ends. */
  percentiles?: [number, number];
  /** Morris grid levels (even, at least 4). */
  levels?: number;
  budget?: number;
}

/** A sensitivity analysis ready to run: the points to evaluate and how to read them. */
export interface SensitivityPlan {
  method: SensitivityMethod;
  sweep: SweepPlan;
  samples: number;
  resamples: number;
  morris?: MorrisDesign;
}

export interface TornadoBar {
  param: string;
  /** Parameter values at the two ends. */
  low: number;
  high: number;
  /** Metric means at the two ends. */
  outputLow: number;
  outputHigh: number;
  /** |outputHigh − outputLow|. */
  swing: number;
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
}

export interface SobolIndex {
  param: string;
  /** First-order index: the share of variance the parameter explains alone. */
  first: number;
  firstCi95: [number, number];
  /** Total-order index: its share including every interaction. */
  total: number;
  totalCi95: [number, number];
}

/** The result for one metric, ranked (most influential first). */
export interface MetricSensitivity {
  metric: string;
  /** Metric mean at the defaults (tornado) or the output variance over the design (Sobol'). */
  base?: number;
  variance?: number;
  tornado?: TornadoBar[];
  morris?: MorrisEffect[];
  sobol?: SobolIndex[];
  warnings: string[];
}

export interface SensitivityResult {
  method: SensitivityMethod;
  params: ResolvedRange[];
  seed: number;
  trials: number;
  samples: number;
  /** Points evaluated (each one `trials` trials). */
  modelRuns: number;
  metrics: MetricSensitivity[];
  warnings: Issue[];
}

const bad = (path: string, message: string, hint?: string): never => {
  throw new GeoriskError([issue('bad_run_options', path, message, hint)]);
};

/** The p-quantile (0 < p < 1) of an uncertainty distribution with a closed-form inverse; undefined otherwise. */
export function distributionQuantile(d: Distribution, p: number): number | undefined {
  switch (d.dist) {
    case 'uniform':
      return d.min + (d.max - d.min) * p;
    case 'triangular': {
      const { min, mode, max } = d;
      const f = (mode - min) / (max - min);
      return p < f ? min + Math.sqrt(p * (max - min) * (mode - min)) : max - Math.sqrt((1 - p) * (max - min) * (max - mode));
    }
    case 'normal':
      return d.mean + d.sd * normalQuantile(p);
    case 'lognormal':
      return dm.exp(d.mu + d.sigma * normalQuantile(p));
    default:
      return undefined;
  }
}

/** Plans an analysis: its points in plan order. */
export function planSensitivity(scenario: ScenarioDocument, options: SensitivityOptions): SensitivityPlan {
  const seed = options.seed ?? DEFAULT_SEED;
  const trials = options.trials ?? DEFAULT_SENSITIVITY_TRIALS;
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  if (!Number.isInteger(resamples) || resamples < 10) bad('resamples', `at least 10 bootstrap resamples are needed, got ${resamples}`);
  const params = resolveRanges(scenario, options.vary);
  const common = {
    seed,
    trials,
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...(options.budget !== undefined ? { budget: options.budget } : {}),
  };
  const dims = params.length;
  switch (options.method) {
    case 'tornado': {
      const ends = params.map((p) => tornadoEnds(scenario, p, options.percentiles));
      const points: number[][] = [];
      // Point 0 leaves every parameter as the scenario has it; then each parameter alone at each end.
      // The defaults of the others are written out, so every point fixes the same parameters.
      const defaults = params.map((p) => defined(scenario.parameters[p.name], 'a varied parameter of the scenario').default);
      points.push(defaults);
      ends.forEach(([lo, hi], d) => {
        for (const v of [lo, hi]) {
          const row = [...defaults];
          row[d] = v;
          points.push(row);
        }
      });
      return { method: 'tornado', sweep: planFromPoints(scenario, params, points, common), samples: 1, resamples };
    }
    case 'morris': {
      const samples = options.samples ?? DEFAULT_SAMPLES.morris;
      if (!Number.isInteger(samples) || samples < 2) bad('samples', `Morris needs at least 2 trajectories, got ${samples}`);
      const levels = options.levels ?? 4;
      if (!Number.isInteger(levels) || levels < 4 || levels % 2 !== 0) bad('levels', `Morris levels must be even and >= 4, got ${levels}`);
      const design = morrisDesign(samples, dims, seed, levels);
      const points = scaleUnitPoints(design.points, params);
      return { method: 'morris', sweep: planFromPoints(scenario, params, points, common), samples, resamples, morris: design };
    }
    case 'sobol': {
      const samples = options.samples ?? DEFAULT_SAMPLES.sobol;
      const unit = saltelliDesign(samples, dims, seed);
      const points = scaleUnitPoints(unit, params);
      return { method: 'sobol', sweep: planFromPoints(scenario, params, points, common), samples, resamples };
    }
    default:
      return bad(
        'method',
        `unknown method "${String(options.method)}"`,
        `choose ${SENSITIVITY_METHODS.slice(0, -1).join(', ')} or ${SENSITIVITY_METHODS.at(-1)}`,
      );
  }
}

function tornadoEnds(scenario: ScenarioDocument, p: ResolvedRange, percentiles: [number, number] | undefined): [number, number] {
  if (percentiles === undefined) return [p.lo, p.hi];
  const [a, b] = percentiles;
  if (!(a > 0 && a < b && b < 100)) bad('percentiles', `percentiles must satisfy 0 < low < high < 100, got ${a},${b}`);
  const d = scenario.parameters[p.name]?.uncertainty;
  if (d === undefined) return [p.lo, p.hi];
  const lo = distributionQuantile(d, a / 100);
  const hi = distributionQuantile(d, b / 100);
  if (lo === undefined || hi === undefined) {
    return bad(
      'percentiles',
      `percentiles of a ${d.dist} distribution (parameter "${p.name}") are not available`,
      'leave out `percentiles` to use the range ends, or give the range in `vary`',
    );
  }
  return [lo, hi];
}

/**
 * Reads the metric means of every point (`outputs[point][metric]`) into indices per metric.
 */
export function analyseSensitivity(plan: SensitivityPlan, outputs: readonly (readonly number[])[]): SensitivityResult {
  const { sweep } = plan;
  const metrics: MetricSensitivity[] = sweep.metrics.map((metric, m) => {
    // A point without this metric reads as NaN, as a typed array stores a missing number.
    const y = Float64Array.from(outputs, (row) => row[m] ?? Number.NaN);
    const result: MetricSensitivity = { metric, warnings: [] };
    if (plan.method === 'tornado') {
      const output = (point: number) => defined(y[point], 'an output for each tornado point');
      const value = (point: number, d: number) => defined(sweep.points[point]?.[d], 'a tornado point fixes every parameter');
      result.base = output(0);
      result.tornado = sweep.params
        .map((p, d) => {
          const outputLow = output(1 + 2 * d);
          const outputHigh = output(2 + 2 * d);
          return {
            param: p.name,
            low: value(1 + 2 * d, d),
            high: value(2 + 2 * d, d),
            outputLow,
            outputHigh,
            swing: Math.abs(outputHigh - outputLow),
          };
        })
        .sort((a, b) => b.swing - a.swing || a.param.localeCompare(b.param));
    } else if (plan.method === 'morris') {
      const effects = morrisEffects(plan.morris as MorrisDesign, y, { resamples: plan.resamples, seed: sweep.seed });
      result.morris = sweep.params
        .map((p, d) => ({ param: p.name, ...defined(effects[d], 'Morris effects for each parameter') }))
        .sort((a, b) => b.muStar - a.muStar || a.param.localeCompare(b.param));
    } else {
      const indices = sobolIndices(y, plan.samples, sweep.params.length, { resamples: plan.resamples, seed: sweep.seed });
      result.variance = indices.variance;
      result.sobol = sweep.params
        .map((p, d) => ({
          param: p.name,
          first: sobolEstimate(indices.first, d),
          firstCi95: sobolEstimate(indices.firstCi95, d),
          total: sobolEstimate(indices.total, d),
          totalCi95: sobolEstimate(indices.totalCi95, d),
        }))
        .sort((a, b) => b.total - a.total || a.param.localeCompare(b.param));
      if (!(indices.variance > 0)) {
        result.warnings.push(`${metric} does not vary over these ranges: its indices are undefined`);
      } else {
        const width = (ci: [number, number]) => ci[1] - ci[0];
        const wide = result.sobol.filter((s) => Math.max(width(s.totalCi95), width(s.firstCi95)) > MAX_CI_WIDTH);
        // Neighbours in the ranking whose total-order intervals overlap, among parameters that matter.
        const unresolved: string[] = [];
        result.sobol.forEach((s, i) => {
          const next = result.sobol?.[i + 1];
          if (next && s.total >= MIN_RANKED_INDEX && next.totalCi95[1] >= s.totalCi95[0]) unresolved.push(`${s.param} / ${next.param}`);
        });
        if (wide.length > 0 || unresolved.length > 0) {
          const parts: string[] = [];
          if (wide.length > 0) {
            const widest = Math.max(...wide.map((s) => Math.max(width(s.totalCi95), width(s.firstCi95))));
            parts.push(`intervals up to ${widest.toFixed(2)} wide (${wide.map((s) => s.param).join(', ')})`);
          }
          if (unresolved.length > 0) parts.push(`overlapping total-order intervals (${unresolved.join(', ')})`);
          result.warnings.push(
            `${metric}: confidence intervals are too wide for the ranking to hold: ${parts.join('; ')}; use more samples (now ${plan.samples}) or more trials (now ${sweep.trials})`,
          );
        }
      }
    }
    return result;
  });
  return {
    method: plan.method,
    params: sweep.params,
    seed: sweep.seed,
    trials: sweep.trials,
    samples: plan.samples,
    modelRuns: sweep.points.length,
    metrics,
    warnings: sweep.warnings,
  };
}

/**
 * Runs a sensitivity analysis on the calling thread.
 * @example
 * const r = sensitivity(scenario, { method: 'sobol', samples: 256, metrics: ['war_reached'] });
 * r.metrics[0].sobol; // [{ param, first, firstCi95, total, totalCi95 }, …] most influential first
 */
export function sensitivity(
  scenario: ScenarioDocument,
  options: SensitivityOptions,
  onPoint?: (done: number, total: number) => void,
): SensitivityResult {
  const plan = planSensitivity(scenario, options);
  const outputs: number[][] = [];
  const total = plan.sweep.points.length;
  for (let i = 0; i < total; i++) {
    outputs.push(pointMeans(plan.sweep, runSweepPoint(plan.sweep, i)));
    onPoint?.(i + 1, total);
  }
  return analyseSensitivity(plan, outputs);
}

function sobolEstimate<T>(estimates: readonly T[], d: number): T {
  return defined(estimates[d], 'Sobol estimates for each parameter');
}

/** Percentile interval of bootstrap replicates. */
function percentileInterval(values: Float64Array, level = 0.95): [number, number] {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  const at = (q: number) => {
    const pos = q * (n - 1);
    const i = Math.floor(pos);
    const f = pos - i;
    return sorted[i]! * (1 - f) + sorted[Math.min(n - 1, i + 1)]! * f;
  };
  return [at((1 - level) / 2), at(1 - (1 - level) / 2)];
}

/** What `sobolIndices` returns: per parameter, in design order. */
export interface SobolEstimates {
  variance: number;
  first: number[];
  total: number[];
  firstCi95: [number, number][];
  totalCi95: [number, number][];
}

function jansen(y: Float64Array, rows: number[], dims: number): { variance: number; first: Float64Array; total: Float64Array } {
  const width = dims + 2;
  const n = rows.length;
  // Variance over all A and B outputs of the rows.
  let sum = 0;
  let sumSq = 0;
  for (const j of rows) {
    const a = y[j * width]!;
    const b = y[j * width + width - 1]!;
    sum += a + b;
    sumSq += a * a + b * b;
  }
  const mean = sum / (2 * n);
  const variance = sumSq / (2 * n) - mean * mean;
  const first = new Float64Array(dims);
  const total = new Float64Array(dims);
  for (let d = 0; d < dims; d++) {
    let f = 0;
    let t = 0;
    for (const j of rows) {
      const a = y[j * width]!;
      const b = y[j * width + width - 1]!;
      const ab = y[j * width + 1 + d]!;
      f += (b - ab) * (b - ab);
      t += (a - ab) * (a - ab);
    }
    // Jansen (1999): V_i = V − ½E[(f(B) − f(A_B^i))²], V_Ti = ½E[(f(A) − f(A_B^i))²].
    first[d] = (variance - f / (2 * n)) / variance;
    total[d] = t / (2 * n) / variance;
  }
  return { variance, first, total };
}

/**
 * First- and total-order Sobol' indices from the outputs of a Saltelli design (`saltelliDesign`
 * order: per base row A, AB^1 … AB^D, B) by Jansen's estimators, with percentile-bootstrap 95%
 * intervals over resampled base rows.
 */
export function sobolIndices(
  y: Float64Array,
  n: number,
  dims: number,
  options: { resamples?: number; seed?: number } = {},
): SobolEstimates {
  if (y.length !== n * (dims + 2)) throw new Error(`expected ${n * (dims + 2)} outputs, got ${y.length}`);
  const all = Array.from({ length: n }, (_, j) => j);
  const point = jansen(y, all, dims);
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const rng = designRng(options.seed ?? DEFAULT_SEED, 4);
  const firstBoot = Array.from({ length: dims }, () => new Float64Array(resamples));
  const totalBoot = Array.from({ length: dims }, () => new Float64Array(resamples));
  const rows = new Array<number>(n);
  for (let r = 0; r < resamples; r++) {
    for (let j = 0; j < n; j++) rows[j] = Math.floor(rng.uniform() * n);
    const est = jansen(y, rows, dims);
    for (let d = 0; d < dims; d++) {
      firstBoot[d]![r] = est.first[d]!;
      totalBoot[d]![r] = est.total[d]!;
    }
  }
  const ok = point.variance > 0;
  return {
    variance: point.variance,
    first: Array.from(point.first, (x) => (ok ? x : Number.NaN)),
    total: Array.from(point.total, (x) => (ok ? x : Number.NaN)),
    firstCi95: firstBoot.map((b) => (ok ? percentileInterval(b) : [Number.NaN, Number.NaN])),
    totalCi95: totalBoot.map((b) => (ok ? percentileInterval(b) : [Number.NaN, Number.NaN])),
  };
}

/** Morris statistics per parameter (design order) from the outputs of a `morrisDesign`. */
export function morrisEffects(
  design: MorrisDesign,
  y: Float64Array,
  options: { resamples?: number; seed?: number } = {},
): Omit<MorrisEffect, 'param'>[] {
  const trajectories = design.moves.length;
  const dims = design.moves[0]?.length ?? 0;
  // effects[d][t]: the elementary effect of parameter d on trajectory t, per unit of the scaled range.
  const effects = Array.from({ length: dims }, () => new Float64Array(trajectories));
  design.moves.forEach((steps, t) => {
    steps.forEach(({ dim, delta }, k) => {
      const before = y[t * (dims + 1) + k]!;
      const after = y[t * (dims + 1) + k + 1]!;
      effects[dim]![t] = (after - before) / delta;
    });
  });
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const rng = designRng(options.seed ?? DEFAULT_SEED, 5);
  const picks = Array.from({ length: resamples }, () =>
    Array.from({ length: trajectories }, () => Math.floor(rng.uniform() * trajectories)),
  );
  return effects.map((e) => {
    let mu = 0;
    let muStar = 0;
    for (const x of e) {
      mu += x;
      muStar += Math.abs(x);
    }
    mu /= trajectories;
    muStar /= trajectories;
    let ss = 0;
    for (const x of e) ss += (x - mu) * (x - mu);
    const sigma = trajectories > 1 ? Math.sqrt(ss / (trajectories - 1)) : 0;
    const boot = Float64Array.from(picks, (pick) => pick.reduce((s, t) => s + Math.abs(e[t]!), 0) / trajectories);
    return { muStar, muStarCi95: percentileInterval(boot), mu, sigma };
  });
}
