/** Planning sweep and sensitivity jobs off the event loop: the plan is plain data, and its model is built and checked on the thread. */
import {
  buildModel,
  checkResultSize,
  GeoriskError,
  type Issue,
  planSensitivity,
  planSweep,
  planUncertainty,
  type ScenarioDocument,
  type SensitivityOptions,
  type SensitivityPlan,
  type SweepOptions,
  type SweepPlan,
  type SweepRowFacts,
  sweepRowFacts,
  type UncertaintyOptions,
  type UncertaintyPlan,
} from '@georisk/engine';

/** A job to plan on its (expanded) scenario, each point's result held to `maxResultValues` numbers. */
export interface PlanTask {
  scenario: ScenarioDocument;
  job:
    | { kind: 'sweep'; options: SweepOptions }
    | { kind: 'sensitivity'; options: SensitivityOptions }
    | { kind: 'uncertainty'; options: UncertaintyOptions };
  maxResultValues: number;
}

/**
 * The plan, or the issues that refused it (a `GeoriskError` would lose them crossing threads). A sweep
 * comes with what its rows need of each metric (`sweepRowFacts`), which takes the plan's model to find.
 */
export type PlanOutcome =
  | { sweep: SweepPlan; facts: SweepRowFacts }
  | { sensitivity: SensitivityPlan }
  | { uncertainty: UncertaintyPlan }
  | { issues: Issue[] };

/** Plans a job as the API's job planner used to on the event loop: `planSweep` or `planSensitivity`, then the result-size check. */
export function planJob(task: PlanTask): PlanOutcome {
  try {
    // A band's draws: each parameter's quantile at each draw (15 s for 100,000 draws of the 2022 scenario).
    if (task.job.kind === 'uncertainty') return { uncertainty: planUncertainty(task.scenario, task.job.options) };
    if (task.job.kind === 'sweep') {
      const sweep = planSweep(task.scenario, task.job.options);
      checkResultSize(buildModel(sweep.scenario, {}), task.maxResultValues);
      // Built once here (the plan's model), so that no row of the sweep builds it on the event loop.
      return { sweep, facts: sweepRowFacts(sweep) };
    }
    const sensitivity = planSensitivity(task.scenario, task.job.options);
    // Each point's summary holds the same series as a run's result.
    checkResultSize(buildModel(sensitivity.sweep.scenario, {}), task.maxResultValues);
    return { sensitivity };
  } catch (error) {
    if (error instanceof GeoriskError) return { issues: error.issues };
    throw error;
  }
}
