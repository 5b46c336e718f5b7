/** Plain-language misses of a forecast: what a reader of a backtest should not miss. */
import { formatNumber, formatPercent } from '../format.ts';
import type { Question } from './episode-schema.ts';
import type { ForecastOut } from './forecast-scores.ts';

/** A score as the backtest prints it: 3 decimals below 10, 1 below 100, none above. */
export function formatScore(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return String(x);
  return Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(3);
}

/** What a forecast got wrong about the observed `y`: too little weight on it, or worse than the base rate. */
export function missesOf(question: Question, y: number, forecast: ForecastOut, baseline: ForecastOut): string[] {
  return question.kind === 'event' ? eventMisses(y, forecast, baseline) : countMisses(y, forecast, baseline);
}

function eventMisses(y: number, forecast: ForecastOut, baseline: ForecastOut): string[] {
  const misses: string[] = [];
  const p = forecast.p ?? Number.NaN;
  const given = y === 1 ? p : 1 - p;
  if (given < 0.2) misses.push(`gave what happened (${y === 1 ? 'yes' : 'no'}) only ${formatPercent(given)}`);
  if ((forecast.brier ?? Number.NaN) > (baseline.brier ?? Number.NaN)) {
    misses.push(`worse than the base rate (Brier ${formatScore(forecast.brier)} against ${formatScore(baseline.brier)})`);
  }
  return misses;
}

/** 1st, 2nd, 3rd, 4th, …, 11th, 12th, 13th, …, 21st, 92nd. */
export function ordinal(k: number): string {
  const teen = k % 100 >= 11 && k % 100 <= 13;
  return `${k}${teen ? 'th' : (['th', 'st', 'nd', 'rd'][k % 10] ?? 'th')}`;
}

/** Where `pit` (a share) sits, in words: "at the 92nd percentile"; past either end of the rounding, "above the 99th percentile". */
function percentileWords(pit: number): string {
  const k = Math.round(pit * 100);
  return k <= 0 ? 'below the 1st percentile' : k >= 100 ? 'above the 99th percentile' : `at the ${ordinal(k)} percentile`;
}

function countMisses(y: number, forecast: ForecastOut, baseline: ForecastOut): string[] {
  const misses: string[] = [];
  const pit = forecast.pit ?? Number.NaN;
  if (pit < 0.05 || pit > 0.95) {
    misses.push(
      `the observed ${formatNumber(y)} lies ${pit < 0.05 ? 'below' : 'above'} the 90% interval (${formatNumber(forecast.p5 ?? Number.NaN)}–${formatNumber(forecast.p95 ?? Number.NaN)}; it is ${percentileWords(pit)})`,
    );
  } else if (pit < 0.2 || pit > 0.8) {
    misses.push(
      `the observed ${formatNumber(y)} is in the ${pit < 0.2 ? 'lower' : 'upper'} tail (${ordinal(Math.round(pit * 100))} percentile)`,
    );
  }
  if ((forecast.crps ?? Number.NaN) > (baseline.crps ?? Number.NaN)) {
    misses.push(`worse than the base rate (CRPS ${formatScore(forecast.crps)} against ${formatScore(baseline.crps)})`);
  }
  return misses;
}
