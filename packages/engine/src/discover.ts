/**
 * Scenario discovery: which region of the parameter space leads to an outcome. PRIM (the patient
 * rule induction method of Friedman and Fisher, as used in EMA Workbench) peels small slices off a
 * box, each time the slice whose removal raises the outcome's density most, and records the
 * peeling trajectory (coverage against density). The chosen box is reported as parameter ranges
 * with a one-sided binomial test per restriction: is the box denser than it would be without it?
 */

import { defined } from './defined.ts';
import * as dm from './det-math.ts';
import { logGamma } from './distribution-quantile.ts';
import { GeoriskError, type Issue, issue, suggestion } from './errors.ts';
import { DEFAULT_SEED } from './run.ts';
import { latinHypercube } from './sampling.ts';
import type { ScenarioDocument } from './scenario-schema.ts';
import type { RunSummary } from './simulate/simulate.ts';
import { valueCounts } from './summarize.ts';
import {
  MAX_POINTS,
  type ParameterRange,
  planFromPoints,
  type ResolvedRange,
  resolveRanges,
  runSweepPoint,
  type SweepPlan,
  scaleUnitPoints,
} from './sweep.ts';

/** Points of the Latin hypercube when none are given. */
export const DEFAULT_DISCOVER_SAMPLES = 1000;
/** Trials per point when none are given. */
export const DEFAULT_DISCOVER_TRIALS = 100;
/** Below this many trials per point, points' shares are noisy and their noise is common to all points. */
export const FEW_DISCOVER_TRIALS = 1000;

/** One box: a range per parameter (unrestricted ones span the data). */
export interface PrimBox {
  /** Per parameter, in the order given. */
  limits: { param: string; lo: number; hi: number; restricted: boolean }[];
  /** Share of all outcome weight inside the box. */
  coverage: number;
  /** Mean outcome inside the box. */
  density: number;
  /** Share of points inside the box. */
  mass: number;
  points: number;
}

export interface PrimOptions {
  /** Share of the box's points peeled at each step. */
  alpha?: number;
  /** Stop peeling when fewer than this share of points remain. */
  minMass?: number;
}

/** A restriction's significance: the p-value of the box's density against the box without it. */
export interface Restriction {
  param: string;
  lo: number;
  hi: number;
  pValue: number;
}

export interface PrimResult {
  /** The peeling trajectory, from the whole space to the smallest box. */
  trajectory: PrimBox[];
  /** Index of the chosen box in the trajectory (the best balance of coverage and density, by their harmonic mean). */
  chosen: number;
  box: PrimBox;
  /** The chosen box's restricted parameters, with significance. */
  restrictions: Restriction[];
  /** p-value of the chosen box's density against the whole space's. */
  pValue: number;
  /** Mean outcome over all points. */
  baseDensity: number;
  /** True when the chosen box is the whole space (no restriction balanced coverage and density better). */
  wholeSpace: boolean;
  /** Index in the trajectory of the densest box (the last one, when peeling only ever raised density). */
  densest: number;
}

/** P(X ≥ k) for X ~ Binomial(n, p). */
export function binomialUpperTail(k: number, n: number, p: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  const lp = dm.log(p);
  const lq = dm.log1p(-p);
  const base = logGamma(n + 1);
  let total = 0;
  for (let i = k; i <= n; i++) total += dm.exp(base - logGamma(i + 1) - logGamma(n - i + 1) + i * lp + (n - i) * lq);
  return Math.min(1, total);
}

/**
 * PRIM on points `x` (rows) with outcomes `y` in [0, 1] (1 = the outcome happened; a share for
 * points that ran several trials).
 */
export function prim(
  x: readonly (readonly number[])[],
  y: readonly number[],
  names: readonly string[],
  options: PrimOptions = {},
): PrimResult {
  const alpha = options.alpha ?? 0.05;
  const minMass = options.minMass ?? 0.05;
  const n = x.length;
  const dims = names.length;
  const totalY = y.reduce((s, v) => s + v, 0);
  let inside = Array.from({ length: n }, (_, i) => i);
  const lo = names.map((_, d) => Math.min(...x.map((r) => r[d]!)));
  const hi = names.map((_, d) => Math.max(...x.map((r) => r[d]!)));
  const full = { lo: [...lo], hi: [...hi] };
  const boxOf = (rows: number[], blo: number[], bhi: number[]): PrimBox => {
    const sum = rows.reduce((s, i) => s + y[i]!, 0);
    return {
      limits: names.map((param, d) => ({
        param,
        lo: blo[d]!,
        hi: bhi[d]!,
        restricted: blo[d]! > full.lo[d]! || bhi[d]! < full.hi[d]!,
      })),
      coverage: totalY > 0 ? sum / totalY : 0,
      density: rows.length > 0 ? sum / rows.length : 0,
      mass: rows.length / n,
      points: rows.length,
    };
  };
  const trajectory = [boxOf(inside, lo, hi)];
  while (inside.length / n > minMass) {
    let best: { rows: number[]; d: number; side: 'lo' | 'hi'; bound: number; mean: number } | undefined;
    for (let d = 0; d < dims; d++) {
      const values = inside.map((i) => x[i]![d]!).sort((a, b) => a - b);
      const k = Math.max(1, Math.floor(alpha * values.length));
      for (const side of ['lo', 'hi'] as const) {
        const bound = side === 'lo' ? values[k]! : values[values.length - 1 - k]!;
        const rows = inside.filter((i) => {
          const v = x[i]![d]!;
          return side === 'lo' ? v >= bound : v <= bound;
        });
        if (rows.length === inside.length || rows.length === 0) continue;
        const mean = rows.reduce((s, i) => s + y[i]!, 0) / rows.length;
        if (best === undefined || mean > best.mean + 1e-12) best = { rows, d, side, bound, mean };
      }
    }
    if (best === undefined || best.rows.length / n < minMass) break;
    inside = best.rows;
    if (best.side === 'lo') lo[best.d] = best.bound;
    else hi[best.d] = best.bound;
    trajectory.push(boxOf(inside, lo, hi));
  }
  // The box balancing coverage and density best (their harmonic mean); ties go to the larger box.
  let chosen = 0;
  let bestScore = -1;
  trajectory.forEach((b, i) => {
    const score = b.coverage + b.density > 0 ? (2 * b.coverage * b.density) / (b.coverage + b.density) : 0;
    if (score > bestScore + 1e-12) {
      bestScore = score;
      chosen = i;
    }
  });
  const box = defined(trajectory[chosen], 'the chosen box is one of the trajectory');
  const inBox = (row: readonly number[], skip: number) => box.limits.every((l, d) => d === skip || (row[d]! >= l.lo && row[d]! <= l.hi));
  const count = (skip: number) => {
    let m = 0;
    let s = 0;
    x.forEach((row, i) => {
      if (inBox(row, skip)) {
        m++;
        s += y[i]!;
      }
    });
    return { m, s };
  };
  const here = count(-1);
  const k = Math.round(here.s);
  const restrictions: Restriction[] = [];
  box.limits.forEach((l, d) => {
    if (!l.restricted) return;
    const without = count(d);
    restrictions.push({ param: l.param, lo: l.lo, hi: l.hi, pValue: binomialUpperTail(k, here.m, without.s / without.m) });
  });
  const baseDensity = n > 0 ? totalY / n : 0;
  let densest = 0;
  trajectory.forEach((b, i) => {
    if (b.density > (trajectory[densest]?.density ?? 0) + 1e-12) densest = i;
  });
  return {
    trajectory,
    chosen,
    box,
    restrictions,
    pValue: binomialUpperTail(k, here.m, baseDensity),
    baseDensity,
    wholeSpace: chosen === 0,
    densest,
  };
}

/** A condition on one metric, checked on each trial's value: `metric op number`. */
export interface Outcome {
  metric: string;
  op: '>' | '>=' | '<' | '<=' | '==' | '!=';
  value: number;
}

/** Parses `war_reached > 0` and the like. */
export function parseOutcome(text: string, metrics: readonly string[]): Outcome {
  const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(>=|<=|==|!=|>|<)\s*(-?[0-9.]+(?:e[-+]?[0-9]+)?)\s*$/i.exec(text);
  if (!m || !Number.isFinite(Number(m[3]))) {
    throw new GeoriskError([
      issue(
        'bad_run_options',
        'outcome',
        `cannot read the outcome "${text}"`,
        'write a metric, a comparison and a number, e.g. "war_reached > 0"',
      ),
    ]);
  }
  const metric = defined(m[1], 'the outcome pattern captures a metric');
  if (!metrics.includes(metric)) {
    throw new GeoriskError([issue('bad_run_options', 'outcome', `there is no metric "${metric}"`, suggestion(metric, metrics, 'metrics'))]);
  }
  return { metric, op: m[2] as Outcome['op'], value: Number(m[3]) };
}

function holds(o: Outcome, v: number): boolean {
  switch (o.op) {
    case '>':
      return v > o.value;
    case '>=':
      return v >= o.value;
    case '<':
      return v < o.value;
    case '<=':
      return v <= o.value;
    case '==':
      return v === o.value;
    case '!=':
      return v !== o.value;
  }
}

/** The share of a point's trials whose metric value meets the outcome (values bucketed beyond the exact range). */
export function outcomeShare(plan: SweepPlan, summary: RunSummary, outcome: Outcome): number {
  const index = Object.keys(plan.scenario.metrics).indexOf(outcome.metric);
  const acc = summary.metrics[index];
  if (!acc || acc.n === 0) return 0;
  let hits = 0;
  for (const [v, c] of valueCounts(acc)) if (holds(outcome, v)) hits += c;
  return hits / acc.n;
}

export interface DiscoverOptions {
  /** `metric op number`, checked per trial, e.g. "war_reached > 0". */
  outcome: string;
  /** Parameters and ranges (every parameter with a declared range when left out). */
  vary?: ParameterRange[] | undefined;
  /** Latin-hypercube points. */
  samples?: number;
  /** Trials per point; a point's outcome is the share of its trials that meet the condition. */
  trials?: number;
  /** When set, a point counts as 1 if that share exceeds it, else 0. */
  threshold?: number;
  seed?: number;
  alpha?: number;
  minMass?: number;
  budget?: number;
}

export interface DiscoverResult extends PrimResult {
  /** Caveats in words: a whole-space choice, and few trials per point sharing their random numbers. */
  notes: string[];
  outcome: Outcome;
  params: ResolvedRange[];
  seed: number;
  trials: number;
  samples: number;
  modelRuns: number;
  warnings: Issue[];
}

/** A discovery ready to run. */
export interface DiscoverPlan {
  sweep: SweepPlan;
  outcome: Outcome;
  options: DiscoverOptions;
}

/** The shares a discovery reads, each outside its range: alpha in (0, 0.5), threshold in [0, 1), minMass in (0, 1). */
function discoverShareProblems({ alpha = 0.05, threshold, minMass = 0.05 }: DiscoverOptions): Issue[] {
  const out: Issue[] = [];
  if (!(alpha > 0 && alpha < 0.5)) {
    out.push(
      issue(
        'bad_run_options',
        'alpha',
        `\`alpha\` must lie in (0, 0.5), got ${alpha}`,
        'give the share of the box peeled per step, such as 0.05 (the default)',
      ),
    );
  }
  if (threshold !== undefined && !(threshold >= 0 && threshold < 1)) {
    const why =
      threshold < 0 ? 'every share exceeds it, so every point would count as 1' : 'no share exceeds it, so every point would count as 0';
    out.push(
      issue(
        'bad_run_options',
        'threshold',
        `\`threshold\` must lie in [0, 1), got ${threshold}: a point counts as 1 when the share of its trials meeting the outcome exceeds it, and ${why}`,
        "give a share such as 0.5, or leave it out to read each point's share as it is",
      ),
    );
  }
  if (!(minMass > 0 && minMass < 1)) {
    out.push(
      issue(
        'bad_run_options',
        'minMass',
        `\`minMass\` must lie in (0, 1), got ${minMass}: it is the smallest share of the points a box may keep`,
        'give a share such as 0.05 (the default)',
      ),
    );
  }
  return out;
}

/** Plans a discovery: a Latin hypercube over the ranges. */
export function planDiscover(scenario: ScenarioDocument, options: DiscoverOptions): DiscoverPlan {
  const seed = options.seed ?? DEFAULT_SEED;
  const samples = options.samples ?? DEFAULT_DISCOVER_SAMPLES;
  if (!Number.isInteger(samples) || samples < 10) {
    throw new GeoriskError([issue('bad_run_options', 'samples', `discovery needs at least 10 samples, got ${samples}`)]);
  }
  if (samples > MAX_POINTS) {
    const message = `discovery is limited to ${MAX_POINTS} samples (as a sweep's Latin hypercube is), got ${samples}`;
    throw new GeoriskError([issue('bad_run_options', 'samples', message, 'a few thousand points find a box')]);
  }
  const shareProblems = discoverShareProblems(options);
  if (shareProblems.length > 0) throw new GeoriskError(shareProblems);
  const params = resolveRanges(scenario, options.vary);
  const points = scaleUnitPoints(latinHypercube(samples, params.length, seed), params);
  const sweep = planFromPoints(scenario, params, points, {
    seed,
    trials: options.trials ?? DEFAULT_DISCOVER_TRIALS,
    ...(options.budget !== undefined ? { budget: options.budget } : {}),
  });
  return { sweep, outcome: parseOutcome(options.outcome, sweep.metrics), options };
}

/** Reads each point's outcome share into PRIM. */
export function analyseDiscover(plan: DiscoverPlan, shares: readonly number[]): DiscoverResult {
  const { sweep, options } = plan;
  const { threshold } = options;
  const y = threshold === undefined ? [...shares] : shares.map((s) => (s > threshold ? 1 : 0));
  const result = prim(
    sweep.points,
    y,
    sweep.params.map((p) => p.name),
    {
      ...(options.alpha !== undefined ? { alpha: options.alpha } : {}),
      ...(options.minMass !== undefined ? { minMass: options.minMass } : {}),
    },
  );
  return {
    ...result,
    notes: discoverNotes(result, sweep.trials, threshold),
    outcome: plan.outcome,
    params: sweep.params,
    seed: sweep.seed,
    trials: sweep.trials,
    samples: sweep.points.length,
    modelRuns: sweep.points.length,
    warnings: sweep.warnings,
  };
}

/** What a reader must know to read a discovery right. */
function discoverNotes(r: PrimResult, trials: number, threshold: number | undefined): string[] {
  const notes: string[] = [];
  const best = defined(r.trajectory[r.densest], 'the densest box is one of the trajectory');
  if (r.wholeSpace && r.densest > 0) {
    const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
    notes.push(
      `the chosen box is the whole space: no peeled box balanced coverage and density better, but the outcome is not equally likely everywhere: the densest box on the trajectory (step ${r.densest}) has density ${pct(best.density)} against ${pct(r.baseDensity)} overall, with coverage ${pct(best.coverage)}`,
    );
  }
  if (trials < FEW_DISCOVER_TRIALS) {
    notes.push(
      `each point ran only ${trials} trials${threshold === undefined ? '' : `, read against a threshold of ${threshold}`}, and every point reuses the same trial random numbers, so the points' noise is common rather than independent: the p-values, which treat points as independent, can overstate a box; use more trials per point`,
    );
  }
  return notes;
}

/**
 * Finds the parameter region where an outcome is most likely, on the calling thread.
 * @example
 * const r = discover(scenario, { outcome: 'war_reached > 0', samples: 500 });
 * r.restrictions; // [{ param: 'war_attempt_rate', lo: 0.006, hi: 0.0083, pValue: 1e-9 }, …]
 */
export function discover(scenario: ScenarioDocument, options: DiscoverOptions): DiscoverResult {
  const plan = planDiscover(scenario, options);
  const shares = plan.sweep.points.map((_, i) => outcomeShare(plan.sweep, runSweepPoint(plan.sweep, i), plan.outcome));
  return analyseDiscover(plan, shares);
}
