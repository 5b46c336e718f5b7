/**
 * Checking a classroom exercise against its scenario off the event loop: its levers and questions
 * name the scenario's parameters and metrics, and a short trial run of the definition succeeds.
 */
import {
  buildModel,
  checkRunOptions,
  GeoriskError,
  type Issue,
  type Model,
  readObservations,
  type ScenarioDocument,
  simulate,
} from '@georisk/engine';
import { type Exercise, questionOutcomes } from '@georisk/engine/classroom';
import { releasedObservations } from '@georisk/engine/seminar';

/** An exercise definition and its (library or saved) scenario, expanded. */
export interface ExerciseTask {
  exercise: Exercise;
  scenario: ScenarioDocument;
  /** Ceiling on trials × steps for one run. */
  budget: number;
}

/** Why a definition is refused: the API's 400 `{code, message, path}`. */
export interface ExerciseRefusal {
  code: 'invalid_request' | 'budget_exceeded';
  message: string;
  path: string;
}

/** A check's outcome: nothing wrong, a refusal, or the scenario's own issues (it no longer builds). */
export type ExerciseOutcome = { ok: true } | { refusal: ExerciseRefusal } | { issues: Issue[] };

/** The first lever or question naming something the scenario lacks. */
function missingName(exercise: Exercise, params: string[], metrics: string[]): ExerciseRefusal | undefined {
  const missing = (name: string, path: string): ExerciseRefusal | undefined =>
    params.includes(name)
      ? undefined
      : { code: 'invalid_request', message: `${path}: the scenario has no parameter "${name}"; use one of: ${params.join(', ')}`, path };
  for (const [i, lever] of exercise.levers.entries()) {
    if (lever.kind === 'range') {
      const refusal = missing(lever.parameter, `levers[${i}].parameter`);
      if (refusal) return refusal;
      continue;
    }
    for (const [j, o] of lever.options.entries()) {
      for (const p of Object.keys(o.overrides)) {
        const refusal = missing(p, `levers[${i}].options[${j}].overrides.${p}`);
        if (refusal) return refusal;
      }
    }
  }
  for (const [i, q] of exercise.questions.entries()) {
    if (!metrics.includes(q.metric)) {
      const path = `questions[${i}].metric`;
      return {
        code: 'invalid_request',
        message: `${path}: the scenario has no metric "${q.metric}"; use one of: ${metrics.join(', ')}`,
        path,
      };
    }
  }
  return undefined;
}

/** The first team payoff naming a metric the scenario lacks, or turn whose released observations do not read against the model. */
function seminarProblem(exercise: Exercise, model: Model): ExerciseRefusal | undefined {
  const metrics = model.metrics.map((m) => m.name);
  for (const [i, team] of exercise.teams.entries()) {
    for (const [j, term] of (team.payoff ?? []).entries()) {
      if (!metrics.includes(term.metric)) {
        const path = `teams[${i}].payoff[${j}].metric`;
        return { code: 'invalid_request', message: `${path}: the scenario has no metric "${term.metric}"`, path };
      }
    }
  }
  for (const [k] of (exercise.turns ?? []).entries()) {
    const text = releasedObservations(exercise, k);
    if (text === undefined) continue;
    try {
      readObservations(text, model);
    } catch (error) {
      if (!(error instanceof GeoriskError)) throw error;
      const first = error.issues[0];
      const where = first?.path ? ` (${first.path})` : '';
      const message = `turns[${k}].observations: ${first?.message ?? 'the observations do not fit the scenario'}${where}`;
      return { code: 'invalid_request', message, path: `turns[${k}].observations` };
    }
  }
  return undefined;
}

/** Checks a definition against its scenario: parameters, metrics, and a short trial run of every lever option. */
export function checkExercise({ exercise, scenario, budget }: ExerciseTask): ExerciseOutcome {
  let model: ReturnType<typeof buildModel>;
  try {
    model = buildModel(scenario);
  } catch (error) {
    if (error instanceof GeoriskError) return { issues: error.issues };
    throw error;
  }
  const names = missingName(
    exercise,
    Object.keys(scenario.parameters),
    model.metrics.map((m) => m.name),
  );
  if (names) return { refusal: names };
  const seminar = seminarProblem(exercise, model);
  if (seminar) return { refusal: seminar };
  // A short run catches a probability question on a metric that is not 0/1; it is capped at about a million trial-steps.
  try {
    checkRunOptions(model, { trials: exercise.trials, seed: exercise.seed, budget });
    const probe = Math.max(1, Math.min(200, Math.floor(1e6 / model.steps)));
    questionOutcomes(exercise, model, simulate(model, { seed: exercise.seed, firstTrial: 0, trials: probe }));
  } catch (error) {
    if (error instanceof RangeError)
      return { refusal: { code: 'invalid_request', message: error.message, path: error.message.split(':')[0] ?? '' } };
    if (error instanceof GeoriskError) {
      const first = error.issues[0];
      return {
        refusal: {
          code: first?.code === 'budget_exceeded' ? 'budget_exceeded' : 'invalid_request',
          message: first?.message ?? 'invalid exercise',
          path: first?.path === 'trials' ? 'trials' : '',
        },
      };
    }
    throw error;
  }
  return { ok: true };
}
