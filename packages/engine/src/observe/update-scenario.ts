/** The library's one call for `georisk update`: read the observations, condition by sampling, and exactly where the chain allows. */
import { GeoriskError, issue } from '../errors.ts';
import { buildModel, type Model, type Overrides } from '../model/model.ts';
import type { ScenarioDocument } from '../scenario-schema.ts';
import { conditionExact, type ExactUpdate, exactConditioningProblem } from './condition-exact.ts';
import { checkUpdateOptions, conditionSample, type SampleUpdateOptions, type UpdateResult } from './condition-sample.ts';
import { type Observations, readObservations } from './read-observations.ts';

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
  /** Progress of the sampled passes (see `SampleUpdateOptions`). */
  onProgress?: (done: number, total: number) => void;
  /** Metrics whose conditioned distribution to return as equally likely values (see `SampleUpdateOptions`). */
  grids?: readonly string[];
}

/** A conditioned forecast: the sampled result, and the exact one where it exists. */
export type UpdateAnswer = UpdateResult & { exact?: ExactUpdate };

/** What both passes of an update start from: the model, the checked observations, and the exact conditional where it exists. */
export interface PreparedUpdate {
  model: Model;
  observed: Observations;
  exact?: ExactUpdate;
}

/**
 * Reads the observations against the scenario, checks the run options, and conditions exactly
 * where it can (so an impossible observation is named exactly, before any sampling).
 */
export function prepareUpdate(scenario: ScenarioDocument, text: string, options: UpdateOptions): PreparedUpdate {
  const model = buildModel(scenario, options.overrides ?? {});
  const observed = readObservations(text, model, options.file);
  const method = options.method ?? 'auto';
  const problem = method === 'smc' ? 'not asked for' : exactConditioningProblem(model, observed);
  if (method === 'exact' && problem !== undefined) {
    throw new GeoriskError([issue('not_markov', '', `cannot condition exactly: ${problem}`, 'use --method smc (or auto)')]);
  }
  checkUpdateOptions(model, observed, sampleOptions(options));
  return problem === undefined ? { model, observed, exact: conditionExact(model, observed) } : { model, observed };
}

/** The sampling options of an update's options. */
function sampleOptions(options: UpdateOptions): SampleUpdateOptions {
  return {
    trials: options.trials,
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.overrides === undefined ? {} : { overrides: options.overrides }),
    ...(options.budget === undefined ? {} : { budget: options.budget }),
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    ...(options.grids === undefined ? {} : { grids: options.grids }),
  };
}

/**
 * The forecast conditioned on the observations in `text` (YAML or JSON), on the calling thread;
 * throws `GeoriskError` (`bad_observation`, `impossible_observation`, `not_markov` with method `exact`).
 * @example updateScenario(loadScenarioText(yaml).scenario, observedYaml, { trials: 20_000, seed: 1 }).conditioning.effectiveSampleSize
 */
export function updateScenario(scenario: ScenarioDocument, text: string, options: UpdateOptions): UpdateAnswer {
  const { model, observed, exact } = prepareUpdate(scenario, text, options);
  const sampled = conditionSample(model, observed, sampleOptions(options));
  return exact === undefined ? sampled : { ...sampled, exact };
}
