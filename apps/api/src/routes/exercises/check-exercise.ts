/** Checks an exercise definition against its scenario before it is stored or revealed. */
import { buildModel, checkRunOptions, GeoriskError, type LoadedScenario, simulate } from '@georisk/engine';
import { type Exercise, questionOutcomes } from '@georisk/engine/classroom';
import { ApiError } from '../../errors.ts';

/** The library or saved scenario by id; throws a 404 ApiError when there is none. */
export type ScenarioLookup = (id: string) => LoadedScenario;

/** The exercise's scenario, or 400 `unknown_scenario`. */
function scenarioOf(exercise: Exercise, scenario: ScenarioLookup): LoadedScenario {
  try {
    return scenario(exercise.scenarioId);
  } catch (error) {
    if (error instanceof ApiError && error.statusCode === 404) {
      throw new ApiError(
        400,
        'unknown_scenario',
        `no scenario "${exercise.scenarioId}" in the library; pick one from GET /api/scenarios`,
        'scenarioId',
      );
    }
    throw error;
  }
}

/** Checks that every lever names a parameter and every question a metric of the scenario. */
function checkNames(exercise: Exercise, params: string[], metrics: string[]): void {
  const missing = (name: string, path: string) => {
    if (!params.includes(name)) {
      throw new ApiError(
        400,
        'invalid_request',
        `${path}: the scenario has no parameter "${name}"; use one of: ${params.join(', ')}`,
        path,
      );
    }
  };
  exercise.levers.forEach((lever, i) => {
    if (lever.kind === 'range') missing(lever.parameter, `levers[${i}].parameter`);
    else lever.options.forEach((o, j) => Object.keys(o.overrides).forEach((p) => missing(p, `levers[${i}].options[${j}].overrides.${p}`)));
  });
  exercise.questions.forEach((q, i) => {
    if (!metrics.includes(q.metric)) {
      throw new ApiError(
        400,
        'invalid_request',
        `questions[${i}].metric: the scenario has no metric "${q.metric}"; use one of: ${metrics.join(', ')}`,
        `questions[${i}].metric`,
      );
    }
  });
}

/** Checks a definition against its scenario: parameters, metrics, and a short trial run of every lever option. */
export function checkAgainstScenario(exercise: Exercise, scenario: ScenarioLookup, budget: number): LoadedScenario {
  const loaded = scenarioOf(exercise, scenario);
  const model = buildModel(loaded.scenario);
  checkNames(
    exercise,
    Object.keys(loaded.scenario.parameters),
    model.metrics.map((m) => m.name),
  );
  // A short run catches a probability question on a metric that is not 0/1; it is capped at
  // about a million trial-steps, so a long scenario cannot hold the event loop.
  try {
    checkRunOptions(model, { trials: exercise.trials, seed: exercise.seed, budget });
    const probe = Math.max(1, Math.min(200, Math.floor(1e6 / model.steps)));
    questionOutcomes(exercise, model, simulate(model, { seed: exercise.seed, firstTrial: 0, trials: probe }));
  } catch (error) {
    if (error instanceof RangeError) throw new ApiError(400, 'invalid_request', error.message, error.message.split(':')[0] ?? '');
    if (error instanceof GeoriskError) {
      const first = error.issues[0];
      throw new ApiError(
        400,
        first?.code === 'budget_exceeded' ? 'budget_exceeded' : 'invalid_request',
        first?.message ?? 'invalid exercise',
        first?.path === 'trials' ? 'trials' : '',
      );
    }
    throw error;
  }
  return loaded;
}
