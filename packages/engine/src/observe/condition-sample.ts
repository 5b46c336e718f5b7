/**
 * Conditioning by sampling, for any scenario: every trial is weighted by the likelihood of the
 * observations (importance weighting with the model as proposal), then the trials are resampled
 * systematically in proportion to their weights and replayed into an ordinary run result.
 */
import { GeoriskError, issue } from '../errors.ts';
import type { Model, Overrides } from '../model/model.ts';
import { finalizeResult, type Receipt, type RunResult, scenarioHash } from '../results.ts';
import { TrialStream, trialSeed } from '../rng.ts';
import { checkRunOptions, DEFAULT_SEED, DEFAULT_TRIAL_STEP_BUDGET } from '../run.ts';
import { simulate } from '../simulate/simulate.ts';
import { buildAugmentedModel } from './augment-scenario.ts';
import { type ParameterShift, parameterShifts } from './parameter-shift.ts';
import type { CheckedObservation, Observations } from './read-observations.ts';

/** Below this share of the trials, the effective sample size counts as collapsed. */
export const ESS_WARNING_SHARE = 0.05;

/** What sampling-based conditioning reports beside the result. */
export interface SampledConditioning {
  method: 'smc';
  /** Time of the last observation (or `as_of`), in the scenario's unit. */
  asOf: number;
  /** The mean likelihood over the prior trials: an estimate of P(observations) (up to each reporting error's constant). */
  evidence: number;
  /** (Σw)² / Σw²: how many independent trials the weighted ones are worth. */
  effectiveSampleSize: number;
  /** Per observation in time order: the estimated probability given the ones before, and the trials still matching. */
  observations: { name: string; t: number; probability: number; trialsMatching: number }[];
  /** How each uncertain parameter's distribution moved (empty when the scenario has none). */
  parameters: ParameterShift[];
  warnings: string[];
  notes: string[];
}

/** An update's receipt: a run's, plus the hash of the observations. */
export type UpdateReceipt = Receipt & { observationsHash: string };

/** The conditioned forecast: an ordinary run result (its receipt with the observations' hash) plus the diagnostics. */
export type UpdateResult = Omit<RunResult, 'receipt'> & { receipt: UpdateReceipt; conditioning: SampledConditioning };

/** Options of `conditionSample`. */
export interface SampleUpdateOptions {
  trials: number;
  seed?: number;
  overrides?: Overrides;
  budget?: number;
}

/**
 * Conditions any scenario on observations by weighting and resampling trials; deterministic for a
 * seed. Throws `impossible_observation` naming the first observation no trial matched.
 * @example conditionSample(scenario, model, readObservations(text, model), { trials: 20_000 }).metrics.war_reached
 */
export function conditionSample(model: Model, observed: Observations, options: SampleUpdateOptions): UpdateResult {
  const started = performance.now();
  const seed = options.seed ?? DEFAULT_SEED;
  const overrides = options.overrides ?? {};
  const { trials } = options;
  const { model: sampled, snapshots: slots } = buildAugmentedModel(model, observed.list, overrides);
  // Two passes (weigh, then replay the chosen trials): the budget counts both.
  checkRunOptions(sampled, { trials, seed, budget: (options.budget ?? DEFAULT_TRIAL_STEP_BUDGET) / 2 });
  const weights = new Float64Array(trials);
  const matching = new Float64Array(observed.list.length);
  const mass = new Float64Array(observed.list.length);
  const drawn = model.params.uncertainty.map((d) => (d === undefined ? undefined : new Float64Array(trials)));
  simulate(sampled, {
    seed,
    firstTrial: 0,
    trials,
    onTrialEnd: (trial, s) => {
      let w = 1;
      observed.list.forEach((o, i) => {
        if (w === 0) return;
        w *= likelihood(o, s.v[slots[i]!]!);
        if (w > 0) matching[i]!++;
        mass[i]! += w;
      });
      weights[trial] = w;
      drawn.forEach((d, p) => {
        if (d !== undefined) d[trial] = s.p[p]!;
      });
    },
  });
  const impossible = observed.list.findIndex((_, i) => mass[i] === 0);
  if (impossible >= 0) {
    const o = observed.list[impossible]!;
    throw new GeoriskError([
      issue(
        'impossible_observation',
        `observations[${o.index}]`,
        `no trial of ${trials} matched ${o.name} given the observations before it: it is impossible under the model, or rarer than about 1 in ${trials}`,
        'check it against the scenario (its states, rates and events), widen it, or run more trials',
      ),
    ]);
  }
  const list = systematicResample(weights, trials, seed);
  const summary = simulate(sampled, { seed, firstTrial: 0, trials, trialList: list });
  summary.trialSteps = 2 * trials * model.steps;
  const seconds = (performance.now() - started) / 1000;
  const result = finalizeResult(sampled, summary, { seed, overrides, seconds, workers: 1 });
  const hash = scenarioHash(model);
  result.scenario.hash = hash;
  const conditioning = diagnostics(model, observed, { weights, matching, mass, drawn });
  return { ...result, receipt: { ...result.receipt, scenarioHash: hash, observationsHash: observed.hash }, conditioning };
}

/** The likelihood of one observation given its snapshot value. */
function likelihood(o: CheckedObservation, value: number): number {
  if (o.kind === 'variable') return o.likelihood(value);
  if (o.kind === 'event') return o.happened ? value : 1 - value;
  return value;
}

/**
 * Systematic resampling: n trial indices (ascending, repeats allowed) drawn in proportion to the
 * weights with one uniform from the run's seed, so the choice is the same on every machine.
 */
export function systematicResample(weights: Float64Array, n: number, seed: number): Int32Array {
  let total = 0;
  for (const w of weights) total += w;
  const u = new TrialStream(trialSeed(seed, 0, 2)).uniform();
  const out = new Int32Array(n);
  let cumulative = 0;
  let j = 0;
  for (let i = 0; i < weights.length && j < n; i++) {
    cumulative += (weights[i]! / total) * n;
    while (j < n && j + u <= cumulative) out[j++] = i;
  }
  // Rounding can leave the last slots unfilled: they go to the last trial with weight.
  let last = weights.length - 1;
  while (last > 0 && weights[last] === 0) last--;
  while (j < n) out[j++] = last;
  return out;
}

/** ESS, evidence, per-observation figures, parameter shifts, and the warnings and notes. */
function diagnostics(
  model: Model,
  observed: Observations,
  run: { weights: Float64Array; matching: Float64Array; mass: Float64Array; drawn: (Float64Array | undefined)[] },
): SampledConditioning {
  const n = run.weights.length;
  let sum = 0;
  let squares = 0;
  for (const w of run.weights) {
    sum += w;
    squares += w * w;
  }
  const ess = (sum * sum) / squares;
  const warnings: string[] = [];
  if (ess < ESS_WARNING_SHARE * n) {
    warnings.push(
      `the effective sample size collapsed to ${ess.toFixed(1)} of ${n} trials (under ${ESS_WARNING_SHARE * 100}%): the observations are unlikely under the model, so the conditioned figures rest on few trials; run more trials, or check the observations`,
    );
  }
  return {
    method: 'smc',
    asOf: observed.asOfStep * model.dt,
    evidence: sum / n,
    effectiveSampleSize: ess,
    observations: observed.list.map((o, i) => ({
      name: o.name,
      t: o.step * model.dt,
      probability: run.mass[i]! / (i === 0 ? n : run.mass[i - 1]!),
      trialsMatching: run.matching[i]!,
    })),
    parameters: parameterShifts(model, run.drawn, run.weights),
    warnings,
    notes: [
      `the intervals in the result treat the ${n} resampled trials as independent; they are worth about ${Math.round(ess)} (the effective sample size), so widen them by about ${Math.sqrt(n / Math.max(ess, 1)).toFixed(1)}×`,
    ],
  };
}
