/** The library's one call for `georisk update`: read the observations, condition by sampling, and exactly where the chain allows. */
import { GeoriskError, issue } from '../errors.ts';
import { buildModel, type Overrides } from '../model/model.ts';
import type { ScenarioDocument } from '../scenario-schema.ts';
import { conditionExact, type ExactUpdate, exactConditioningProblem } from './condition-exact.ts';
import { conditionSample, type UpdateResult } from './condition-sample.ts';
import { readObservations } from './read-observations.ts';

/** Options of `updateScenario`. */
export interface UpdateOptions {
  trials: number;
  seed?: number;
  overrides?: Overrides;
  budget?: number;
  /** `auto` (default) adds the exact conditional when the chain is Markov and only tracks and events are observed; `exact` requires it; `smc` skips it. */
  method?: 'auto' | 'exact' | 'smc';
  /** The observations file's name, for error locations. */
  file?: string;
}

/** A conditioned forecast: the sampled result, and the exact one where it exists. */
export type UpdateAnswer = UpdateResult & { exact?: ExactUpdate };

/**
 * The forecast conditioned on the observations in `text` (YAML or JSON); throws `GeoriskError`
 * (`bad_observation`, `impossible_observation`, `not_markov` with method `exact`).
 * @example updateScenario(loadScenarioText(yaml).scenario, observedYaml, { trials: 20_000, seed: 1 }).conditioning.effectiveSampleSize
 */
export function updateScenario(scenario: ScenarioDocument, text: string, options: UpdateOptions): UpdateAnswer {
  const model = buildModel(scenario, options.overrides ?? {});
  const observed = readObservations(text, model, options.file);
  const method = options.method ?? 'auto';
  const problem = method === 'smc' ? 'not asked for' : exactConditioningProblem(model, observed);
  if (method === 'exact' && problem !== undefined) {
    throw new GeoriskError([issue('not_markov', '', `cannot condition exactly: ${problem}`, 'use --method smc (or auto)')]);
  }
  // The exact pass first: an impossible observation is named exactly, before any sampling.
  const exact = problem === undefined ? conditionExact(model, observed) : undefined;
  const sampled = conditionSample(model, observed, {
    trials: options.trials,
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.overrides === undefined ? {} : { overrides: options.overrides }),
    ...(options.budget === undefined ? {} : { budget: options.budget }),
  });
  return exact === undefined ? sampled : { ...sampled, exact };
}
