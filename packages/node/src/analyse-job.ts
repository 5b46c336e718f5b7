/** Analysing a finished sensitivity stage off the event loop: the indices (and a Morris screen's Sobol' follow-up) from its rows. */
import {
  analyseSensitivity,
  continueSensitivity,
  GeoriskError,
  type Issue,
  type ScenarioDocument,
  type SensitivityPlan,
  type SensitivityResult,
} from '@georisk/engine';

/** A stage's plan and its points' metric means and standard errors, in point order (NaN where a point has none). */
export interface AnalyseTask {
  plan: SensitivityPlan;
  outputs: number[][];
  ses: number[][];
  /** With a Morris screen before Sobol': the (expanded) scenario to plan the Sobol' stage on, from the screen's leaders. */
  continueOn?: ScenarioDocument;
}

/** The stage's result (and the Sobol' stage to follow it, when planned), or the issues that refused the follow-up. */
export type AnalyseOutcome = { result: SensitivityResult; next?: SensitivityPlan } | { issues: Issue[] };

/** `analyseSensitivity` as the API's job planner used to run it on the event loop, then `continueSensitivity` when asked. */
export function analyseJob(task: AnalyseTask): AnalyseOutcome {
  const result = analyseSensitivity(task.plan, task.outputs, task.ses);
  if (task.continueOn === undefined) return { result };
  try {
    const next = continueSensitivity(task.continueOn, task.plan, result);
    return next === undefined ? { result } : { result, next };
  } catch (error) {
    if (error instanceof GeoriskError) return { issues: error.issues };
    throw error;
  }
}
