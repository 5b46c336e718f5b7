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
import { buildDebrief, classDecisions, type Debrief, type Exercise, noActionOverrides, questionOutcomes } from '@georisk/engine/classroom';
import { type HistoryRow, historyRows, type TeamPayoff, teamPayoffs } from '@georisk/engine/seminar';
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
  /** Each team's payoff with the class's decisions and with none (teams that declare a payoff). */
  payoffs: TeamPayoff[];
  /** The questions that record what happened, scored against it. */
  history: HistoryRow[];
  /** A seminar's turns: what each released and what the class decided (absent for a one-turn exercise). */
  turns?: TurnSummary[];
}

/** What the debrief says of one turn of a seminar. */
export interface TurnSummary {
  turn: string;
  title: string;
  decisions: ReturnType<typeof classDecisions>['decisions'];
  overrides: Overrides;
  conditioned: { observations: number; effectiveSampleSize: { withDecisions: number; noAction: number } } | null;
  submitted: number;
}

/** The class median forecast of each question (the debrief's crowd row). */
export function classMedians(debrief: Debrief): Record<string, number> {
  return Object.fromEntries(debrief.crowd.map((c) => [c.question, c.forecast]));
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
  const run = async (
    overrides: Overrides,
  ): Promise<{ model: Model; summary: RunSummary; receipt: Receipt; means: Record<string, number> }> => {
    const model = buildModel(loaded.scenario, overrides);
    const summary = await pool.runTrials(model, { seed: exercise.seed, trials: exercise.trials, overrides }, undefined, client);
    const result = finalizeResult(model, summary, { seed: exercise.seed, overrides, seconds: 0, workers: 1 });
    const means = Object.fromEntries(Object.entries(result.metrics).map(([k, m]) => [k, m.mean]));
    return { model, summary, receipt: result.receipt, means };
  };
  // The same seed for both: common random numbers, so the difference is the decisions', not the dice's.
  const [withDecisions, noAction] = await Promise.all([run(decided.overrides), run(noActionOverrides(exercise.levers))]);
  const debrief = buildDebrief(
    exercise,
    students.map((s) => ({ id: s.id, name: s.name, team: s.team, forecasts: s.submission?.forecasts ?? {} })),
    questionOutcomes(exercise, withDecisions.model, withDecisions.summary),
    questionOutcomes(exercise, noAction.model, noAction.summary),
  );
  const outcomes = Object.fromEntries(debrief.questions.map((q) => [q.id, q.outcome]));
  return {
    debrief,
    decisions: decided.decisions,
    overrides: decided.overrides,
    receipts: { withDecisions: withDecisions.receipt, noAction: noAction.receipt },
    seconds: (performance.now() - started) / 1000,
    submitted: students.length,
    payoffs: teamPayoffs(exercise.teams, withDecisions.means, noAction.means),
    history: historyRows(exercise, outcomes, classMedians(debrief)),
  };
}

/** The stored reveal of an exercise, or 403 `not_revealed` while it is hidden. */
export function revealed(e: StoredExercise): RevealResult {
  if (e.status !== 'revealed' || e.result === null) {
    throw new ApiError(403, 'not_revealed', 'the results are hidden until the teacher reveals them', '');
  }
  return e.result as RevealResult;
}
