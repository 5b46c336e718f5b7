/**
 * The band's headline in words, free of the DOM so Node tests read it: "War within 30 days: 18%
 * (10–31% across our assumptions)", with the sampling error as a separate, labelled aside
 * ("± 0.3 points from sampling"), and counts and durations with their unit.
 */
import type { MetricBand } from '@georisk/engine';
import { bandEndNumber, bandEndPercent, formatNumber, toSignificant } from './format.ts';

/** The parts of one metric's headline: the answer, its band, and the sampling error. */
export interface BandWords {
  /** "War within 30 days: 18%" or "Armenian military deaths: 250 deaths". */
  answer: string;
  /** "(10–31% across our assumptions)". */
  band: string;
  /** "± 0.3 points from sampling" or "± 12 deaths from sampling". */
  sampling: string;
}

/** Units that read as a noun and take an "s" for any value but 1 ("hour" → "hours"). */
const COUNTABLE = new Set(['hour', 'day', 'week', 'month', 'year', 'death', 'attempt']);

/** A unit for a value: "hours" for 52, "hour" for 1; other units as written. */
export function unitFor(unit: string | undefined, x: number): string {
  if (!unit || unit === 'probability') return '';
  return COUNTABLE.has(unit) && Math.abs(x) !== 1 ? `${unit}s` : unit;
}

/** Two significant digits: the headline's precision, since the band is many points wide. */
function twoSignificant(x: number): number {
  return toSignificant(x, 2);
}

/**
 * A probability as the headline shows it: whole percents between 10% and 90%, two significant
 * digits of the distance from 0% or 100% outside (3.6%, 96.4%, 0.72%).
 */
export function headlinePercent(p: number): string {
  if (!Number.isFinite(p)) return String(p);
  const x = Math.min(100, Math.max(0, p * 100));
  const shown = x >= 10 && x <= 90 ? Math.round(x) : x < 10 ? twoSignificant(x) : 100 - twoSignificant(100 - x);
  return `${formatNumber(Number(shown.toFixed(6)))}%`;
}

/** A count or duration as the headline shows it: at most three significant digits. */
export function headlineNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return formatNumber(Math.abs(x) >= 100 ? Math.round(x) : Number(x.toPrecision(3)));
}

/** An error as "0.3" or "12": two significant digits, since more would claim precision it lacks. */
export function errorDigits(x: number): string {
  return formatNumber(twoSignificant(x));
}

/** " deaths" after a number, or '' without a unit. */
function withUnit(unit: string | undefined, x: number): string {
  const u = unitFor(unit, x);
  return u === '' ? '' : ` ${u}`;
}

/** A metric's overall answer and its 5–95% range, without a label: { answer: "18%", range: "10–31%" }. */
export function bandValue(band: MetricBand, unit?: string): { answer: string; range: string } {
  const { mean } = band.overall;
  if (band.probability) {
    const lo = bandEndPercent(band.band.p5).replace(/%$/, '');
    return { answer: headlinePercent(mean), range: `${lo}–${bandEndPercent(band.band.p95)}` };
  }
  return {
    answer: `${headlineNumber(mean)}${withUnit(unit, mean)}`,
    range: `${bandEndNumber(band.band.p5)}–${bandEndNumber(band.band.p95)}${withUnit(unit, band.band.p95)}`,
  };
}

/** How many of a band's uncertain parameters declare their prior (the rest take the default over their range). */
export function declaredPriors(result: { uncertain: readonly { source: 'declared' | 'default' }[] }): number {
  return result.uncertain.filter((p) => p.source === 'declared').length;
}

/** A single estimate (a run's mean or probability) at the headline's precision: "50%", "134 deaths". */
export function headlineValue(x: number, probability: boolean, unit?: string): string {
  return probability ? headlinePercent(x) : `${headlineNumber(x)}${withUnit(unit, x)}`;
}

/**
 * How the note on the band against the run's table begins: why the table says one thing and the
 * band another; where the two read the same at headline precision, that it says the same from
 * other draws (asking why 11% is not 11% would be nonsense); and where they read differently but
 * their difference is within sampling error, that it is (asking why would make noise a finding).
 */
export function bandVsRunOpening(runValue: string, bandValue: string, withinNoise = false): string {
  if (runValue === bandValue) return `The table below says ${runValue} too, from other draws: `;
  return withinNoise
    ? `The table below says ${runValue}, within sampling error of ${bandValue}: `
    : `Why the table below says ${runValue}, not ${bandValue}: `;
}

/**
 * Whether a run's estimate and the band's overall answer differ by no more than sampling explains:
 * their difference within 1.96 standard errors of the difference (the two come from independent
 * draws, so the errors add in quadrature). A false alarm, calling noise a difference, in 5% of cases.
 */
export function withinSamplingError(runMean: number, runSe: number, bandMean: number, bandSe: number): boolean {
  const se = Math.sqrt(runSe * runSe + bandSe * bandSe);
  return Math.abs(runMean - bandMean) <= 1.96 * se;
}

/** One metric's headline in words, from its label, its band and its unit. */
export function bandWords(label: string, band: MetricBand, unit?: string): BandWords {
  const half = 1.96 * band.overall.se;
  const { answer, range } = bandValue(band, unit);
  return {
    answer: `${label}: ${answer}`,
    band: `(${range} across our assumptions)`,
    sampling: band.probability
      ? `± ${errorDigits(half * 100)} points from sampling`
      : `± ${errorDigits(half)}${withUnit(unit, half)} from sampling`,
  };
}

/** A driver's share of the band with its error: "50% ± 10 points". */
export function driverWords(s1: number, se: number): string {
  return `${headlinePercent(s1)} ± ${errorDigits(2 * se * 100)} points`;
}
