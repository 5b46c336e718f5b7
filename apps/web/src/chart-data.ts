/**
 * From results to what charts and tables show: plain data, no DOM and no chart library, so it is
 * tested directly. Types are structural (the fields the views read) so Monte Carlo results and
 * exact results both fit.
 */
import { errorPlaces, formatAtPlaces, formatNumber, formatPercent, formatPercentInterval } from './format.ts';

/** The fields of a metric summary that views read (a subset of the engine's MetricSummary). */
export interface MetricView {
  mean: number;
  sd: number;
  se: number;
  ci95: [number, number];
  min: number;
  max: number;
  quantiles: Record<'p1' | 'p5' | 'p10' | 'p25' | 'p50' | 'p75' | 'p90' | 'p95' | 'p99', number>;
  /** `integral` when every value is a whole number (bins then read as whole-number ranges, see `binLabel`). */
  histogram: { edges: number[]; counts: number[]; integral?: boolean };
  probability?: { p: number; ci95: [number, number] };
  censored?: number;
  unit?: string;
  description?: string;
}

export interface TrackView {
  states: string[];
  final: Record<string, number>;
  finalCi95?: Record<string, [number, number]>;
  ever: Record<string, number>;
  occupancy: Record<string, number[]>;
  firstPassage: Record<string, { reached: number; censored: number; cumulative: number[] }>;
}

/** An exact metric (the engine's ExactMetric fields that views read). */
export interface ExactMetricView {
  mean: number;
  probability?: number;
  quantiles?: Record<string, number>;
}

/** One bar of the outcome chart: a probability with its 95% interval, and the exact value when known. */
export interface OutcomeBar {
  name: string;
  /** The words the page shows for the metric (its label, else its name in words). */
  label?: string;
  description?: string;
  p?: number;
  ci95?: [number, number];
  exact?: number;
  /** The pinned baseline run's probability and interval. */
  baseline?: number;
  baselineCi95?: [number, number];
}

/**
 * The outcome probabilities: every 0/1 metric of a run (with its Wilson interval), merged with the
 * exact probabilities of a preview; a metric known only to one side still gets its bar.
 */
export function outcomeBars(
  metrics: Record<string, MetricView> | undefined,
  exact: Record<string, ExactMetricView> | undefined,
  order: readonly string[],
  baseline?: Record<string, MetricView>,
  labelOf?: (name: string) => string,
): OutcomeBar[] {
  const bars: OutcomeBar[] = [];
  for (const name of order) {
    const m = metrics?.[name];
    const x = exact?.[name];
    const bar: OutcomeBar = labelOf === undefined ? { name } : { name, label: labelOf(name) };
    if (m?.probability) {
      bar.p = m.probability.p;
      bar.ci95 = m.probability.ci95;
    }
    if (x?.probability !== undefined) bar.exact = x.probability;
    const b = baseline?.[name];
    if (b?.probability) {
      bar.baseline = b.probability.p;
      bar.baselineCi95 = b.probability.ci95;
    }
    if (m?.description !== undefined) bar.description = m.description;
    if (bar.p !== undefined || bar.exact !== undefined || bar.baseline !== undefined) bars.push(bar);
  }
  return bars;
}

/** A sentence that says what the outcome chart shows, for screen readers. */
export function outcomeSummary(bars: readonly OutcomeBar[]): string {
  if (bars.length === 0) return 'No outcome probabilities yet.';
  const parts = bars.map((b) => {
    const mc = b.p !== undefined && b.ci95 ? `${formatPercent(b.p)} (95% interval ${formatPercentInterval(b.ci95)})` : '';
    const ex = b.exact !== undefined ? `exact ${formatPercent(b.exact)}` : '';
    const base = b.baseline !== undefined ? `baseline ${formatPercent(b.baseline)}` : '';
    return `${b.label ?? b.name}: ${[mc, ex, base].filter(Boolean).join(', ')}`;
  });
  return `Outcome probabilities. ${parts.join('; ')}.`;
}

/** Time points t = 0, dt, …, horizon. */
export function timeAxis(steps: number, dt: number): number[] {
  return Array.from({ length: steps + 1 }, (_, k) => Number((k * dt).toPrecision(12)));
}

/**
 * Keeps at most `max` evenly spread indices of 0..n−1 (always the first and the last), so long
 * horizons draw quickly; tables keep every point.
 */
export function thinIndices(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const out: number[] = [];
  for (let j = 0; j < max; j++) out.push(Math.round((j * (n - 1)) / (max - 1)));
  return [...new Set(out)];
}

/** At most `max` evenly spread entries [index, value] of `values`, in order, first and last included. */
export function thinEntries<T>(values: readonly T[], max: number): [number, T][] {
  const keep = new Set(thinIndices(values.length, max));
  return [...values.entries()].filter(([k]) => keep.has(k));
}

/** A time axis in the unit it reads best in: the points kept, their labels, and which are ticks. */
export interface TimeAxisView {
  /** The unit shown ("day" for an hourly model past three days). */
  unit: string;
  /** [index into the series, label] of each point drawn. */
  points: [number, string][];
  /** Whether each drawn point carries a tick label (round multiples of the tick step). */
  ticks: boolean[];
}

/** The unit a time axis reads best in: hours become days past three days, days become weeks past half a year. */
export function displayTimeUnit(unit: string, horizon: number): { unit: string; per: number } {
  if (unit === 'hour' && horizon > 72) return { unit: 'day', per: 24 };
  if (unit === 'day' && horizon > 183) return { unit: 'week', per: 7 };
  return { unit, per: 1 };
}

/** The smallest round step (1, 2 or 5 × 10^k) that gives at most `maxTicks` intervals over `span`. */
export function niceStep(span: number, maxTicks: number): number {
  const raw = span / Math.max(1, maxTicks);
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * power >= raw) return m * power;
  return 10 * power;
}

/**
 * The points of a time series to draw (at most about `maxPoints`) and its ticks at round times in the
 * display unit (every 5 days of a 30-day hourly run, not at hour 64, 128, …). Points are thinned with a
 * stride that divides the tick step, so every tick time is a drawn point.
 */
export function timeAxisView(steps: number, dt: number, unit: string, maxPoints = 181, maxTicks = 10): TimeAxisView {
  const display = displayTimeUnit(unit, steps * dt);
  const step = niceStep((steps * dt) / display.per, maxTicks);
  const tickEvery = (step * display.per) / dt;
  let stride = Math.max(1, Math.ceil(steps / (maxPoints - 1)));
  if (Number.isInteger(tickEvery)) while (tickEvery % stride !== 0) stride--;
  const points: [number, string][] = [];
  const ticks: boolean[] = [];
  for (let k = 0; k <= steps; k += stride) {
    const t = Number(((k * dt) / display.per).toPrecision(12));
    points.push([k, formatTime(t)]);
    ticks.push(Math.abs(t / step - Math.round(t / step)) < 1e-9);
  }
  if (points.at(-1)?.[0] !== steps) {
    points.push([steps, formatTime(Number(((steps * dt) / display.per).toPrecision(12)))]);
    ticks.push(false);
  }
  return { unit: display.unit, points, ticks };
}

function formatTime(t: number): string {
  return Number.isInteger(t) ? String(t) : String(Number(t.toPrecision(4)));
}

/** Series of a track's occupancy over time, one per state that is ever occupied. */
export function occupancySeries(track: TrackView): { state: string; values: number[] }[] {
  return track.states
    .filter((s) => (track.occupancy[s] ?? []).some((v) => v > 0))
    .map((s) => ({ state: s, values: track.occupancy[s] ?? [] }));
}

/** Cumulative first-passage curves of a track: one per state that is ever entered, except a state where every trial starts. */
export function firstPassageSeries(track: TrackView): { state: string; values: number[]; reached: number }[] {
  return track.states.flatMap((s) => {
    const fp = track.firstPassage[s];
    return fp !== undefined && fp.reached > 0 && (fp.cumulative[0] ?? 0) < 1
      ? [{ state: s, values: fp.cumulative, reached: fp.reached }]
      : [];
  });
}

/** The time at which a cumulative curve first reaches `level` (undefined if it never does). */
export function timeToReach(values: readonly number[], times: readonly number[], level: number): number | undefined {
  const k = values.findIndex((v) => v >= level);
  return k === -1 ? undefined : times[k];
}

/** A sentence summarising a track's occupancy and first passages. */
export function trackSummary(name: string, track: TrackView, horizon: number, unit: string): string {
  const finals = track.states
    .filter((s) => (track.final[s] ?? 0) > 0)
    .map((s) => `${s} ${formatPercent(track.final[s] ?? 0)}`)
    .join(', ');
  return `Track ${name}: at the horizon (${formatNumber(horizon)} ${unit}s) ${finals}.`;
}

/** Histogram bars with bin labels, and where the p5, p50 and p95 marks fall (as fractional bin positions). */
export interface HistogramView {
  labels: string[];
  counts: number[];
  /** Share of trials in each bin. */
  shares: number[];
  marks: { name: 'p5' | 'p50' | 'p95'; value: number; position: number }[];
}

/** The lower and upper edge of a histogram's bin `i` (edges hold one more number than bins). */
function binEdges(edges: readonly number[], i: number): [lo: number, hi: number] {
  const lo = edges[i];
  const hi = edges[i + 1];
  if (lo === undefined || hi === undefined) throw new Error(`internal: a histogram of ${edges.length} edges has no bin ${i}`);
  return [lo, hi];
}

/**
 * The label of a histogram's bin `i`: "lo–hi"; for whole-number values on whole-number edges, the
 * whole numbers it holds ("20–24", or "20" for a bin of one).
 */
export function binLabel(edges: readonly number[], i: number, integral = false): string {
  const [lo, hi] = binEdges(edges, i);
  if (integral && Number.isInteger(lo) && Number.isInteger(hi))
    return hi - lo === 1 ? formatNumber(lo) : `${formatNumber(lo)}–${formatNumber(hi - 1)}`;
  return `${formatNumber(lo)}–${formatNumber(hi)}`;
}

/** Position of `x` on a histogram's bins: bin i spans [i − 0.5, i + 0.5] on a category axis. */
export function binPosition(edges: readonly number[], x: number): number {
  const n = edges.length - 1;
  if (n < 1) return 0;
  if (x <= binEdges(edges, 0)[0]) return -0.5;
  if (x >= binEdges(edges, n - 1)[1]) return n - 0.5;
  let i = 0;
  while (i < n - 1 && x >= binEdges(edges, i)[1]) i++;
  const [lo, hi] = binEdges(edges, i);
  return i - 0.5 + (hi > lo ? (x - lo) / (hi - lo) : 0.5);
}

export function histogramView(m: MetricView): HistogramView {
  const { edges, counts, integral } = m.histogram;
  const total = counts.reduce((a, b) => a + b, 0);
  const labels = counts.map((_, i) => binLabel(edges, i, integral));
  const marks = (['p5', 'p50', 'p95'] as const).map((name) => ({
    name,
    value: m.quantiles[name],
    position: binPosition(edges, m.quantiles[name]),
  }));
  return { labels, counts: [...counts], shares: counts.map((c) => (total > 0 ? c / total : 0)), marks };
}

export function histogramSummary(name: string, m: MetricView): string {
  const unit = m.unit ? ` ${m.unit}` : '';
  const q = m.quantiles;
  return `Distribution of ${name}${unit}: mean ${formatNumber(m.mean)}, 5th percentile ${formatNumber(q.p5)}, median ${formatNumber(q.p50)}, 95th percentile ${formatNumber(q.p95)}, range ${formatNumber(m.min)} to ${formatNumber(m.max)}.`;
}

/** Metrics worth a histogram: those that are not 0/1 outcomes and vary at all. */
export function histogramMetrics(metrics: Record<string, MetricView>): string[] {
  return Object.entries(metrics)
    .filter(([, m]) => !m.probability && m.histogram.counts.length > 0 && m.max > m.min)
    .map(([name]) => name);
}

/** The Okabe–Ito palette (colour-blind safe), black last. */
export const OKABE_ITO = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'] as const;

/** The colour of the i-th series. */
export function seriesColor(i: number): string {
  const colour = OKABE_ITO[i % OKABE_ITO.length];
  if (colour === undefined) throw new Error(`internal: no series colour for index ${i}`);
  return colour;
}

/** A colour with an alpha channel, from "#rrggbb". */
export function withAlpha(hex: string, alpha: number): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

/** A difference between a run and its baseline, with its standard error and 95% interval. */
export interface Difference {
  diff: number;
  se: number;
  ci95: [number, number];
  /** Clear of noise over the whole comparison (`markClear`: stricter than the interval excluding 0). */
  clear: boolean;
}

const Z95 = 1.959963984540054;

function difference(diff: number, se: number): Difference {
  return { diff, se, ci95: [diff - Z95 * se, diff + Z95 * se], clear: false };
}

/**
 * Differences of each metric shared by a run and its baseline: of probabilities (normal
 * approximation to the difference of two proportions) or of means. The intervals treat the two
 * runs as independent; with the same seed they are positively correlated, so the true interval is
 * narrower and these are conservative.
 */
export function compareMetrics(
  current: Record<string, MetricView>,
  currentTrials: number,
  baseline: Record<string, MetricView>,
  baselineTrials: number,
): Record<string, Difference> {
  const out: Record<string, Difference> = {};
  for (const [name, m] of Object.entries(current)) {
    const b = baseline[name];
    if (!b) continue;
    if (m.probability && b.probability) {
      const p1 = m.probability.p;
      const p0 = b.probability.p;
      out[name] = difference(p1 - p0, Math.sqrt((p1 * (1 - p1)) / currentTrials + (p0 * (1 - p0)) / baselineTrials));
    } else if (Number.isFinite(m.mean) && Number.isFinite(b.mean)) {
      out[name] = difference(m.mean - b.mean, Math.sqrt(m.se * m.se + b.se * b.se));
    }
  }
  return out;
}

/** A difference as text: "+2.1 pp [+0.9, +3.3]" for probabilities, "+12.3 [+4.1, +20.5]" for means. */
export function formatDifference(d: Difference, isProbability: boolean): string {
  const sign = (x: number, text: string) => (x > 0 ? `+${text}` : text);
  if (isProbability) {
    // Percentage points to two significant digits of the interval's half-width, one place at least:
    // at one place always, a narrow interval that excludes 0 read "+0.1 pp [0.0, +0.2]".
    const places = Math.max(1, errorPlaces(((d.ci95[1] - d.ci95[0]) / 2) * 100));
    const pp = (x: number) => sign(Number((x * 100).toFixed(places)), formatAtPlaces(x * 100, places));
    return `${pp(d.diff)} pp [${pp(d.ci95[0])}, ${pp(d.ci95[1])}]`;
  }
  // The difference and its interval to the place two significant digits of the interval's half-width
  // reach: more digits would claim precision the comparison lacks (+0.8546 [+0.6239, +1.09]).
  const places = errorPlaces((d.ci95[1] - d.ci95[0]) / 2);
  const n = (x: number) => sign(Number(x.toFixed(places)), formatAtPlaces(x, places));
  return `${n(d.diff)} [${n(d.ci95[0])}, ${n(d.ci95[1])}]`;
}

/** One tornado bar: a parameter at its two ends and the metric's mean there. */
export interface TornadoRow {
  param: string;
  /** The words the page shows for the parameter (its declared label); its name when absent. */
  label?: string;
  low: number;
  high: number;
  outputLow: number;
  outputHigh: number;
  swing: number;
  /** 95% interval of the swing (Monte Carlo) and whether it is within noise. */
  swingCi95?: [number, number];
  withinNoise?: boolean;
}

/** The words a sensitivity bar shows for its parameter: its label, else its name. */
export function paramWords(row: { param: string; label?: string | undefined }): string {
  return row.label ?? row.param;
}

/** The bars a tornado or Sobol' chart draws at most; its table view lists every one. */
export const CHART_BARS = 15;

/** Says that the chart holds only the largest `CHART_BARS` of `total` bars, when it does. */
function shownNote(total: number, what: string): string {
  return total > CHART_BARS ? ` The chart shows the ${CHART_BARS} largest ${what} of ${total}; its table view lists them all.` : '';
}

/** The most influential `max` tornado bars, largest swing first. */
export function tornadoRows(bars: readonly TornadoRow[], max = CHART_BARS): TornadoRow[] {
  return [...bars].sort((a, b) => b.swing - a.swing).slice(0, max);
}

/**
 * The tornado in a sentence. `exact`: the bars were solved exactly, so a bar with no swing is no
 * effect at all (not noise), and the count says so.
 */
export function tornadoSummary(metric: string, base: number | undefined, rows: readonly TornadoRow[], exact = false): string {
  if (rows.length === 0) return `No parameter moves ${metric}.`;
  const top = rows
    .slice(0, 3)
    .map((r) => `${paramWords(r)} (${formatNumber(r.outputLow)} to ${formatNumber(r.outputHigh)})`)
    .join(', ');
  const still = exact ? rows.filter((r) => r.swing === 0).length : rows.filter((r) => r.withinNoise).length;
  const tail = exact ? `${still} of ${rows.length} bars are exactly 0 (no effect).` : `${still} of ${rows.length} bars are within noise.`;
  return `Tornado for ${metric}${base === undefined ? '' : ` (at the panel's values: ${formatNumber(base)})`}: the largest swings come from ${top}.${still > 0 ? ` ${tail}` : ''}${shownNote(rows.length, 'swings')}`;
}

/** A Sobol' index row (first and total order with intervals). */
export interface SobolRow {
  param: string;
  /** The words the page shows for the parameter (its declared label); its name when absent. */
  label?: string;
  first: number;
  firstCi95: [number, number];
  total: number;
  totalCi95: [number, number];
  withinNoise?: boolean;
}

/** The `max` parameters with the largest total-order index. */
export function sobolRows(rows: readonly SobolRow[], max = CHART_BARS): SobolRow[] {
  return [...rows].sort((a, b) => b.total - a.total).slice(0, max);
}

export function sobolSummary(metric: string, rows: readonly SobolRow[]): string {
  if (rows.length === 0) return `No Sobol' indices for ${metric}.`;
  const top = rows
    .slice(0, 3)
    .map((r) => `${paramWords(r)} (total ${formatNumber(r.total)}, first ${formatNumber(r.first)})`)
    .join(', ');
  const noise = rows.filter((r) => r.withinNoise).length;
  return `Sobol' indices for ${metric}: the largest total-order indices are ${top}.${noise > 0 ? ` ${noise} of ${rows.length} cannot be told from no effect.` : ''}${shownNote(rows.length, 'indices')}`;
}

/** Whether a label already says its unit ("Deaths" in deaths, "Hours until a ceasefire" in hours): then "(deaths)" after it only repeats it. */
export function namesUnit(label: string, unit: string): boolean {
  const escaped = unit.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^\\p{L}])${escaped}`, 'iu').test(label);
}
