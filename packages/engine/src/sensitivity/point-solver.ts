/**
 * How a sensitivity design's points are evaluated: by the exact solver when the scenario is a
 * Markov chain and every analysed metric has an exact answer (noise-free), else by Monte Carlo
 * (each point's metric means and their standard errors).
 */

import { GeoriskError, issue } from '../errors.ts';
import type { ExactResult } from '../exact/index.ts';
import { exactMetricAnswers } from '../exact/metric-answers.ts';
import { buildModel } from '../model/model.ts';
import type { RunSummary } from '../simulate/simulate.ts';
import { planModel, pointMeans, pointOverrides, pointSes, runSweepPoint, type SweepPlan, withParameterValues } from '../sweep.ts';
import { ExactPoints } from './exact-points.ts';

/** Every solver choice: `auto` takes the exact solver whenever it can. */
export const SENSITIVITY_SOLVERS = ['auto', 'exact', 'monte-carlo'] as const;

/** One of `SENSITIVITY_SOLVERS`. */
export type SensitivitySolverChoice = (typeof SENSITIVITY_SOLVERS)[number];

/** The solver a plan uses, and why (when it is not the exact one, or to say what exact means here). */
export interface PointSolver {
  solver: 'exact' | 'monte-carlo';
  note?: string;
}

/** One point's outputs: per analysed metric, its mean and standard error (0 when exact). */
export interface PointOutputs {
  means: number[];
  ses: number[];
}

/** Picks the solver for a plan; `exact` when it cannot be used is an error pointing at `solver`. */
export function choosePointSolver(sweep: SweepPlan, choice: SensitivitySolverChoice): PointSolver {
  if (choice === 'monte-carlo') return { solver: 'monte-carlo', note: 'Monte Carlo was asked for' };
  const why = exactRefusal(sweep);
  if (why === undefined) {
    const uncertain = Object.entries(sweep.scenario.parameters)
      .filter(([name, p]) => p.uncertainty !== undefined && !sweep.params.some((q) => q.name === name))
      .map(([name]) => name);
    return {
      solver: 'exact',
      note: `exact solver (noise-free)${uncertain.length > 0 ? `; parameters not varied are held at their values, including the uncertain ${uncertain.join(', ')}` : ''}`,
    };
  }
  if (choice === 'exact') {
    throw new GeoriskError([
      issue('bad_run_options', 'solver', `the exact solver cannot evaluate this analysis: ${why}`, 'use solver auto or monte-carlo'),
    ]);
  }
  return { solver: 'monte-carlo', note: `Monte Carlo, because ${why}` };
}

/** Why the exact solver cannot give every analysed metric, or undefined when it can. */
function exactRefusal(sweep: SweepPlan): string | undefined {
  const first = sweep.points[0];
  if (first === undefined) return 'there are no points';
  try {
    const r = exactMetricAnswers(buildModel(sweep.scenario, pointOverrides(sweep, 0)), sweep.metrics);
    const missing = sweep.metrics.filter((m) => r.metrics[m] === undefined);
    if (missing.length === 0) return undefined;
    return `${missing.map((m) => `${m} (${r.unavailable[m] ?? 'no exact answer'})`).join(', ')} ${missing.length === 1 ? 'has' : 'have'} no exact answer; analyse the other metrics alone for noise-free results`;
  } catch (error) {
    if (!(error instanceof GeoriskError)) throw error;
    const problem = error.issues[0];
    return `the scenario is not a Markov chain${problem ? ` (${problem.path}: ${problem.message})` : ''}`;
  }
}

/**
 * Evaluates point `index` by the exact solver on its own (no answer kept from another point), solving only the
 * parts of the chain the plan's metrics read: the same bits as `analyzeExact`'s answers (`exactMetricAnswers`).
 */
export function exactPointOutputs(sweep: SweepPlan, index: number): PointOutputs {
  return exactOutputs(sweep.metrics, exactMetricAnswers(buildModel(sweep.scenario, pointOverrides(sweep, index)), sweep.metrics));
}

/**
 * Every point of a plan by the exact solver, in any order: each metric is solved only at points
 * where a parameter it reads differs from every point solved before (see `ExactPoints`), so a
 * tornado solves the base once and each read parameter at its two ends, and nothing else. Pass
 * `points` made for an earlier plan of the same scenario and metrics (other defaults) to reuse its answers too.
 */
export function exactPlanOutputs(
  sweep: SweepPlan,
  points = new ExactPoints(planModel(sweep), sweep.metrics),
): { at(index: number): PointOutputs; readonly solves: number } {
  const base = planModel(sweep);
  return {
    at(index) {
      const means = points.means(withParameterValues(base, pointOverrides(sweep, index)));
      return { means, ses: means.map(() => 0) };
    },
    get solves() {
      return points.solves;
    },
  };
}

/** A point's outputs from its exact result (solved anywhere, e.g. on a worker thread): the metrics' means, with no error. */
export function exactOutputs(metrics: readonly string[], result: Pick<ExactResult, 'metrics'>): PointOutputs {
  const means = metrics.map((m) => result.metrics[m]?.mean ?? Number.NaN);
  return { means, ses: means.map(() => 0) };
}

/** A Monte Carlo point's outputs from its run summary. */
export function summaryOutputs(sweep: SweepPlan, summary: RunSummary): PointOutputs {
  return { means: pointMeans(sweep, summary), ses: pointSes(sweep, summary) };
}

/** Evaluates point `index` on the calling thread by the plan's solver. */
export function evaluatePoint(sweep: SweepPlan, solver: PointSolver['solver'], index: number): PointOutputs {
  return solver === 'exact' ? exactPointOutputs(sweep, index) : summaryOutputs(sweep, runSweepPoint(sweep, index));
}
