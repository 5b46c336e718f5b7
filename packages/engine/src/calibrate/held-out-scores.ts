/** One held-out episode's forecasts and scores beside the fold's base rates and climatology (fitted on the fold's training episodes only). */
import type { Clash } from '../backtest/reference-class.ts';
import { baseRate } from '../scoring.ts';
import { eventScores, intervalCrps } from './calibration-scores.ts';
import type { ClashForecast } from './clash-forecast.ts';

/** What a fold knows before it scores: the training episodes' base rates and days. */
export interface FoldBaseline {
  /** Jeffreys-smoothed frequencies (k + ½) / (n + 1) in the training episodes. */
  war: number;
  truce7: number;
  /** Climatology of days of fighting: the training episodes' best figures (capped at the horizon + 1). */
  days: number[];
}

/** A held-out episode, forecast by the model fitted without it. */
export interface HeldOut {
  id: string;
  year: number;
  observed: { war: boolean; truce7: boolean; days: [number, number] };
  forecast: { war: number; truce7: number; medianDays: number };
  model: { warBrier: number; warLog: number; truceBrier: number; truceLog: number; daysCrps: number };
  baseline: { warBrier: number; warLog: number; truceBrier: number; truceLog: number; daysCrps: number };
}

const unit = (p: number) => Math.min(1, Math.max(0, p));

/** The base rates and climatology of a fold's training episodes. */
export function foldBaseline(train: readonly Clash[], horizon: number): FoldBaseline {
  const n = train.length;
  return {
    war: baseRate(train.filter((e) => e.outcomes.war).length, n),
    truce7: baseRate(train.filter((e) => e.outcomes.truce_within_7_days).length, n),
    days: train.map((e) => Math.min(e.outcomes.days_of_fighting.best, horizon + 1)),
  };
}

/** The forecast's distribution of days of fighting as (days, probability); horizon + 1 stands for "more than the horizon". */
export function daysDistribution(f: ClashForecast): [number, number][] {
  const horizon = f.cumulative.length - 1;
  const out: [number, number][] = [];
  for (let d = 1; d <= horizon; d++) out.push([d, Math.max(0, (f.cumulative[d] ?? 0) - (f.cumulative[d - 1] ?? 0))]);
  out.push([horizon + 1, Math.max(0, 1 - (f.cumulative[horizon] ?? 0))]);
  return out;
}

function median(f: ClashForecast): number {
  const i = f.cumulative.findIndex((c) => c >= 0.5);
  return i < 0 ? f.cumulative.length : i;
}

/** Scores one held-out episode: model and baseline on the same questions. */
export function heldOutScores(e: Clash, f: ClashForecast, base: FoldBaseline): HeldOut {
  const horizon = f.cumulative.length - 1;
  const { war, truce_within_7_days: truce7, days_of_fighting: days } = e.outcomes;
  const mWar = eventScores(unit(f.war), war);
  const mTruce = eventScores(unit(f.truce7), truce7);
  const bWar = eventScores(base.war, war);
  const bTruce = eventScores(base.truce7, truce7);
  const climatology = base.days.map((d) => [d, 1] as const);
  return {
    id: e.id,
    year: Number(e.onset.slice(0, 4)),
    observed: { war, truce7, days: [days.low, days.high] },
    forecast: { war: f.war, truce7: f.truce7, medianDays: median(f) },
    model: {
      warBrier: mWar.brier,
      warLog: mWar.log,
      truceBrier: mTruce.brier,
      truceLog: mTruce.log,
      daysCrps: intervalCrps(daysDistribution(f), days.low, days.high, horizon + 1),
    },
    baseline: {
      warBrier: bWar.brier,
      warLog: bWar.log,
      truceBrier: bTruce.brier,
      truceLog: bTruce.log,
      daysCrps: intervalCrps(climatology, days.low, days.high, horizon + 1),
    },
  };
}
