/** From a merged summary to the result users read: distributions, intervals and a receipt. */
import { contentHash } from './hash.ts';
import { metricFacts } from './model/metric-facts.ts';
import type { Model, Overrides } from './model/model.ts';
import type { RunSummary } from './simulate/simulate.ts';
import { type MetricSummary, summarizeWithFacts, wilsonEffective } from './summarize.ts';
import { ENGINE_VERSION } from './version.ts';

/** What one track did across the trials. */
export interface TrackResult {
  states: string[];
  /** Share of trials ending in each state. */
  final: Record<string, number>;
  finalCi95: Record<string, [number, number]>;
  /** Share of trials that ever entered each state (the initial state counts). */
  ever: Record<string, number>;
  everCi95: Record<string, [number, number]>;
  /** Share of trials in each state at t = 0, dt, …, horizon. */
  occupancy: Record<string, number[]>;
  /** Per state: P(first entry at or before t) for t = 0, dt, …, horizon; `censored` never entered. */
  firstPassage: Record<string, { reached: number; censored: number; cumulative: number[] }>;
}

/** Reproduces a result bit for bit: the same scenario, engine, seed, trials and overrides. */
export interface Receipt {
  scenarioId: string;
  scenarioHash: string;
  engineVersion: string;
  seed: number;
  trials: number;
  overrides: Overrides;
  /** SHA-256 of the canonical JSON of `tracks` and `metrics`. */
  outputHash: string;
}

/** The result of a Monte Carlo run (the `--format json` contract of `georisk run`). */
export interface RunResult {
  scenario: { id: string; title?: string; hash: string };
  engine: { version: string };
  seed: number;
  trials: number;
  horizon: number;
  dt: number;
  unit: 'day' | 'hour';
  overrides: Overrides;
  tracks: Record<string, TrackResult>;
  metrics: Record<string, MetricSummary & { unit?: string; description?: string }>;
  timing: { seconds: number; trialStepsPerSecond: number; workers: number };
  receipt: Receipt;
}

/**
 * Each document's hash, computed once: the engine never changes a document it was given, and a
 * caller that wants another one makes a new object (a clone, a spread). Hashing is most of the
 * work of a small exact solve, and a calibration solves one document about 25,000 times (59% of
 * `calibrate`'s time went to hashing it again; docs/benchmarks.md, "Issue 16: calibrate").
 */
const hashes = new WeakMap<Model['scenario'], string>();

/** Hash of the scenario as run (modules expanded), so a receipt pins the exact model. */
export function scenarioHash(model: Model): string {
  const document = model.scenario;
  let hash = hashes.get(document);
  if (hash === undefined) {
    const { $schema: _ignored, ...rest } = document;
    hash = contentHash(rest);
    hashes.set(document, hash);
  }
  return hash;
}

/** Builds the reported result from a merged summary. */
export function finalizeResult(
  model: Model,
  summary: RunSummary,
  run: { seed: number; overrides: Overrides; seconds: number; workers: number; effectiveTrials?: number },
): RunResult {
  const n = summary.trials;
  // The intervals' n: the trials, or what they are worth where they are not independent (see summarizeMetric).
  const interval = (k: number) => wilsonEffective(k, n, run.effectiveTrials);
  const steps = model.steps;
  const slots = model.totalStates;
  if (
    summary.final.length !== slots ||
    summary.ever.length !== slots ||
    summary.occupancy.length !== slots * (steps + 2) ||
    summary.firstAt.length !== slots * (steps + 1)
  ) {
    throw new Error('internal: the run summary does not match the model');
  }
  const tracks: Record<string, TrackResult> = {};
  for (const t of model.tracks) {
    const result: TrackResult = {
      states: [...t.states],
      final: {},
      finalCi95: {},
      ever: {},
      everCi95: {},
      occupancy: {},
      firstPassage: {},
    };
    t.states.forEach((state, i) => {
      const slot = t.stateOffset + i;
      const final = summary.final[slot]!;
      const ever = summary.ever[slot]!;
      result.final[state] = final / n;
      result.finalCi95[state] = interval(final);
      result.ever[state] = ever / n;
      result.everCi95[state] = interval(ever);
      const occupancy = new Array<number>(steps + 1);
      let running = 0;
      for (let k = 0; k <= steps; k++) {
        running += summary.occupancy[slot * (steps + 2) + k]!;
        occupancy[k] = running / n;
      }
      result.occupancy[state] = occupancy;
      const cumulative = new Array<number>(steps + 1);
      let reached = 0;
      for (let k = 0; k <= steps; k++) {
        reached += summary.firstAt[slot * (steps + 1) + k]!;
        cumulative[k] = reached / n;
      }
      result.firstPassage[state] = { reached: reached / n, censored: 1 - reached / n, cumulative };
    });
    tracks[t.name] = result;
  }
  const metrics: RunResult['metrics'] = {};
  const facts = metricFacts(model);
  model.metrics.forEach((metric, i) => {
    const acc = summary.metrics[i];
    const f = facts[i];
    if (!acc || !f) return;
    const s: RunResult['metrics'][string] = summarizeWithFacts(acc, f, run.effectiveTrials);
    if (metric.unit !== undefined) s.unit = metric.unit;
    if (metric.description !== undefined) s.description = metric.description;
    metrics[metric.name] = s;
  });
  const hash = scenarioHash(model);
  const result: RunResult = {
    scenario:
      model.scenario.title === undefined ? { id: model.scenario.id, hash } : { id: model.scenario.id, title: model.scenario.title, hash },
    engine: { version: ENGINE_VERSION },
    seed: run.seed,
    trials: n,
    horizon: model.horizon,
    dt: model.dt,
    unit: model.unit,
    overrides: run.overrides,
    tracks,
    metrics,
    timing: {
      seconds: run.seconds,
      trialStepsPerSecond: run.seconds > 0 ? summary.trialSteps / run.seconds : 0,
      workers: run.workers,
    },
    receipt: {
      scenarioId: model.scenario.id,
      scenarioHash: hash,
      engineVersion: ENGINE_VERSION,
      seed: run.seed,
      trials: n,
      overrides: run.overrides,
      outputHash: contentHash({ tracks, metrics }),
    },
  };
  return result;
}
