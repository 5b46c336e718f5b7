/**
 * Parameter sweeps: a plan of points (parameter values) × chunks of trials, and one row of
 * statistics per point. Every point runs the same seed, so trial i draws the same streams at every
 * point (common random numbers): differences between points are the parameters' doing, not noise.
 * The engine runs a plan on the calling thread (`sweep`); the CLI hands the same (point, chunk)
 * tasks to worker threads, and because summaries merge exactly, both give the same bits.
 */

import { type Chunk, planChunks, SWEEP_CHUNK_TRIALS } from './chunks/plan-chunks.ts';
import { csvCell } from './csv-cell.ts';
import { defined } from './defined.ts';
import { GeoriskError, type Issue, issue, suggestion } from './errors.ts';
import { contentHash } from './hash.ts';
import { metricFacts } from './model/metric-facts.ts';
import { buildModel, type Model, type Overrides } from './model/model.ts';
import { describeLevels, levelAt, parameterLevels } from './parameter-levels.ts';
import { checkRunOptions, DEFAULT_SEED } from './run.ts';
import { fullFactorial, latinHypercube, linspace, sobolPoints } from './sampling.ts';
import type { ScenarioDocument } from './scenario-schema.ts';
import { emptySummary, mergeSummaries, type RunSummary, simulate } from './simulate/simulate.ts';
import { type MetricFacts, QUANTILES, type QuantileName, summarizeMetric, summarizeWithFacts } from './summarize.ts';
import { ENGINE_VERSION } from './version.ts';

/** Trials per point when none are given. */
export const DEFAULT_SWEEP_TRIALS = 1000;

export type { QuantileName };
/** Quantile columns of a sweep row when none are chosen. */
export const DEFAULT_SWEEP_QUANTILES: readonly QuantileName[] = ['p5', 'p50', 'p95'];
/** Most points one plan may hold. */
export const MAX_POINTS = 10_000_000;
/**
 * Most values (points × varied parameters) one plan may hold: every point is built before the first
 * row runs, and 10,000,000 points of 10 parameters took 6.3 GB. 20,000,000 values hold about 0.5 GB.
 */
export const MAX_PLAN_VALUES = 20_000_000;

/** Refuses a design whose points would hold more than MAX_PLAN_VALUES values, before any is built. */
function checkPlanValues(points: number, params: number, path: string): void {
  if (points * params <= MAX_PLAN_VALUES) return;
  const most = Math.floor(MAX_PLAN_VALUES / Math.max(1, params));
  fail(
    path,
    `${points} points of ${params} parameters make ${points * params} values, more than the ${MAX_PLAN_VALUES} one plan may hold in memory`,
    `use at most ${most} points with ${params} parameters, or vary fewer parameters`,
  );
}

/** A parameter to vary: between `lo` and `hi` (its declared range when left out), in `n` grid steps. */
export interface ParameterRange {
  name: string;
  lo?: number | undefined;
  hi?: number | undefined;
  /** Grid levels (grid designs only), at least 2. */
  n?: number | undefined;
}

/** A parameter range with its bounds settled. */
export interface ResolvedRange {
  name: string;
  lo: number;
  hi: number;
  n?: number;
  /** A switch's or choice's values within [lo, hi], in order: designs sample only these. */
  levels?: number[];
}

/** Where the points of a sweep come from. */
export type SweepDesign =
  | { method: 'grid'; vary: ParameterRange[] }
  | { method: 'lhs' | 'sobol'; samples: number; vary?: ParameterRange[] | undefined }
  | { method: 'points'; params: string[]; points: number[][] };

export interface SweepOptions {
  design: SweepDesign;
  /** Trials per point. */
  trials?: number;
  seed?: number;
  /** Metrics to report (all when left out). */
  metrics?: string[];
  /** Quantile columns per metric. */
  quantiles?: QuantileName[];
  /** Ceiling on trials × steps per point. */
  budget?: number;
}

/** Everything needed to run a sweep and write its rows, in plain data (it crosses workers). */
export interface SweepPlan {
  scenario: ScenarioDocument;
  seed: number;
  trials: number;
  params: ResolvedRange[];
  /** Parameter values of each point, in plan order. */
  points: number[][];
  chunks: Chunk[];
  metrics: string[];
  quantiles: QuantileName[];
  /** Column names of a row: `point`, the parameters, then per metric mean, se, lo, hi and quantiles. */
  columns: string[];
  /** Hash of everything that determines the rows (for resuming). */
  fingerprint: string;
  warnings: Issue[];
}

const fail = (path: string, message: string, hint?: string): never => {
  throw new GeoriskError([issue('bad_run_options', path, message, hint)]);
};

/**
 * Settles the bounds of each range from the scenario: unknown names, bounds outside the declared
 * range, empty ranges and (for grids) fewer than 2 levels are errors. With no ranges at all, every
 * parameter that declares a non-empty range is varied over it. Issue paths start with `at`, the
 * option that holds the ranges (`vary`, or `design.vary` in a sweep).
 */
export function resolveRanges(scenario: ScenarioDocument, vary: ParameterRange[] | undefined, grid = false, at = 'vary'): ResolvedRange[] {
  const names = Object.keys(scenario.parameters);
  const problems: Issue[] = [];
  if (vary === undefined || vary.length === 0) {
    if (grid) fail(at, 'a grid needs at least one parameter range', 'give each varied parameter lo, hi and n levels');
    const all: ResolvedRange[] = [];
    for (const name of names) {
      const p = scenario.parameters[name];
      const levels = p === undefined ? undefined : parameterLevels(p);
      if (levels !== undefined) all.push(withLevels(name, Math.min(...levels), Math.max(...levels), levels));
      else if (p?.range && p.range[0] < p.range[1]) all.push({ name, lo: p.range[0], hi: p.range[1] });
    }
    if (all.length === 0) fail(at, 'no parameter declares a range to vary', `name the parameters in \`vary\`, with bounds lo and hi`);
    return all;
  }
  const seen = new Set<string>();
  const out: ResolvedRange[] = [];
  for (const r of vary) {
    const path = `${at}.${r.name}`;
    const p = Object.hasOwn(scenario.parameters, r.name) ? scenario.parameters[r.name] : undefined;
    if (!p) {
      problems.push(issue('bad_override', path, `there is no parameter "${r.name}"`, suggestion(r.name, names, 'parameters')));
      continue;
    }
    if (seen.has(r.name)) {
      problems.push(issue('bad_override', path, `"${r.name}" is varied twice`, 'give each parameter one range'));
      continue;
    }
    seen.add(r.name);
    if (!grid && r.n !== undefined) {
      // A sampled design (Latin hypercube, Sobol', Morris) draws its points across lo:hi: levels would be silently ignored.
      const message = `"${r.name}" is given ${r.n} levels, which only a grid uses: this design draws its points anywhere in the range`;
      problems.push(issue('bad_override', path, message, 'leave out the levels (give lo and hi only), or make the sweep a grid'));
      continue;
    }
    const levels = parameterLevels(p);
    const declared = p.range ?? (levels === undefined ? undefined : ([Math.min(...levels), Math.max(...levels)] as const));
    const lo = r.lo ?? declared?.[0];
    const hi = r.hi ?? declared?.[1];
    if (lo === undefined || hi === undefined) {
      problems.push(issue('bad_override', path, `"${r.name}" declares no range`, `give it bounds lo and hi${grid ? ' and n levels' : ''}`));
      continue;
    }
    if (!Number.isFinite(lo) || !Number.isFinite(hi) || !(lo < hi)) {
      problems.push(issue('bad_override', path, `the range ${lo}:${hi} of "${r.name}" is empty`, 'make lo smaller than hi'));
      continue;
    }
    if (declared && (lo < declared[0] || hi > declared[1])) {
      problems.push(
        issue(
          'bad_override',
          path,
          `the range ${lo}:${hi} of "${r.name}" goes outside its declared range [${declared[0]}, ${declared[1]}]`,
          'stay inside it, or widen the range in the scenario if the values are plausible',
        ),
      );
      continue;
    }
    if (levels !== undefined) {
      const range = withLevels(r.name, lo, hi, levels);
      if ((range.levels?.length ?? 0) < 2) {
        const message = `the range ${lo}:${hi} of "${r.name}" holds fewer than 2 of its values ${describeLevels(levels)}`;
        problems.push(issue('bad_override', path, message, 'widen the range, or set the parameter with --set instead of varying it'));
      } else out.push(range);
      continue;
    }
    if (grid) {
      if (r.n === undefined || !Number.isInteger(r.n) || r.n < 2) {
        problems.push(
          issue(
            'bad_override',
            path,
            `a grid needs at least 2 levels per parameter, got ${r.n ?? 'none'}`,
            `give it n of at least 2 levels, e.g. 5`,
          ),
        );
        continue;
      }
      out.push({ name: r.name, lo, hi, n: r.n });
    } else out.push({ name: r.name, lo, hi });
  }
  if (problems.length > 0) throw new GeoriskError(problems);
  return out;
}

/** A switch or choice varied over [lo, hi]: its values there, and a grid of all of them. */
function withLevels(name: string, lo: number, hi: number, levels: readonly number[]): ResolvedRange {
  const inside = levels.filter((v) => v >= lo && v <= hi);
  return { name, lo, hi, levels: inside };
}

/** Maps a unit value onto a range: linearly, or onto one of a switch's or choice's values. */
export function scaleUnit(r: ResolvedRange, u: number): number {
  return r.levels === undefined ? r.lo + (r.hi - r.lo) * u : levelAt(r.levels, u);
}

/** Maps unit-cube rows (row-major, `dims` wide) onto parameter ranges. */
export function scaleUnitPoints(unit: Float64Array, ranges: ResolvedRange[]): number[][] {
  const dims = ranges.length;
  const n = unit.length / dims;
  const out: number[][] = [];
  for (let i = 0; i < n; i++) {
    out.push(ranges.map((r, d) => scaleUnit(r, unit[i * dims + d]!)));
  }
  return out;
}

function checkSamples(samples: number, what: string): void {
  if (!Number.isInteger(samples) || samples < 2) fail('design.samples', `${what} needs at least 2 samples, got ${samples}`);
  if (samples > MAX_POINTS) fail('design.samples', `${what} is limited to ${MAX_POINTS} samples, got ${samples}`);
}

/** Points of a design, with their parameters. */
export function designPoints(
  scenario: ScenarioDocument,
  design: SweepDesign,
  seed: number,
): { params: ResolvedRange[]; points: number[][] } {
  switch (design.method) {
    case 'grid': {
      const params = resolveRanges(scenario, design.vary, true, 'design.vary');
      const count = params.reduce((n, p) => n * (p.levels?.length ?? (p.n as number)), 1);
      if (count > MAX_POINTS) fail('design.vary', `the grid has ${count} points, more than the limit of ${MAX_POINTS}`);
      checkPlanValues(count, params.length, 'design.vary');
      return { params, points: fullFactorial(params.map((p) => p.levels ?? linspace(p.lo, p.hi, p.n as number))) };
    }
    case 'lhs':
    case 'sobol': {
      checkSamples(design.samples, design.method === 'lhs' ? 'a Latin hypercube' : "a Sobol' sweep");
      const params = resolveRanges(scenario, design.vary, false, 'design.vary');
      checkPlanValues(design.samples, params.length, 'design.samples');
      const unit =
        design.method === 'lhs' ? latinHypercube(design.samples, params.length, seed) : sobolPoints(design.samples, params.length, seed);
      return { params, points: scaleUnitPoints(unit, params) };
    }
    case 'points': {
      const names = Object.keys(scenario.parameters);
      const problems = design.params
        .filter((name) => !Object.hasOwn(scenario.parameters, name))
        .map((name) =>
          issue('bad_override', `design.params.${name}`, `there is no parameter "${name}"`, suggestion(name, names, 'parameters')),
        );
      if (problems.length > 0) throw new GeoriskError(problems);
      return { params: design.params.map((name) => ({ name, lo: Number.NaN, hi: Number.NaN })), points: design.points };
    }
  }
}

/**
 * Plans a sweep: checks every option and the scenario (once, with the first point's values), and
 * lists the points, chunks and columns.
 */
export function planSweep(scenario: ScenarioDocument, options: SweepOptions): SweepPlan {
  const seed = options.seed ?? DEFAULT_SEED;
  const trials = options.trials ?? DEFAULT_SWEEP_TRIALS;
  const { params, points } = designPoints(scenario, options.design, seed);
  return planFromPoints(scenario, params, points, { ...options, seed, trials });
}

/** Plans a sweep over given points (the designs of sensitivity and discovery use it). */
export function planFromPoints(
  scenario: ScenarioDocument,
  params: ResolvedRange[],
  points: number[][],
  options: { seed: number; trials: number; metrics?: string[]; quantiles?: QuantileName[]; budget?: number },
): SweepPlan {
  const { seed, trials } = options;
  const first = points[0];
  const model = buildModel(scenario, first ? overridesOf(params, first) : {});
  checkRunOptions(model, { trials, seed, ...(options.budget !== undefined ? { budget: options.budget } : {}) });
  const metrics = chooseMetrics(model, options.metrics);
  const quantiles = options.quantiles ?? [...DEFAULT_SWEEP_QUANTILES];
  for (const q of quantiles) {
    if (!Object.hasOwn(QUANTILES, q)) {
      fail('quantiles', `unknown quantile "${q}"`, `choose from ${Object.keys(QUANTILES).join(', ')}`);
    }
  }
  const columns = ['point', ...params.map((p) => p.name)];
  for (const m of metrics) columns.push(`${m}.mean`, `${m}.se`, `${m}.lo`, `${m}.hi`, ...quantiles.map((q) => `${m}.${q}`));
  const fingerprint = contentHash({
    engine: ENGINE_VERSION,
    scenario,
    seed,
    trials,
    params,
    points,
    metrics,
    quantiles,
  });
  return {
    scenario,
    seed,
    trials,
    params,
    points,
    chunks: planChunks(trials, SWEEP_CHUNK_TRIALS),
    metrics,
    quantiles,
    columns,
    fingerprint,
    warnings: model.warnings.filter((w) => w.code !== 'bad_override'),
  };
}

/** Checks metric names against the model; all metrics when none are named. */
export function chooseMetrics(model: Model, wanted: string[] | undefined): string[] {
  const all = model.metrics.map((m) => m.name);
  if (wanted === undefined || wanted.length === 0) return all;
  const problems = wanted
    .filter((m) => !all.includes(m))
    .map((m) => issue('bad_run_options', 'metrics', `there is no metric "${m}"`, suggestion(m, all, 'metrics')));
  if (problems.length > 0) throw new GeoriskError(problems);
  return [...new Set(wanted)];
}

/** The parameter values of a point as overrides. */
export function overridesOf(params: readonly ResolvedRange[], values: readonly number[]): Overrides {
  const out: Overrides = {};
  params.forEach((p, d) => {
    out[p.name] = defined(values[d], 'a value for each varied parameter');
  });
  return out;
}

function planPoint(plan: SweepPlan, index: number): number[] {
  return defined(plan.points[index], 'a sweep point index within its plan');
}

/** The overrides of point `index` of a plan. */
export function pointOverrides(plan: SweepPlan, index: number): Overrides {
  return overridesOf(plan.params, planPoint(plan, index));
}

/**
 * The model of `base` with some parameters fixed at given values, as `buildModel(scenario, overrides)`
 * would build it (a fixed value replaces the parameter's uncertainty) but without compiling the
 * scenario again: compiling costs about as much as a few hundred trials, so sweeps of many points
 * compile once. Names must be parameters of the model and values finite (plans check both).
 */
export function withParameterValues(base: Model, overrides: Overrides): Model {
  const values = Float64Array.from(base.params.values);
  const uncertainty = [...base.params.uncertainty];
  for (const [name, value] of Object.entries(overrides)) {
    const i = base.params.names.indexOf(name);
    if (i < 0 || !Number.isFinite(value)) throw new Error(`cannot set parameter "${name}" to ${value}`);
    values[i] = value;
    uncertainty[i] = undefined;
  }
  return { ...base, params: { names: base.params.names, values, uncertainty } };
}

const baseModels = new WeakMap<SweepPlan, Model>();

/** The plan's scenario compiled once (per thread), with no overrides. */
export function planModel(plan: SweepPlan): Model {
  let model = baseModels.get(plan);
  if (model === undefined) {
    model = buildModel(plan.scenario);
    baseModels.set(plan, model);
  }
  return model;
}

/** Runs one point of a plan on the calling thread, chunk by chunk, and merges the chunks. */
export function runSweepPoint(plan: SweepPlan, index: number): RunSummary {
  const model = withParameterValues(planModel(plan), pointOverrides(plan, index));
  const total = emptySummary(model);
  for (const chunk of plan.chunks) {
    mergeSummaries(total, simulate(model, { seed: plan.seed, firstTrial: chunk.firstTrial, trials: chunk.trials }));
  }
  return total;
}

/** The metric index of each reported metric, for a model built from the plan's scenario. */
function metricIndexes(plan: SweepPlan, summary: RunSummary): number[] {
  const names = Object.keys(plan.scenario.metrics);
  if (names.length !== summary.metrics.length) throw new Error('summary does not match the plan');
  // A map, not indexOf: a document may declare thousands of metrics, and a server computes rows on its event loop.
  const at = new Map(names.map((name, i) => [name, i]));
  return plan.metrics.map((m) => at.get(m) ?? -1);
}

/** What a sweep's rows need to know of each metric, in the scenario's order (see `MetricFacts`). */
export type SweepRowFacts = readonly MetricFacts[];

/**
 * The facts of each metric a sweep's rows need. It builds the plan's model: a server computes them
 * where it plans, off its event loop, and hands them to `sweepRow`.
 */
export function sweepRowFacts(plan: SweepPlan): MetricFacts[] {
  return metricFacts(planModel(plan));
}

const factsCache = new WeakMap<SweepPlan, SweepRowFacts>();

/** The plan's `sweepRowFacts`, once per plan. */
function factsOf(plan: SweepPlan): SweepRowFacts {
  let facts = factsCache.get(plan);
  if (facts === undefined) {
    facts = sweepRowFacts(plan);
    factsCache.set(plan, facts);
  }
  return facts;
}

/** Metric i of a point's summary, with the facts of its plan. */
function summarizeAt(summary: RunSummary, i: number, facts: SweepRowFacts) {
  return summarizeWithFacts(summaryMetric(summary, i), defined(facts[i], 'facts for each metric of the plan'));
}

function summaryMetric(summary: RunSummary, i: number): RunSummary['metrics'][number] {
  return defined(summary.metrics[i], 'a summary holds every metric of its plan');
}

/** The numbers of one row, in column order; `facts` (`sweepRowFacts`) are computed from the plan when not given. */
export function sweepRow(plan: SweepPlan, index: number, summary: RunSummary, facts: SweepRowFacts = factsOf(plan)): number[] {
  const row = [index, ...planPoint(plan, index)];
  const indexes = metricIndexes(plan, summary);
  for (const i of indexes) {
    const s = summarizeAt(summary, i, facts);
    const [lo, hi] = s.probability ? s.probability.ci95 : s.ci95;
    row.push(s.mean, s.se, lo, hi, ...plan.quantiles.map((q) => s.quantiles[q]));
  }
  return row;
}

/** The standard error of each reported metric's mean at a point (the sampling error of `pointMeans`). */
export function pointSes(plan: SweepPlan, summary: RunSummary): number[] {
  return metricIndexes(plan, summary).map((i) => summarizeMetric(summaryMetric(summary, i), false).se);
}

/** The mean of each reported metric at a point (probabilities for 0/1 metrics). */
export function pointMeans(plan: SweepPlan, summary: RunSummary): number[] {
  const indexes = metricIndexes(plan, summary);
  return indexes.map((i) => {
    const s = summarizeMetric(summaryMetric(summary, i), false);
    return s.mean;
  });
}

/** One reported metric's estimate at a point, for a table people read. */
export interface PointEstimate {
  metric: string;
  mean: number;
  /** The 95% interval (Wilson's for probabilities). */
  lo: number;
  hi: number;
  /** Whether every trial gave 0 or 1, so the mean is a probability. */
  probability: boolean;
}

/** The estimate of each reported metric at a point, in plan order. */
export function pointEstimates(plan: SweepPlan, summary: RunSummary): PointEstimate[] {
  const facts = factsOf(plan);
  return metricIndexes(plan, summary).map((i, k) => {
    const s = summarizeAt(summary, i, facts);
    const [lo, hi] = s.probability ? s.probability.ci95 : s.ci95;
    return { metric: plan.metrics[k] as string, mean: s.mean, lo, hi, probability: s.probability !== undefined };
  });
}

/** A number as text that reads back to the same double ("NaN" for a missing value in CSV). */
function numberText(x: number): string {
  return Number.isFinite(x) ? String(x) : Number.isNaN(x) ? 'NaN' : x > 0 ? 'Inf' : '-Inf';
}

/** Row formats of sweep output. */
export type SweepFormat = 'csv' | 'jsonl';

/** The text before the first row (a CSV header line; nothing for JSON Lines). */
export function formatSweepHeader(plan: SweepPlan, format: SweepFormat): string {
  return format === 'csv' ? `${plan.columns.map(csvCell).join(',')}\n` : '';
}

/** One row as a line of text (CSV, or a JSON object with the column names as keys; null for missing numbers). */
export function formatSweepRow(plan: SweepPlan, row: readonly number[], format: SweepFormat): string {
  if (format === 'csv') return `${row.map(numberText).join(',')}\n`;
  const obj: Record<string, number | null> = {};
  plan.columns.forEach((c, i) => {
    const x = row[i];
    obj[c] = x !== undefined && Number.isFinite(x) ? x : null;
  });
  return `${JSON.stringify(obj)}\n`;
}

/** The result of `sweep()`. */
export interface SweepResult {
  columns: string[];
  /** One row per point, in plan order. */
  rows: number[][];
  params: ResolvedRange[];
  metrics: string[];
  seed: number;
  trials: number;
  fingerprint: string;
}

/**
 * Runs a parameter sweep on the calling thread; `onRow` sees each row as it is finished.
 * @example
 * const { columns, rows } = sweep(scenario, { design: { method: 'grid', vary: [{ name: 'war_rate', lo: 0, hi: 0.1, n: 5 }] }, trials: 2000 });
 */
export function sweep(
  scenario: ScenarioDocument,
  options: SweepOptions,
  onRow?: (row: number[], index: number, total: number) => void,
): SweepResult {
  const plan = planSweep(scenario, options);
  const rows: number[][] = [];
  plan.points.forEach((_, i) => {
    const row = sweepRow(plan, i, runSweepPoint(plan, i));
    rows.push(row);
    onRow?.(row, i, plan.points.length);
  });
  return {
    columns: plan.columns,
    rows,
    params: plan.params,
    metrics: plan.metrics,
    seed: plan.seed,
    trials: plan.trials,
    fingerprint: plan.fingerprint,
  };
}
