/**
 * Fits the generic clash model to episodes by maximum likelihood, with the exact solver giving
 * each episode's probabilities (no simulation), and a Nelder–Mead search on the log rates and the
 * log-rate shifts.
 */

import type { Clash } from '../backtest/reference-class.ts';
import { exp, log } from '../det-math.ts';
import type { ScenarioDocument } from '../scenario-schema.ts';
import { type ClashForecast, type ClashParameters, clashForecasts } from './clash-forecast.ts';
import { nelderMead } from './nelder-mead.ts';

/** Where the search starts, and the centre of the weak priors on the log rates. */
export const START: ClashParameters = {
  war_rate: 0.01,
  stop_rate: 0.2,
  war_stop_rate: 0.005,
  offensive_war_shift: 0,
  ally_war_shift: 0,
  patron_stop_shift: 0,
};

/** Sd of the weak normal priors: on each log rate (around START) and on each shift (around 0). */
export const PRIOR_SD = { logRate: 3, shift: 2 } as const;

/** Bounds of the search (the scenario's parameter ranges): log rates and shifts. */
const LOG_RATE_BOUNDS: readonly [number, number] = [log(0.0001), log(10)];
const SHIFT_BOUNDS: readonly [number, number] = [-5, 5];
const FLOOR = 1e-12;

/** Options of `fitClashModel`. */
export interface FitOptions {
  start?: ClashParameters;
  maxEvaluations?: number;
}

/** A fit: the parameters, the penalised negative log-likelihood at them, and the evaluations spent. */
export interface ClashFit {
  params: ClashParameters;
  negLogLik: number;
  evaluations: number;
}

const clamp = (v: number, [lo, hi]: readonly [number, number]) => Math.min(hi, Math.max(lo, v));

function toVector(p: ClashParameters): number[] {
  return [log(p.war_rate), log(p.stop_rate), log(p.war_stop_rate), p.offensive_war_shift, p.ally_war_shift, p.patron_stop_shift];
}

function fromVector(x: readonly number[]): ClashParameters {
  const r = (i: number) => exp(clamp(x[i] ?? 0, LOG_RATE_BOUNDS));
  const s = (i: number) => clamp(x[i] ?? 0, SHIFT_BOUNDS);
  return { war_rate: r(0), stop_rate: r(1), war_stop_rate: r(2), offensive_war_shift: s(3), ally_war_shift: s(4), patron_stop_shift: s(5) };
}

/** P(low ≤ days of fighting ≤ high) under a forecast; days beyond the horizon fall in its censored tail. */
export function daysProbability(f: ClashForecast, low: number, high: number): number {
  const horizon = f.cumulative.length - 1;
  const at = (d: number) => (d < 0 ? 0 : d > horizon ? 1 : (f.cumulative[d] ?? 1));
  const upper = high > horizon ? 1 : at(high);
  return Math.max(0, upper - at(Math.min(low, horizon + 1) - 1));
}

/**
 * The log-likelihood of one episode: its war outcome, and its days of fighting as an interval
 * likelihood P(low ≤ days ≤ high). The two are multiplied as if independent (a composite likelihood):
 * truce within 7 days is read from the days, so it is not counted again.
 */
export function episodeLogLikelihood(f: ClashForecast, e: Clash): number {
  const pWar = e.outcomes.war ? f.war : 1 - f.war;
  const days = e.outcomes.days_of_fighting;
  return log(Math.max(FLOOR, pWar)) + log(Math.max(FLOOR, daysProbability(f, days.low, days.high)));
}

function penalty(x: readonly number[]): number {
  const centre = toVector(START);
  return x.reduce((s, v, i) => {
    const sd = i < 3 ? PRIOR_SD.logRate : PRIOR_SD.shift;
    return s + ((v - (centre[i] ?? 0)) / sd) ** 2 / 2;
  }, 0);
}

/**
 * Maximises the penalised likelihood of the episodes.
 * @example fitClashModel(scenario, referenceClass.episodes).params.war_rate
 */
export function fitClashModel(scenario: ScenarioDocument, episodes: readonly Clash[], options: FitOptions = {}): ClashFit {
  const objective = (x: number[]) => {
    const params = fromVector(x);
    const forecasts = clashForecasts(scenario, params, episodes);
    const ll = episodes.reduce((s, e, i) => s + episodeLogLikelihood(forecasts[i]!, e), 0);
    return -ll + penalty(x);
  };
  const result = nelderMead(objective, toVector(options.start ?? START), {
    maxEvaluations: options.maxEvaluations ?? 300,
    tolerance: 1e-5,
  });
  return { params: fromVector(result.x), negLogLik: result.value, evaluations: result.evaluations };
}
