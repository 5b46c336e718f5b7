/**
 * Exact metric means at many parameter points of one scenario, solving at each point only the
 * metrics whose inputs changed: each metric's answer is kept by the values of the parameters it
 * reads (`paramsReaching`), and a metric is solved alone with the parts of the chain it reads.
 */

import { exactMetricAnswers } from '../exact/metric-answers.ts';
import type { Model } from '../model/model.ts';
import { paramsReaching } from './parameter-reach.ts';

/** Most answers kept per metric. */
const MAX_KEPT = 100_000;

/** A number's text that tells −0 from 0, so two keys are equal only when the values are the same bits of input. */
const keyOf = (x: number) => (Object.is(x, -0) ? '-0' : String(x));

/**
 * The exact means of some metrics in models of one scenario that differ only in parameter values
 * (`withParameterValues`, or the scenario compiled with other defaults), each bit-identical to
 * `analyzeExact(scenario, overrides, { everyState: false }).metrics[m].mean`: a metric whose read
 * parameters have values it was solved at before reuses that answer (the model's structure says it
 * cannot differ), and the rest are solved together, with only the parts of the chain they read.
 */
export class ExactPoints {
  /** Per metric, the indices of the parameters it reads (all of them when the read graph does not know it). */
  private readonly reads: number[][];
  private readonly answers: Map<string, number>[];
  /** Metric solves done so far (a solve of several metrics at one point counts each). */
  solves = 0;

  /** `base`: the scenario's model (its read graph); `metrics`: the metrics to answer, in the order `means` returns them. */
  constructor(
    base: Model,
    private readonly metrics: readonly string[],
  ) {
    const all = base.params.names.map((_, i) => i);
    this.reads = metrics.map((m) => {
      const reach = paramsReaching(base, [m]);
      return reach === undefined ? all : all.filter((i) => reach.has(base.params.names[i] ?? ''));
    });
    this.answers = metrics.map(() => new Map());
  }

  /** The metrics' exact means in `model` (NaN where a metric has no exact answer); throws as `analyzeExact` does. */
  means(model: Model): number[] {
    const keys = this.reads.map((read) => read.map((i) => keyOf(model.params.values[i] ?? Number.NaN)).join(','));
    const missing = this.metrics.filter((_, m) => !this.answers[m]?.has(keys[m] ?? ''));
    if (missing.length > 0) {
      const solved = exactMetricAnswers(model, missing);
      this.solves += missing.length;
      this.metrics.forEach((name, m) => {
        if (!missing.includes(name)) return;
        // Kept across many designs (a panel following its sliders): start afresh rather than grow without end.
        if ((this.answers[m]?.size ?? 0) >= MAX_KEPT) this.answers[m]?.clear();
        this.answers[m]?.set(keys[m] ?? '', solved.metrics[name]?.mean ?? Number.NaN);
      });
    }
    return this.metrics.map((_, m) => this.answers[m]?.get(keys[m] ?? '') ?? Number.NaN);
  }
}
