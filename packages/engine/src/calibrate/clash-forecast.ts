/** The generic clash model's forecast for one episode: its covariates set the switches, and the exact solver answers. */

import type { Clash } from '../backtest/reference-class.ts';
import { analyzeExact } from '../exact/analyze-exact.ts';
import type { ScenarioDocument } from '../scenario-schema.ts';

/** The fitted parameters of the generic clash model, on their natural scale (rates per day, shifts on the log rate). */
export interface ClashParameters {
  war_rate: number;
  stop_rate: number;
  war_stop_rate: number;
  offensive_war_shift: number;
  ally_war_shift: number;
  patron_stop_shift: number;
}

/** The model's answer for one episode: P(war), P(truce within 7 days), and P(fighting stopped by day d) for d = 0 … horizon. */
export interface ClashForecast {
  war: number;
  truce7: number;
  /** cumulative[d] = P(days of fighting ≤ d); the rest, 1 − cumulative[horizon], is "more than the horizon". */
  cumulative: number[];
}

/** The switches an episode sets, from what was known on its onset day. */
export function covariateSwitches(e: Clash): { offensive_onset: number; defence_ally: number; patron_mediator: number } {
  return {
    offensive_onset: e.covariates.initial_scale === 'offensive' ? 1 : 0,
    defence_ally: e.covariates.defence_ally === 'none' ? 0 : 1,
    patron_mediator: e.covariates.patron_mediator ? 1 : 0,
  };
}

/** A key naming the covariate pattern, so that episodes sharing one are solved once. */
export function patternKey(e: Clash): string {
  const s = covariateSwitches(e);
  return `${s.offensive_onset}${s.defence_ally}${s.patron_mediator}`;
}

/**
 * Solves the generic clash scenario exactly for one episode under the given parameters.
 * @example clashForecast(scenario, params, episode).war
 */
export function clashForecast(scenario: ScenarioDocument, params: ClashParameters, episode: Clash): ClashForecast {
  const result = analyzeExact(scenario, { ...params, ...covariateSwitches(episode) }, { everyState: false });
  const track = result.tracks.conflict;
  const cumulative = track?.firstPassage.stopped?.cumulative ?? [];
  return { war: track?.ever.war ?? 0, truce7: cumulative[7] ?? 0, cumulative };
}

/** Forecasts for many episodes, solving each covariate pattern once. */
export function clashForecasts(scenario: ScenarioDocument, params: ClashParameters, episodes: readonly Clash[]): ClashForecast[] {
  const byPattern = new Map<string, ClashForecast>();
  return episodes.map((e) => {
    const key = patternKey(e);
    let f = byPattern.get(key);
    if (f === undefined) {
      f = clashForecast(scenario, params, e);
      byPattern.set(key, f);
    }
    return f;
  });
}
