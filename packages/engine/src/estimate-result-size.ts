/** How big a run's result will be, computed from the compiled model before any trial runs. */
import { GeoriskError, issue } from './errors.ts';
import type { Model } from './model/model.ts';

/** Default ceiling on the numbers one result holds (about 10 states over 100,000 steps). */
export const DEFAULT_MAX_RESULT_VALUES = 2_000_000;

/** Series a result records per state and step: occupancy and first-passage cumulative. */
const SERIES_PER_STATE = 2;
/** Numbers per state outside the series: final, ever, their two intervals, reached, censored. */
const NUMBERS_PER_STATE = 8;
/** Upper bound on the numbers of one metric's summary: moments, quantiles, and a histogram of at most 41 bins (edges and counts). */
const NUMBERS_PER_METRIC = 120;
/** Upper bound on the characters of one number in the JSON answer (17 significant digits, sign, exponent, comma). */
const MAX_CHARS_PER_NUMBER = 24;

/** The size of a result: how many numbers it holds and an upper bound on its JSON in bytes. */
export interface ResultSize {
  /** Numbers in the result: states × (steps + 1) × series, plus per-state and per-metric summaries. */
  values: number;
  /** Upper bound on the result's JSON in bytes. */
  maxBytes: number;
  states: number;
  steps: number;
  /** Time series recorded per state (occupancy, first passage). */
  series: number;
  metrics: number;
}

/** The size of the result a model's run (or exact analysis) will produce; independent of the trials. */
export function estimateResultSize(model: Pick<Model, 'totalStates' | 'steps' | 'metrics'>): ResultSize {
  const states = model.totalStates;
  const steps = model.steps;
  const values = states * (steps + 1) * SERIES_PER_STATE + states * NUMBERS_PER_STATE + model.metrics.length * NUMBERS_PER_METRIC;
  return { values, maxBytes: values * MAX_CHARS_PER_NUMBER, states, steps, series: SERIES_PER_STATE, metrics: model.metrics.length };
}

/** Throws `result_too_large` (path `time.dt`) when a model's result would hold more than `maxValues` numbers. */
export function checkResultSize(
  model: Pick<Model, 'totalStates' | 'steps' | 'metrics'>,
  maxValues = DEFAULT_MAX_RESULT_VALUES,
): ResultSize {
  const size = estimateResultSize(model);
  if (size.values > maxValues) {
    const perStep = size.states * size.series;
    const fitting = Math.max(1, Math.floor((maxValues - (size.values - perStep * (size.steps + 1))) / perStep) - 1);
    throw new GeoriskError([
      issue(
        'result_too_large',
        'time.dt',
        `the result would hold ${size.values.toExponential(2)} numbers (${size.states} states × ${size.steps + 1} time points × ${size.series} series, plus metric summaries; up to ${(size.maxBytes / 1e6).toFixed(0)} MB), over the limit of ${maxValues.toExponential(2)}`,
        `use at most ${fitting} steps: a coarser dt (e.g. days instead of hours), a shorter horizon, or fewer states`,
      ),
    ]);
  }
  return size;
}
