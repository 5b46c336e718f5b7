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

/**
 * An empty summary of `slots` track states over `steps` steps. Made by `new`, not an object literal:
 * V8 builds a literal's boilerplate the second time the literal runs, and that threw away the
 * optimized code of every hot method that reads a summary (startTrial, recordMove, finishTrial, …)
 * at the start of a worker's second chunk, to be compiled again (found with --trace-deopt).
 */
class EmptySummary implements RunSummary {
  trials = 0;
  trialSteps = 0;
  steps: number;
  final: Float64Array;
  ever: Float64Array;
  occupancy: Float64Array;
  firstAt: Float64Array;
  metrics: MetricAccumulator[];

  constructor(slots: number, steps: number, metrics: number) {
    this.steps = steps;
    this.final = new Float64Array(slots);
    this.ever = new Float64Array(slots);
    this.occupancy = new Float64Array(slots * (steps + 2));
    this.firstAt = new Float64Array(slots * (steps + 1));
    this.metrics = Array.from({ length: metrics }, () => newMetricAccumulator());
  }
}

/** A new, empty summary for a model. */
export function emptySummary(model: Model): RunSummary {
  return new EmptySummary(model.totalStates, model.steps, model.metrics.length);
}

/** A new, empty summary shaped like `summary` (the same model's), made without the model. */
export function emptySummaryLike(summary: RunSummary): RunSummary {
  return new EmptySummary(summary.final.length, summary.steps, summary.metrics.length);
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
