/**
 * Two-level runs: parameter draws from the priors (outer level), each solved exactly or run as
 * trials in chunks (inner level) on any lanes, then one band per metric. Draw i's trials are trials
 * i·T … i·T + T − 1 of the seed, so draws never share random numbers, and chunks merge in order:
 * the same result for any lanes.
 */
import type { ExactTask, SweepPointChunkTask } from '../chunks/chunk-task.ts';
import { ModelCache } from '../chunks/model-cache.ts';
import { chunkAt } from '../chunks/plan-chunks.ts';
import { exactHereLane, runChunkTask } from '../chunks/run-chunk-task.ts';
import { type CancelSignal, type Lane, scheduleChunks } from '../chunks/schedule-chunks.ts';
import type { ExactResult } from '../exact/index.ts';
import { buildModel, type Model } from '../model/model.ts';
import { scenarioHash } from '../results.ts';
import type { ScenarioDocument } from '../scenario-schema.ts';
import { emptySummary, mergeSummaries, type RunSummary } from '../simulate/simulate.ts';
import { summarizeMetric } from '../summarize.ts';
import { ENGINE_VERSION } from '../version.ts';
import { bandDrivers, type DrawMoments, type MetricBand, metricBand } from './analyse-uncertainty.ts';
import {
  drawOverrides,
  planUncertainty,
  type UncertainParameter,
  type UncertaintyOptions,
  type UncertaintyPlan,
} from './plan-uncertainty.ts';

/** Where the draws run: lanes for sampled chunks and for exact solves (the calling thread when left out). */
export interface UncertaintyRuntime {
  lanes?: readonly Lane<SweepPointChunkTask, RunSummary>[];
  exactLanes?: readonly Lane<ExactTask, ExactResult>[];
  signal?: CancelSignal;
  /** Called as each draw is done, in draw order. */
  onDraw?: (drawsDone: number) => void;
}

/** The answer of a two-level run. */
export interface UncertaintyResult {
  scenario: { id: string; hash: string };
  engine: { version: string };
  seed: number;
  draws: number;
  design: 'lhs' | 'sobol';
  method: 'exact' | 'sample';
  trialsPerDraw: number;
  /** The parameters the band is over, with their priors. */
  uncertain: UncertainParameter[];
  /** The parameters fixed by overrides, with their values: they are not in the band. */
  fixed: Record<string, number>;
  metrics: Record<string, MetricBand>;
  notes: string[];
  timing: { seconds: number };
}

/** A lane on the calling thread (the engine's default). */
function hereLane<T extends SweepPointChunkTask>(cache: ModelCache): Lane<T, RunSummary> {
  return { run: async (task) => runChunkTask(cache, task) };
}

/**
 * One sampled draw's moments per metric (in `plan.metrics` order), from the merged summary of all
 * its trials: how a draw's trials become its row, wherever they ran (threads or a queue).
 */
export function sampledDrawMoments(plan: UncertaintyPlan, summary: RunSummary): DrawMoments[] {
  const names = Object.keys(plan.scenario.metrics);
  return plan.metrics.map((m) => {
    const acc = summary.metrics[names.indexOf(m)];
    if (acc === undefined) return { mean: Number.NaN, variance: Number.NaN, probability: false };
    const s = summarizeMetric(acc, false);
    return { mean: s.mean, variance: s.sd * s.sd, probability: s.probability !== undefined };
  });
}

/** Each draw's moments per metric (in `plan.metrics` order), from sampled chunks. */
async function sampleDraws(plan: UncertaintyPlan, model: Model, runtime: UncertaintyRuntime): Promise<DrawMoments[][]> {
  const perDraw = plan.chunks.length;
  const out: DrawMoments[][] = [];
  let total: RunSummary | undefined;
  await scheduleChunks({
    count: plan.draws * perDraw,
    lanes: runtime.lanes ?? [hereLane(new ModelCache())],
    ...(runtime.signal === undefined ? {} : { signal: runtime.signal }),
    task: (index): SweepPointChunkTask => {
      const draw = Math.floor(index / perDraw);
      const chunk = chunkAt(plan.chunks, index % perDraw);
      return {
        kind: 'sweep-point',
        scenario: plan.scenario,
        sweep: plan.fingerprint,
        point: draw,
        overrides: drawOverrides(plan, draw),
        seed: plan.seed,
        chunk: { firstTrial: draw * plan.trialsPerDraw + chunk.firstTrial, trials: chunk.trials },
      };
    },
    onSummary: (index, summary) => {
      total = mergeSummaries(total ?? emptySummary(model), summary);
      if (index % perDraw !== perDraw - 1) return;
      const done = total;
      total = undefined;
      out.push(sampledDrawMoments(plan, done));
      runtime.onDraw?.(out.length);
    },
  });
  return out;
}

/** Each draw's moments per metric, solved exactly. */
async function solveDraws(plan: UncertaintyPlan, runtime: UncertaintyRuntime): Promise<DrawMoments[][]> {
  const out: DrawMoments[][] = [];
  await scheduleChunks({
    count: plan.draws,
    lanes: runtime.exactLanes ?? [exactHereLane(new ModelCache())],
    ...(runtime.signal === undefined ? {} : { signal: runtime.signal }),
    task: (draw): ExactTask => ({ kind: 'exact', scenario: plan.scenario, overrides: drawOverrides(plan, draw), metrics: plan.metrics }),
    onSummary: (_, exact) => {
      out.push(
        plan.metrics.map((m) => {
          const e = exact.metrics[m];
          const p = e?.probability;
          const sd = e?.sd;
          return {
            mean: e?.mean ?? Number.NaN,
            variance: sd !== undefined ? sd * sd : p !== undefined ? p * (1 - p) : Number.NaN,
            probability: p !== undefined,
          };
        }),
      );
      runtime.onDraw?.(out.length);
    },
  });
  return out;
}

/** Runs a planned two-level run on the runtime's lanes. */
export async function runUncertaintyPlan(plan: UncertaintyPlan, runtime: UncertaintyRuntime = {}): Promise<UncertaintyResult> {
  const started = performance.now();
  const model = buildModel(plan.scenario);
  const draws = plan.method === 'exact' ? await solveDraws(plan, runtime) : await sampleDraws(plan, model, runtime);
  return uncertaintyResult(plan, draws, (performance.now() - started) / 1000);
}

/**
 * The answer of a two-level run from each draw's moments per metric (draw order, `plan.metrics`
 * order), however the draws were computed; `seconds` is the time they took.
 */
export function uncertaintyResult(plan: UncertaintyPlan, draws: readonly DrawMoments[][], seconds: number): UncertaintyResult {
  const model = buildModel(plan.scenario);
  const names = plan.parameters.map((p) => p.name);
  const moments = plan.metrics.map((_, k) => draws.map((row) => row[k] ?? { mean: Number.NaN, variance: Number.NaN, probability: false }));
  const drivers = bandDrivers(
    moments.map((m) => m.map((d) => d.mean)),
    plan.unit,
    names,
    plan.seed,
  );
  const metrics: Record<string, MetricBand> = {};
  const noisy: string[] = [];
  plan.metrics.forEach((m, k) => {
    const band = metricBand(moments[k] ?? [], plan.trialsPerDraw, drivers[k] ?? []);
    metrics[m] = band;
    if (noisyBand(band)) noisy.push(m);
  });
  const notes = [...plan.notes];
  if (noisy.length > 0)
    notes.push(
      `the band${noisy.length === 1 ? '' : 's'} of ${noisy.join(', ')} ${noisy.length === 1 ? 'is' : 'are'} wider than our uncertainty: over a quarter of the draws' spread is sampling noise (${plan.trialsPerDraw} trials a draw), which the 5–95% ends include; use more trials per draw`,
    );
  // A first-passage time's mean counts the trials that never got there at the horizon, as a run's
  // does (where its censored share is shown beside it); the band is of those means.
  const censored = plan.metrics.filter((name) => model.metrics.find((m) => m.name === name)?.expr.firstOf !== undefined);
  if (censored.length > 0)
    notes.push(
      `${censored.join(', ')} ${censored.length === 1 ? 'is a time' : 'are times'} of first entry: a trial that never got there counts as the horizon (${model.horizon} ${model.unit}s), so each draw's mean, and the band, lean on that`,
    );
  return {
    scenario: { id: plan.scenario.id, hash: scenarioHash(model) },
    engine: { version: ENGINE_VERSION },
    seed: plan.seed,
    draws: plan.draws,
    design: plan.design,
    method: plan.method,
    trialsPerDraw: plan.trialsPerDraw,
    uncertain: plan.parameters,
    fixed: { ...plan.fixed },
    metrics,
    notes,
    timing: { seconds },
  };
}

/** Whether sampling noise makes up over a quarter of a band's spread across draws (its ends then include it). */
export function noisyBand(band: MetricBand): boolean {
  const noise = band.drawNoiseSd ** 2;
  const spread = noise + band.variance.parameters;
  return spread > 0 && noise > 0.25 * spread;
}

/**
 * Plans and runs a two-level run: `draws` parameter draws from the priors, each solved exactly
 * (a Markov chain) or run as `trialsPerDraw` trials; per metric the overall answer, the 5–95%
 * band across draws, the variance split and the drivers.
 * @example const result = await runUncertainty(scenario, { draws: 200, seed: 1 }); result.metrics.war_reached.band
 */
export async function runUncertainty(
  scenario: ScenarioDocument,
  options: UncertaintyOptions,
  runtime: UncertaintyRuntime = {},
): Promise<UncertaintyResult> {
  return runUncertaintyPlan(planUncertainty(scenario, options), runtime);
}
