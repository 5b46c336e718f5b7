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
import { type RunSummary, simulate } from '../simulate/simulate.ts';
import { outcomeGrid } from '../summarize.ts';
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
  /**
   * What `evidence` is, for its label: P(observations) when every observation is a state, an event or
   * a range; with a value reported with an error, a relative likelihood (that error enters as
   * exp(−z²/2), peak 1, not as a density), comparable only between models given the same observations.
   */
  evidenceLabel: 'P(observations)' | 'relative likelihood of the observations';
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
export type UpdateResult = Omit<RunResult, 'receipt'> & {
  receipt: UpdateReceipt;
  conditioning: SampledConditioning;
  /** With `grids`: each listed metric's conditioned distribution as equally likely values (`outcomeGrid`), read from the replayed trials' counts. */
  grids?: Record<string, number[]>;
};

/** Options of `conditionSample`. */
export interface SampleUpdateOptions {
  trials: number;
  seed?: number;
  overrides?: Overrides;
  budget?: number;
  /** Called every few thousand trials with the trials simulated so far of both passes (weighing, then replaying: `total` is twice the trials). */
  onProgress?: (done: number, total: number) => void;
  /**
   * Metrics whose whole conditioned distribution to return as equally likely values (`UpdateResult.grids`):
   * a classroom scores quantity forecasts on it, where the summary's histogram bins are too coarse.
   */
  grids?: readonly string[];
}

/** Trials between progress reports of an update on one thread. */
const PROGRESS_EVERY = 2000;

/** The weights of trials [first, first + weights.length): what the first pass gives, mergeable across chunks. */
export interface TrialWeights {
  first: number;
  /** Per trial: the product of the observations' likelihoods. */
  weights: Float64Array;
  /** Per trial, per observation (time order): the product of the likelihoods up to it (summed in trial order, so chunking never changes a bit). */
  cumulative: Float64Array;
  /** Per parameter with an uncertainty distribution: the value each trial drew. */
  drawn: (Float64Array | undefined)[];
}

/**
 * Conditions any scenario on observations by weighting and resampling trials; deterministic for a
 * seed. Throws `impossible_observation` naming the first observation no trial matched.
 * @example conditionSample(model, readObservations(text, model), { trials: 20_000 }).metrics.war_reached
 */
export function conditionSample(model: Model, observed: Observations, options: SampleUpdateOptions): UpdateResult {
  const started = performance.now();
  const seed = options.seed ?? DEFAULT_SEED;
  const overrides = options.overrides ?? {};
  checkUpdateOptions(model, observed, options);
  const report = options.onProgress;
  const total = 2 * options.trials;
  const weighing = report && { every: PROGRESS_EVERY, report: (done: number) => report(done, total) };
  const weights = weighTrials(model, observed, {
    seed,
    overrides,
    first: 0,
    count: options.trials,
    ...(weighing && { progress: weighing }),
  });
  report?.(options.trials, total);
  const list = resampleTrials(observed, weights, seed);
  const replaying = report && { every: PROGRESS_EVERY, report: (done: number) => report(options.trials + done, total) };
  const summary = replayTrials(model, observed, { seed, overrides, list, ...(replaying && { progress: replaying }) });
  report?.(total, total);
  const result = finishUpdate(model, observed, weights, summary, {
    seed,
    overrides,
    seconds: (performance.now() - started) / 1000,
    workers: 1,
  });
  return options.grids === undefined ? result : { ...result, grids: metricGrids(model, summary, options.grids) };
}

/** The listed metrics' distributions as equally likely values; an unknown name is an error naming it. */
function metricGrids(model: Model, summary: RunSummary, names: readonly string[]): Record<string, number[]> {
  const grids: Record<string, number[]> = {};
  for (const name of names) {
    const index = model.metrics.findIndex((m) => m.name === name);
    const acc = summary.metrics[index];
    if (index < 0 || acc === undefined) throw new GeoriskError([issue('bad_run_options', 'grids', `the scenario has no metric "${name}"`)]);
    grids[name] = outcomeGrid(acc);
  }
  return grids;
}

/** Checks trials, seed and budget (two passes: weighing, then replaying) against the augmented model. */
export function checkUpdateOptions(model: Model, observed: Observations, options: SampleUpdateOptions): void {
  const sampled = buildAugmentedModel(model, observed.list, options.overrides ?? {}).model;
  const budget = options.budget ?? DEFAULT_TRIAL_STEP_BUDGET;
  checkRunOptions(sampled, { trials: options.trials, seed: options.seed ?? DEFAULT_SEED, budget, passes: 2 });
}

/** The first pass over trials [first, first + count): each trial's weight (any chunk of the trials, on any thread). */
export function weighTrials(
  model: Model,
  observed: Observations,
  chunk: { seed: number; overrides: Overrides; first: number; count: number; progress?: Progress },
): TrialWeights {
  const { model: sampled, snapshots } = buildAugmentedModel(model, observed.list, chunk.overrides);
  const { first, count } = chunk;
  const out: TrialWeights = {
    first,
    weights: new Float64Array(count),
    cumulative: new Float64Array(count * observed.list.length),
    drawn: model.params.uncertainty.map((d) => (d === undefined ? undefined : new Float64Array(count))),
  };
  simulate(sampled, {
    seed: chunk.seed,
    firstTrial: first,
    trials: count,
    ...progressOptions(chunk.progress),
    onTrialEnd: (trial, s) => {
      let w = 1;
      const at = (trial - first) * observed.list.length;
      observed.list.forEach((o, i) => {
        if (w !== 0) w *= likelihood(o, s.v[snapshots[i]!]!);
        out.cumulative[at + i] = w;
      });
      out.weights[trial - first] = w;
      out.drawn.forEach((d, p) => {
        if (d !== undefined) d[trial - first] = s.p[p]!;
      });
    },
  });
  return out;
}

/** Joins the weights of consecutive chunks (in any order) into those of all their trials. */
export function mergeWeights(parts: TrialWeights[]): TrialWeights {
  const sorted = [...parts].sort((a, b) => a.first - b.first);
  const count = sorted.reduce((n, p) => n + p.weights.length, 0);
  const first = sorted[0]?.first ?? 0;
  const joined = (pick: (p: TrialWeights) => Float64Array) => {
    const out = new Float64Array(count);
    for (const p of sorted) out.set(pick(p), p.first - first);
    return out;
  };
  const width = count === 0 ? 0 : (sorted[0]?.cumulative.length ?? 0) / (sorted[0]?.weights.length || 1);
  const cumulative = new Float64Array(count * width);
  for (const p of sorted) cumulative.set(p.cumulative, (p.first - first) * width);
  return {
    first,
    weights: joined((p) => p.weights),
    cumulative,
    drawn: (sorted[0]?.drawn ?? []).map((d, i) => (d === undefined ? undefined : joined((p) => p.drawn[i]!))),
  };
}

/** The trials to replay, drawn in proportion to their weights; throws when no trial matched some observation. */
export function resampleTrials(observed: Observations, weights: TrialWeights, seed: number): Int32Array {
  const n = weights.weights.length;
  const { mass } = observationTotals(observed, weights);
  const impossible = observed.list.findIndex((_, i) => mass[i] === 0);
  if (impossible >= 0) {
    const o = observed.list[impossible]!;
    throw new GeoriskError([
      issue(
        'impossible_observation',
        `observations[${o.index}]`,
        `no trial of ${n} matched ${o.name} given the observations before it: it is impossible under the model, or rarer than about 1 in ${n}`,
        'check it against the scenario (its states, rates and events), widen it, or run more trials',
      ),
    ]);
  }
  // With the weight of about one trial, every replayed trial is a copy of it: its spread, and so
  // every interval, would read 0 ("139 ± 0"), certainty the run does not have.
  const ess = effectiveSampleSize(weights.weights);
  if (ess < MIN_EFFECTIVE_TRIALS) {
    throw new GeoriskError([
      issue(
        'impossible_observation',
        'observations',
        `the observations matched too few trials to estimate anything: their weight is that of ${ess.toFixed(1)} trials of ${n} (an interval needs at least ${MIN_EFFECTIVE_TRIALS}); under the model they are about as rare as 1 in ${n}`,
        'run many more trials, or check the observations against the scenario (its states, rates and events)',
      ),
    ]);
  }
  const list = systematicResample(weights.weights, n, seed);
  for (let i = 0; i < list.length; i++) list[i]! += weights.first;
  return list;
}

/** The fewest effective trials a conditioned forecast is given from: below, each figure rests on one or two trials. */
export const MIN_EFFECTIVE_TRIALS = 2;

/** (Σw)² / Σw²: how many independent trials the weighted ones are worth. */
function effectiveSampleSize(weights: Float64Array): number {
  let sum = 0;
  let squares = 0;
  for (const w of weights) {
    sum += w;
    squares += w * w;
  }
  return squares === 0 ? 0 : (sum * sum) / squares;
}

/** The second pass: the listed trials replayed into a run summary (any piece of the list, on any thread; summaries merge exactly). */
export function replayTrials(
  model: Model,
  observed: Observations,
  chunk: { seed: number; overrides: Overrides; list: Int32Array; progress?: Progress },
): RunSummary {
  const { model: sampled } = buildAugmentedModel(model, observed.list, chunk.overrides);
  const options = { seed: chunk.seed, firstTrial: 0, trials: chunk.list.length, trialList: chunk.list };
  return simulate(sampled, { ...options, ...progressOptions(chunk.progress) });
}

/** A pass's progress reports: every `every` trials, the trials of this pass done so far. */
export interface Progress {
  every: number;
  report: (done: number) => void;
}

/** `simulate`'s progress options for a pass. */
function progressOptions(progress: Progress | undefined): { onProgress?: (done: number) => void; progressEvery?: number } {
  return progress === undefined ? {} : { onProgress: progress.report, progressEvery: progress.every };
}

/** The result users read: the replayed trials as a run result, the original scenario's hash, the receipt and the diagnostics. */
export function finishUpdate(
  model: Model,
  observed: Observations,
  weights: TrialWeights,
  summary: RunSummary,
  run: { seed: number; overrides: Overrides; seconds: number; workers: number },
): UpdateResult {
  const sampled = buildAugmentedModel(model, observed.list, run.overrides).model;
  summary.trialSteps = 2 * summary.trials * model.steps;
  const conditioning = diagnostics(model, observed, weights);
  // The resampled trials are worth the weighted ones' effective sample size: the intervals use it.
  const result = finalizeResult(sampled, summary, { ...run, effectiveTrials: conditioning.effectiveSampleSize });
  const hash = scenarioHash(model);
  result.scenario.hash = hash;
  return { ...result, receipt: { ...result.receipt, scenarioHash: hash, observationsHash: observed.hash }, conditioning };
}

/** Per observation: the trials still matching after it, and the sum of their weights then (in trial order). */
function observationTotals(observed: Observations, weights: TrialWeights): { matching: Float64Array; mass: Float64Array } {
  const width = observed.list.length;
  const matching = new Float64Array(width);
  const mass = new Float64Array(width);
  for (let t = 0; t < weights.weights.length; t++) {
    for (let i = 0; i < width; i++) {
      const w = weights.cumulative[t * width + i]!;
      if (w > 0) matching[i]!++;
      mass[i]! += w;
    }
  }
  return { matching, mass };
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

/** A count as the notes print it: whole, with thousands separated. */
const count = (x: number) => Math.round(x).toLocaleString('en-US');

/** ESS, evidence, per-observation figures, parameter shifts, and the warnings and notes. */
function diagnostics(model: Model, observed: Observations, run: TrialWeights): SampledConditioning {
  const n = run.weights.length;
  const { matching, mass } = observationTotals(observed, run);
  let sum = 0;
  for (const w of run.weights) sum += w;
  const ess = effectiveSampleSize(run.weights);
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
    evidenceLabel: observed.list.some((o) => o.kind === 'variable' && o.reported)
      ? 'relative likelihood of the observations'
      : 'P(observations)',
    effectiveSampleSize: ess,
    observations: observed.list.map((o, i) => ({
      name: o.name,
      t: o.step * model.dt,
      probability: mass[i]! / (i === 0 ? n : mass[i - 1]!),
      trialsMatching: matching[i]!,
    })),
    parameters: parameterShifts(model, run.drawn, run.weights),
    warnings,
    notes: [
      `the ${count(n)} resampled trials are worth about ${count(ess)} independent ones (the effective sample size): every standard error and interval in the result is computed with ${count(ess)}, about ${Math.sqrt(n / Math.max(ess, 1)).toFixed(1)}× wider than ${count(n)} independent trials would give`,
    ],
  };
}
