/** Exact answers of some metrics only, solving just the parts of the chain they read (the points of a sensitivity design). */

import { GeoriskError } from '../errors.ts';
import type { Model } from '../model/model.ts';
import { exactMetric } from './exact-metric.ts';
import type { ExactMetric } from './exact-result.ts';
import { PartSolvers } from './part-solvers.ts';
import { representabilityProblems, variableStatus } from './representability.ts';

/** The answers of `exactMetricAnswers`: per metric its exact answer, or why it has none. */
export interface MetricAnswers {
  metrics: Record<string, ExactMetric>;
  unavailable: Record<string, string>;
}

/**
 * The exact answers of the named metrics of `model`, bit-identical to `analyzeExact(…, { everyState:
 * false })`'s: the same parts are propagated by the same code, but only those holding a track or
 * variable these metrics read, with only these metrics' first passages riding along (each rides
 * in a column of its own, so the others do not change it). Throws `not_markov` as `analyzeExact`
 * does; a name that is not a metric of the model is left out of both records.
 */
export function exactMetricAnswers(model: Model, names: readonly string[]): MetricAnswers {
  const problems = representabilityProblems(model);
  if (problems.length > 0) throw new GeoriskError(problems);
  const { chosen, firstPassages, only } = metricScope(model, names);
  const variables = variableStatus(model);
  const parts = new PartSolvers(model, variables);
  const base = parts.baseRun((slot) => firstPassages.has(slot), only);
  const ctx = { base, firstPmf: base.firstPmf, variables, parts };
  const answers: MetricAnswers = { metrics: {}, unavailable: {} };
  for (const m of chosen) {
    const answer = exactMetric(model, m.expr, ctx);
    if (typeof answer === 'string') answers.unavailable[m.name] = answer;
    else answers.metrics[m.name] = answer;
  }
  return answers;
}

/** What answering some metrics takes: the model's metrics of those names, the slots whose first passage they read, and the tracks and variables they read. */
export interface MetricScope {
  chosen: Model['metrics'];
  firstPassages: Set<number>;
  /** `PartSolvers.baseRun`'s `only`: the parts holding these are solved, no others. */
  only: { tracks: Set<number>; vars: Set<number> };
}

/** The scope of the metrics named `names` (a name that is not a metric of the model is left out). */
export function metricScope(model: Model, names: readonly string[]): MetricScope {
  const chosen = model.metrics.filter((m) => names.includes(m.name));
  const calls = chosen.flatMap((m) => m.expr.metricCalls);
  const firstPassages = new Set(calls.filter((c) => c.fn !== 'time_in').map((c) => c.slot));
  const only = { tracks: new Set(calls.map((c) => c.track)), vars: new Set(chosen.flatMap((m) => [...m.expr.reads.vars])) };
  return { chosen, firstPassages, only };
}
