/** Checks an exercise definition against its scenario (on a document thread) before it is stored or revealed. */
import { GeoriskError, type LoadedScenario } from '@georisk/engine';
import type { Exercise } from '@georisk/engine/classroom';
import type { ExerciseWarning } from '@georisk/node';
import type { DocumentChecker } from '../../document-checker.ts';
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

/** What checking an exercise needs: the scenario lookup, saved scenarios parsed off the loop, the document threads and the budget. */
export interface ExerciseChecking {
  scenario: ScenarioLookup;
  /** Parses a saved scenario off the event loop before `scenario` reads it. */
  prepareScenario: (id: string) => Promise<void>;
  documents: DocumentChecker;
  /** Ceiling on trials × steps for one run. */
  budget: number;
}

/**
 * Checks a definition against its scenario: parameters, metrics, a short run of every value a lever
 * can set (when `probeLevers`: at creation) and a trial run, on a document thread (the trial run
 * alone costs a tenth of a second or more). Returns the scenario and the warnings for the teacher.
 */
export async function checkAgainstScenario(
  exercise: Exercise,
  checking: ExerciseChecking,
  probeLevers = false,
): Promise<{ loaded: LoadedScenario; warnings: ExerciseWarning[] }> {
  await checking.prepareScenario(exercise.scenarioId);
  const loaded = scenarioOf(exercise, checking.scenario);
  const outcome = await checking.documents.checkExercise({ exercise, scenario: loaded.scenario, budget: checking.budget, probeLevers });
  if ('issues' in outcome) throw new GeoriskError(outcome.issues);
  if ('refusal' in outcome) throw new ApiError(400, outcome.refusal.code, outcome.refusal.message, outcome.refusal.path);
  return { loaded, warnings: outcome.warnings };
}
