/** Running a scenario: option checks, the trial budget, and a one-call API (the chunk plan lives in chunks/). */
import { GeoriskError, issue } from './errors.ts';
import { checkResultSize } from './estimate-result-size.ts';

import { buildModel, type Model, type Overrides } from './model/model.ts';
import { finalizeResult, type RunResult } from './results.ts';
import { MAX_SEED } from './rng.ts';
import type { ScenarioDocument } from './scenario-schema.ts';
import { simulate } from './simulate/simulate.ts';

/** The seed used when none is given: results are reproducible by default. */
export const DEFAULT_SEED = 1;
/** Default ceiling on trials × steps for one run (about a minute of work on one core). */
export const DEFAULT_TRIAL_STEP_BUDGET = 1e10;

export interface RunOptions {
  trials: number;
  seed?: number;
  overrides?: Overrides;
  /** Ceiling on trials × steps. */
  budget?: number;
  stepOnly?: boolean;
  onProgress?: (trialsDone: number) => void;
}

/**
 * How the hint of a refusal over the trial-step budget ends. The rest names only what the request
 * sets, in backticks (`trials`), for each surface to name as its own; a surface whose caller cannot
 * set the budget (the API's is the server's) cuts this off.
 */
export const RAISE_BUDGET = ', or raise `budget`';

/**
 * Checks trials, seed, budget and (when `maxResultValues` is given) the result's size; throws
 * `GeoriskError` with `bad_run_options`, `budget_exceeded` or `result_too_large`. `trialsOption`
 * is the option that gave the trials, the path of their issues (`trialsPerDraw` for a band's draws).
 */
export function checkRunOptions(
  model: Model,
  options: { trials: number; seed?: number; budget?: number; maxResultValues?: number; passes?: number },
  trialsOption = 'trials',
): void {
  const { trials } = options;
  const seed = options.seed ?? DEFAULT_SEED;
  if (!Number.isInteger(trials) || trials < 1) {
    throw new GeoriskError([issue('bad_run_options', trialsOption, `trials must be a whole number >= 1, got ${trials}`)]);
  }
  if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) {
    throw new GeoriskError([issue('bad_run_options', 'seed', `seed must be a whole number from 0 to ${MAX_SEED}, got ${seed}`)]);
  }
  const budget = options.budget ?? DEFAULT_TRIAL_STEP_BUDGET;
  // Work that runs every trial more than once (an update weighs, then replays) counts each pass.
  const passes = options.passes ?? 1;
  const perTrial = model.steps * passes;
  if (trials * perTrial > budget) {
    const fit = Math.floor(budget / perTrial);
    const times = passes > 1 ? ` × ${passes} passes` : '';
    throw new GeoriskError([
      issue(
        'budget_exceeded',
        trialsOption,
        `${trials} trials × ${model.steps} steps${times} = ${(trials * perTrial).toExponential(2)} trial-steps exceeds the budget of ${budget.toExponential(2)}`,
        fit >= 1
          ? `use at most ${fit} trials (\`${trialsOption}\`) or a larger dt${RAISE_BUDGET}`
          : `one trial takes ${perTrial} trial-steps, more than the whole budget: use a larger dt${RAISE_BUDGET}`,
      ),
    ]);
  }
  if (options.maxResultValues !== undefined) checkResultSize(model, options.maxResultValues);
}

/**
 * Runs a scenario on the calling thread.
 * @example const result = runScenario(loadScenarioText(text).scenario, { trials: 100_000, seed: 7 })
 */
export function runScenario(scenario: ScenarioDocument, options: RunOptions): RunResult {
  const overrides = options.overrides ?? {};
  const model = buildModel(scenario, overrides);
  checkRunOptions(model, options);
  const seed = options.seed ?? DEFAULT_SEED;
  const started = performance.now();
  const summary = simulate(model, {
    seed,
    firstTrial: 0,
    trials: options.trials,
    ...(options.stepOnly ? { stepOnly: true } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  const seconds = (performance.now() - started) / 1000;
  return finalizeResult(model, summary, { seed, overrides, seconds, workers: 1 });
}
