/**
 * Checking a classroom exercise against its scenario off the event loop: its levers and questions
 * name the scenario's parameters and metrics, every value a lever can set builds and runs, and a
 * short trial run of the definition succeeds.
 */
import {
  buildModel,
  checkRunOptions,
  describeLevels,
  GeoriskError,
  type Issue,
  type Model,
  type Overrides,
  parameterLevels,
  readObservations,
  type ScenarioDocument,
  simulate,
} from '@georisk/engine';
import { type Exercise, type Lever, questionOutcomes } from '@georisk/engine/classroom';
import { releasedObservations } from '@georisk/engine/seminar';

/** An exercise definition and its (library or saved) scenario, expanded. */
export interface ExerciseTask {
  exercise: Exercise;
  scenario: ScenarioDocument;
  /** Ceiling on trials × steps for one run. */
  budget: number;
  /** Whether to run every value a lever can set (at creation; a reveal runs only what the class decided). */
  probeLevers?: boolean;
}

/** Why a definition is refused: the API's 400 `{code, message, path}`. */
export interface ExerciseRefusal {
  code: 'invalid_request' | 'budget_exceeded';
  message: string;
  path: string;
}

/** Something the teacher should know but that does not stop the exercise (a lever value outside its parameter's range). */
export interface ExerciseWarning {
  path: string;
  message: string;
}

/** A check's outcome: nothing wrong (perhaps with warnings), a refusal, or the scenario's own issues (it no longer builds). */
export type ExerciseOutcome = { ok: true; warnings: ExerciseWarning[] } | { refusal: ExerciseRefusal } | { issues: Issue[] };

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

/** Every value set a lever can put in force, with the path of what sets it: each option of a choice lever, both ends of a range lever. */
function leverValues(exercise: Exercise): { path: string; overrides: Overrides }[] {
  return exercise.levers.flatMap((lever, i) =>
    lever.kind === 'choice'
      ? lever.options.map((o, j) => ({ path: `levers[${i}].options[${j}].overrides`, overrides: o.overrides }))
      : [
          { path: `levers[${i}].min`, overrides: { [lever.parameter]: lever.min } },
          { path: `levers[${i}].max`, overrides: { [lever.parameter]: lever.max } },
        ],
  );
}

/** A range lever on a switch or choice parameter: students could pick values between its levels, which no run accepts. */
function rangeOnLevels(lever: Lever, i: number, scenario: ScenarioDocument): ExerciseRefusal | undefined {
  if (lever.kind !== 'range') return undefined;
  const parameter = scenario.parameters[lever.parameter];
  const levels = parameter === undefined ? undefined : parameterLevels(parameter);
  if (levels === undefined) return undefined;
  const what = parameter?.kind === 'switch' ? 'a switch' : 'a choice';
  const path = `levers[${i}].parameter`;
  return {
    code: 'invalid_request',
    message: `${path}: "${lever.parameter}" is ${what} (it takes ${describeLevels(levels)}), so a range lever would offer values no run accepts; make it a choice lever with one option for each of ${describeLevels(levels)}`,
    path,
  };
}

/** The engine's first issue, as a refusal at the lever value `path` that caused it. */
function leverRefusal(path: string, overrides: Overrides, error: GeoriskError): ExerciseRefusal {
  const first = error.issues[0];
  const set = Object.entries(overrides)
    .map(([k, v]) => `${k} = ${v}`)
    .join(', ');
  const hint = first?.hint ? ` (${first.hint})` : '';
  return {
    code: 'invalid_request',
    message: `${path}: with ${set} the scenario does not run: ${first?.message ?? 'the run fails'}${hint}; change this lever's value so that students cannot pick a run that fails`,
    path,
  };
}

/**
 * Builds and briefly runs the scenario with each value a lever can set (so a reveal cannot fail on
 * a value the exercise offered), and collects the values outside their parameter's declared range.
 */
function probeLevers(exercise: Exercise, scenario: ScenarioDocument): { refusal: ExerciseRefusal } | { warnings: ExerciseWarning[] } {
  for (const [i, lever] of exercise.levers.entries()) {
    const refusal = rangeOnLevels(lever, i, scenario);
    if (refusal) return { refusal };
  }
  const warnings: ExerciseWarning[] = [];
  for (const { path, overrides } of leverValues(exercise)) {
    if (Object.keys(overrides).length === 0) continue;
    try {
      const model = buildModel(scenario, overrides);
      for (const w of model.warnings) {
        if (w.code === 'bad_override') warnings.push({ path, message: `${path}: ${w.message}; the run uses it anyway` });
      }
      // A rate that goes negative shows in the first steps of a few trials; about 20,000 trial-steps cost some milliseconds.
      simulate(model, { seed: exercise.seed, firstTrial: 0, trials: Math.max(1, Math.min(20, Math.floor(2e4 / model.steps))) });
    } catch (error) {
      if (error instanceof GeoriskError) return { refusal: leverRefusal(path, overrides, error) };
      throw error;
    }
  }
  return { warnings };
}

/** Checks a definition against its scenario: parameters, metrics, a short run of every value a lever sets, and a trial run of the definition. */
export function checkExercise({ exercise, scenario, budget, probeLevers: probe = false }: ExerciseTask): ExerciseOutcome {
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
  const levers = probe ? probeLevers(exercise, scenario) : { warnings: [] };
  if ('refusal' in levers) return levers;
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
  return { ok: true, warnings: levers.warnings };
}
