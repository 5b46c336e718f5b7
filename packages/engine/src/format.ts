/** Numbers for people and the CSV of a run, shared by the CLI and the web app so both read alike. */

import { csvCell } from './csv-cell.ts';
import type { TrackResult } from './results.ts';
import type { MetricSummary } from './summarize.ts';

/** 3–4 significant digits, no exponent for everyday sizes. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const abs = Math.abs(x);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e9)) return x.toExponential(2);
  if (Number.isInteger(x)) return grouped(0).format(x);
  return grouped(abs >= 100 ? 1 : abs >= 1 ? 2 : 4).format(x);
}

/**
 * en-US formats by fraction digits, each made once, when first used: `toLocaleString` builds a new
 * formatter on every call, which made a results table of a few hundred numbers take tens of
 * milliseconds; and making them at import cost every process and worker thread about 15 ms of
 * its start, numbers printed or not.
 */
const GROUPED: Intl.NumberFormat[] = [];

/** The en-US format with up to `digits` fraction digits. */
function grouped(digits: number): Intl.NumberFormat {
  GROUPED[digits] ??= new Intl.NumberFormat('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
  return GROUPED[digits];
}

/**
 * The decimal places at which two significant digits of an error `half` stop (0 to 6): an estimate
 * printed past them claims precision it lacks (239.3 ± 16.13 reads as known to a tenth).
 */
export function errorPlaces(half: number): number {
  return half > 0 && Number.isFinite(half) ? Math.min(6, Math.max(0, 1 - Math.floor(Math.log10(half)))) : 2;
}

/** An estimate and its error to the error's two significant digits: "239 ± 16", "6.02 ± 0.20". */
export function formatEstimate(mean: number, half: number): string {
  if (!plainEnough(half, Math.abs(mean), half)) return `${formatNumber(mean)} ± ${formatNumber(half)}`;
  const places = errorPlaces(half);
  return `${formatAtPlaces(mean, places)} ± ${formatAtPlaces(half, places)}`;
}

/**
 * A figure shown beside an estimate (a quantile beside the mean) to the places the estimate's error
 * allows: more would claim precision the run lacks ("p5 0.4583" beside "6.72 ± 0.14" reads 0.46); a
 * whole number stays whole.
 */
export function formatBeside(x: number, half: number): string {
  // A whole number (a count, a day) is shown as one: places would add nothing it lacks.
  return !Number.isInteger(x) && plainEnough(half, Math.abs(x)) ? formatAtPlaces(x, errorPlaces(half)) : formatNumber(x);
}

/**
 * An estimate and its 95% interval as a results table shows it: "mean ± half", or "mean [lo, hi]"
 * where the interval was cut at the metric's least value (see summarizeWithFacts) and is no longer symmetric.
 */
export function estimateText(mean: number, [lo, hi]: readonly [number, number]): string {
  const half = hi - mean;
  return Math.abs(mean - lo - half) <= 1e-12 * Math.max(1, Math.abs(mean)) ? formatEstimate(mean, half) : formatInterval(mean, lo, hi);
}

/** An estimate and its 95% interval to two significant digits of the interval's half-width: "332 [275, 389]". */
export function formatInterval(mean: number, lo: number, hi: number): string {
  const half = (hi - lo) / 2;
  if (!plainEnough(half, Math.abs(mean), Math.abs(lo), Math.abs(hi)))
    return `${formatNumber(mean)} [${formatNumber(lo)}, ${formatNumber(hi)}]`;
  const places = errorPlaces(half);
  return `${formatAtPlaces(mean, places)} [${formatAtPlaces(lo, places)}, ${formatAtPlaces(hi, places)}]`;
}

/**
 * Whether numbers of these magnitudes read at a fixed number of places: an error above 0 and
 * everything finite and of everyday size (else formatNumber's forms, exponents included, serve).
 */
function plainEnough(half: number, ...magnitudes: number[]): boolean {
  if (!(half > 0) || !Number.isFinite(half) || magnitudes.some((x) => !Number.isFinite(x))) return false;
  const abs = Math.max(...magnitudes);
  return abs < 1e9 && !(abs !== 0 && abs < 1e-3);
}

/** en-US formats with exactly `places` fraction digits, made once each (see GROUPED). */
const FIXED: Intl.NumberFormat[] = [];

/** x with exactly `places` fraction digits, grouped (-0 as 0): "1,234.50" at 2. */
export function formatAtPlaces(x: number, places: number): string {
  FIXED[places] ??= new Intl.NumberFormat('en-US', { minimumFractionDigits: places, maximumFractionDigits: places });
  const rounded = Number(x.toFixed(places));
  return FIXED[places].format(rounded === 0 ? 0 : rounded);
}

/** x to `digits` significant digits, as a number (0 stays 0). */
export function toSignificant(x: number, digits: number): number {
  return x === 0 ? 0 : Number(x.toPrecision(digits));
}

/**
 * An end of a band across assumptions, as a percentage: whole percents between 1% and 99%, since the band's ends are
 * themselves estimates from a few hundred draws; one significant digit off 0% or 100% outside (0.4%, 99.6%).
 */
export function bandEndPercent(p: number): string {
  if (!Number.isFinite(p)) return String(p);
  const x = Math.min(100, Math.max(0, p * 100));
  const shown = x >= 1 && x <= 99 ? Math.round(x) : x < 1 ? toSignificant(x, 1) : 100 - toSignificant(100 - x, 1);
  return `${formatNumber(Number(shown.toFixed(6)))}%`;
}

/** An end of a band across assumptions, of a count or duration: two significant digits (290–710, 4.1–30). */
export function bandEndNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return formatNumber(toSignificant(x, 2));
}

/** A probability as a percentage with one decimal. */
export function formatPercent(p: number): string {
  if (p > 0 && p < 0.001) return '<0.1%';
  return `${(p * 100).toFixed(1)}%`;
}

/** The parts of a run result the CSV reads (a `RunResult`, or the web app's view of one). */
export interface CsvSource {
  trials: number;
  metrics: Record<
    string,
    Pick<MetricSummary, 'n' | 'invalid' | 'mean' | 'sd' | 'se' | 'ci95' | 'min' | 'max' | 'quantiles' | 'probability' | 'censored'> & {
      unit?: string;
    }
  >;
  tracks: Record<string, Pick<TrackResult, 'states' | 'final' | 'ever' | 'finalCi95' | 'everCi95'>>;
}

const CSV_COLUMNS = [
  'name',
  'kind',
  'mean',
  'sd',
  'se',
  'ci95_lo',
  'ci95_hi',
  'min',
  'p1',
  'p5',
  'p10',
  'p25',
  'p50',
  'p75',
  'p90',
  'p95',
  'p99',
  'max',
  'censored',
  'unit',
  'n',
  'invalid',
] as const;

/**
 * The CSV of a run (`georisk run --format csv` and the web app's download): one row per metric
 * (probabilities with their Wilson intervals, the metric's declared unit, then the trials its figures
 * count and those whose value was not a finite number, left out of them), then one per track
 * state's final and ever shares.
 */
export function formatCsv(r: CsvSource): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const [name, m] of Object.entries(r.metrics)) {
    const [lo, hi] = m.probability ? m.probability.ci95 : m.ci95;
    const q = m.quantiles;
    lines.push(
      [
        name,
        m.probability ? 'probability' : 'metric',
        m.mean,
        m.sd,
        m.se,
        lo,
        hi,
        m.min,
        q.p1,
        q.p5,
        q.p10,
        q.p25,
        q.p50,
        q.p75,
        q.p90,
        q.p95,
        q.p99,
        m.max,
        m.censored,
        m.unit,
        m.n,
        m.invalid ?? 0,
      ]
        .map(csvCell)
        .join(','),
    );
  }
  for (const [track, t] of Object.entries(r.tracks)) {
    for (const state of t.states) {
      for (const kind of ['final', 'ever'] as const) {
        const p = t[kind][state] ?? 0;
        const [lo, hi] = (kind === 'final' ? t.finalCi95 : t.everCi95)[state] ?? [0, 1];
        const sd = Math.sqrt(p * (1 - p));
        const cells: unknown[] = [`${track}.${kind}.${state}`, 'probability', p, sd, sd / Math.sqrt(r.trials), lo, hi];
        // Every row has as many fields as the header (RFC 4180): the quantiles and the rest are empty,
        // and every trial counts in a track's shares.
        while (cells.length < CSV_COLUMNS.length - 2) cells.push(undefined);
        cells.push(r.trials, 0);
        lines.push(cells.map(csvCell).join(','));
      }
    }
  }
  return `${lines.join('\n')}\n`;
}
