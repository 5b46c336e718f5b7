/**
 * The reveal: the scenario run twice on the pool with the same seed (the class's decisions, and no
 * action), every forecast scored against the first, the debrief stored.
 */
import {
  buildModel,
  finalizeResult,
  type LoadedScenario,
  type Model,
  type Overrides,
  type Receipt,
  type RunSummary,
} from '@georisk/engine';
import { buildDebrief, classDecisions, type Debrief, type Exercise, questionOutcomes } from '@georisk/engine/classroom';
import type { StoredExercise, StoredStudent } from '../../classroom-store.ts';
import { ApiError } from '../../errors.ts';
import type { SimulationPool } from '../../pool.ts';

/** What the reveal stores. */
export interface RevealResult {
  debrief: Debrief;
  decisions: ReturnType<typeof classDecisions>['decisions'];
  overrides: Overrides;
  receipts: { withDecisions: Receipt; noAction: Receipt };
  seconds: number;
  submitted: number;
}

/** Runs the exercise's scenario with the class's decisions and with none, and scores the students who submitted. */
export async function runReveal(
  exercise: Exercise,
  loaded: LoadedScenario,
  students: StoredStudent[],
  pool: SimulationPool,
  /** The address asking, for its fair share of the threads. */
  client = '',
): Promise<RevealResult> {
  const decided = classDecisions(
    exercise,
    students.map((s) => ({ team: s.team, decisions: s.submission?.decisions ?? {} })),
  );
  const started = performance.now();
  const run = async (overrides: Overrides): Promise<{ model: Model; summary: RunSummary; receipt: Receipt }> => {
    const model = buildModel(loaded.scenario, overrides);
    const summary = await pool.runTrials(model, { seed: exercise.seed, trials: exercise.trials, overrides }, undefined, client);
    const result = finalizeResult(model, summary, { seed: exercise.seed, overrides, seconds: 0, workers: 1 });
    return { model, summary, receipt: result.receipt };
  };
  // The same seed for both: common random numbers, so the difference is the decisions', not the dice's.
  const [withDecisions, noAction] = await Promise.all([run(decided.overrides), run({})]);
  const debrief = buildDebrief(
    exercise,
    students.map((s) => ({ id: s.id, name: s.name, team: s.team, forecasts: s.submission?.forecasts ?? {} })),
    questionOutcomes(exercise, withDecisions.model, withDecisions.summary),
    questionOutcomes(exercise, noAction.model, noAction.summary),
  );
  return {
    debrief,
    decisions: decided.decisions,
    overrides: decided.overrides,
    receipts: { withDecisions: withDecisions.receipt, noAction: noAction.receipt },
    seconds: (performance.now() - started) / 1000,
    submitted: students.length,
  };
}

/** The stored reveal of an exercise, or 403 `not_revealed` while it is hidden. */
export function revealed(e: StoredExercise): RevealResult {
  if (e.status !== 'revealed' || e.result === null) {
    throw new ApiError(403, 'not_revealed', 'the results are hidden until the teacher reveals them', '');
  }
  return e.result as RevealResult;
}
