/** The summary of a run's trials: plain, mergeable counts that cross workers. */
import type { Model } from '../model/model.ts';
import { type MetricAccumulator, mergeMetric, newMetricAccumulator } from '../summarize.ts';

/** What trials of one run (or one chunk of it) add up to; plain data that crosses workers. */
export interface RunSummary {
  trials: number;
  /** Trial-steps simulated (trials × steps), for throughput figures. */
  trialSteps: number;
  steps: number;
  /** Per (track, state) slot: trials that ended there. */
  final: Float64Array;
  /** Per slot: trials that ever visited it. */
  ever: Float64Array;
  /** Per slot, (steps + 2) entries: a difference array of occupancy over time indices 0..steps. */
  occupancy: Float64Array;
  /** Per slot, (steps + 1) entries: trials whose first entry was at each time index. */
  firstAt: Float64Array;
  metrics: MetricAccumulator[];
}

/** A new, empty summary for a model. */
export function emptySummary(model: Model): RunSummary {
  const slots = model.totalStates;
  return {
    trials: 0,
    trialSteps: 0,
    steps: model.steps,
    final: new Float64Array(slots),
    ever: new Float64Array(slots),
    occupancy: new Float64Array(slots * (model.steps + 2)),
    firstAt: new Float64Array(slots * (model.steps + 1)),
    metrics: model.metrics.map(() => newMetricAccumulator()),
  };
}

/** A new, empty summary shaped like `summary` (the same model's), made without the model. */
export function emptySummaryLike(summary: RunSummary): RunSummary {
  return {
    trials: 0,
    trialSteps: 0,
    steps: summary.steps,
    final: new Float64Array(summary.final.length),
    ever: new Float64Array(summary.ever.length),
    occupancy: new Float64Array(summary.occupancy.length),
    firstAt: new Float64Array(summary.firstAt.length),
    metrics: summary.metrics.map(() => newMetricAccumulator()),
  };
}

/** Adds `b` into `a`; exact, so the order of merging never matters. */
export function mergeSummaries(a: RunSummary, b: RunSummary): RunSummary {
  if (
    b.final.length !== a.final.length ||
    b.ever.length !== a.ever.length ||
    b.occupancy.length !== a.occupancy.length ||
    b.firstAt.length !== a.firstAt.length ||
    b.metrics.length !== a.metrics.length
  ) {
    throw new Error('internal: merging the summaries of two different models');
  }
  a.trials += b.trials;
  a.trialSteps += b.trialSteps;
  addInto(a.final, b.final);
  addInto(a.ever, b.ever);
  addInto(a.occupancy, b.occupancy);
  addInto(a.firstAt, b.firstAt);
  a.metrics.forEach((m, i) => mergeMetric(m, b.metrics[i]!));
  return a;
}

/** Adds `b` into `a` element by element; the caller has checked that the lengths agree. */
function addInto(a: Float64Array, b: Float64Array): void {
  for (let i = 0; i < a.length; i++) a[i]! += b[i]!;
}
