/**
 * Streaming, mergeable summaries. Memory does not grow with the number of trials, and merging is
 * exact and order-independent: sums are kept as exact floating-point expansions (Shewchuk 1997)
 * and distributions as counts, so one worker, eight workers or any split of the trials into
 * chunks give bit-identical results for the same seed and trials.
 *
 * Quantiles are exact for values that are whole numbers in [0, 65536) (counts, days, 0/1
 * outcomes) and for up to 4,096 other distinct values; past that, the other values go into
 * log-spaced buckets with a relative error of at most 0.5% (the DDSketch scheme of Masson et
 * al. 2019). A quantile q is the smallest value v with at least ceil(q·n) values <= v.
 */

/** Doubles hold every whole number below this exactly. */
const MAX_EXACT = 2 ** 53;

import * as dm from './det-math.ts';

/** Whole-number values below this are counted in a dense array. */
const DENSE_LIMIT = 65536;
/** Distinct non-dense values kept exactly before switching to buckets. */
const EXACT_LIMIT = 4096;
/** Relative accuracy of bucketed values. */
const SKETCH_ALPHA = 0.005;
const GAMMA = (1 + SKETCH_ALPHA) / (1 - SKETCH_ALPHA);
const LOG_GAMMA = dm.log(GAMMA);

/** z for a two-sided 95% interval. */
export const Z95 = 1.959963984540054;

/** Adds x to an expansion in place (Shewchuk's grow-expansion with zero elimination). */
export function expansionAdd(partials: number[], x: number): void {
  let i = 0;
  for (let j = 0; j < partials.length; j++) {
    let y = partials[j]!;
    if (Math.abs(x) < Math.abs(y)) {
      const tmp = x;
      x = y;
      y = tmp;
    }
    const hi = x + y;
    const lo = y - (hi - x);
    if (lo !== 0) partials[i++] = lo;
    x = hi;
  }
  partials[i] = x;
  if (partials.length !== i + 1) partials.length = i + 1;
}

/** The correctly rounded value of an expansion (as Python's math.fsum). */
export function expansionValue(partials: readonly number[]): number {
  const p = partials.slice();
  let n = p.length;
  if (n === 0) return 0;
  let hi = p[--n]!;
  let lo = 0;
  while (n > 0) {
    const x = hi;
    const y = p[--n]!;
    hi = x + y;
    const yr = hi - x;
    lo = y - yr;
    if (lo !== 0) break;
  }
  if (n > 0 && ((lo < 0 && p[n - 1]! < 0) || (lo > 0 && p[n - 1]! > 0))) {
    const y = lo * 2;
    const x = hi + y;
    const yr = x - hi;
    if (y === yr) hi = x;
  }
  return hi;
}

/** Running summary of one metric. */
export interface MetricAccumulator {
  n: number;
  /** Exact running totals of whole-number values (below 2^53), kept apart because they are cheap. */
  intSum: number;
  intSumSq: number;
  /**
   * Exact running totals of the other values, except those counted in `exact`: while they are few,
   * their totals follow from their counts when the summary is read (`exactTotals`), which saves
   * two expansion additions a value; they join these totals when the counts go to buckets.
   */
  sum: number[];
  sumSq: number[];
  min: number;
  max: number;
  /** Trials where a `first(...)` metric never happened (its value is the horizon). */
  censored: number;
  /** Trials whose value was NaN or infinite (left out of every statistic). */
  invalid: number;
  dense: Float64Array;
  /** Distinct values not in `dense`, with their counts (their totals are not in `sum` and `sumSq`). */
  exact: Map<number, number>;
  /** Bucket index → count, for positive and for negative values, once exact values overflow. */
  sketchPos: Map<number, number> | null;
  sketchNeg: Map<number, number> | null;
}

/** A new, empty metric accumulator. */
export function newMetricAccumulator(): MetricAccumulator {
  return {
    n: 0,
    intSum: 0,
    intSumSq: 0,
    sum: [],
    sumSq: [],
    min: Number.POSITIVE_INFINITY,
    max: Number.NEGATIVE_INFINITY,
    censored: 0,
    invalid: 0,
    dense: new Float64Array(64),
    exact: new Map(),
    sketchPos: null,
    sketchNeg: null,
  };
}

function bucketOf(x: number): number {
  return Math.ceil(dm.log(x) / LOG_GAMMA);
}

function bucketValue(index: number): number {
  return (2 * dm.pow(GAMMA, index)) / (GAMMA + 1);
}

function addToSketch(acc: MetricAccumulator, x: number, count: number): void {
  if (x > 0) {
    const map = (acc.sketchPos ??= new Map());
    const b = bucketOf(x);
    map.set(b, (map.get(b) ?? 0) + count);
  } else {
    const map = (acc.sketchNeg ??= new Map());
    const b = bucketOf(-x);
    map.set(b, (map.get(b) ?? 0) + count);
  }
}

function overflowToSketch(acc: MetricAccumulator): void {
  acc.sketchPos ??= new Map();
  acc.sketchNeg ??= new Map();
  addCountedTotals(acc.sum, acc.sumSq, acc.exact);
  for (const [x, c] of acc.exact) addToSketch(acc, x, c);
  acc.exact.clear();
}

/**
 * Adds the totals of counted values to the expansions `sum` and `sumSq`, exactly: c copies of x add
 * up to the sum of x·2^k over the set bits k of c, each term exact (scaling by a power of two), and
 * the squares are the rounded x·x that `addValue` adds one by one. The totals are the same real
 * numbers as adding each value, so their rounded values are the same bits.
 */
function addCountedTotals(sum: number[], sumSq: number[], counts: Map<number, number>): void {
  for (const [x, c] of counts) {
    const sq = x * x;
    let scale = 1;
    for (let rest = c; rest > 0; rest = Math.floor(rest / 2), scale *= 2) {
      if (rest % 2 === 0) continue;
      expansionAdd(sum, x * scale);
      expansionAdd(sumSq, sq * scale);
    }
  }
}

/** Records one value. */
export function addValue(acc: MetricAccumulator, x: number): void {
  // Fast path: a small whole number (counts, days, 0/1 outcomes), the common case.
  if (x >= 0 && x < DENSE_LIMIT && (x | 0) === x) {
    const sq = x * x;
    if (acc.intSumSq + sq < MAX_EXACT) {
      acc.intSum += x;
      acc.intSumSq += sq;
    } else {
      expansionAdd(acc.sum, x);
      expansionAdd(acc.sumSq, sq);
    }
    acc.n++;
    if (x < acc.min) acc.min = x;
    if (x > acc.max) acc.max = x;
    if (x >= acc.dense.length) growDense(acc, x);
    acc.dense[x]!++;
    return;
  }
  if (!Number.isFinite(x)) {
    acc.invalid++;
    return;
  }
  acc.n++;
  if (x < acc.min) acc.min = x;
  if (x > acc.max) acc.max = x;
  if (acc.sketchPos === null) {
    // Counted, its totals left to the reader (see `sum`).
    acc.exact.set(x, (acc.exact.get(x) ?? 0) + 1);
    if (acc.exact.size > EXACT_LIMIT) overflowToSketch(acc);
    return;
  }
  // Whole numbers add exactly in plain doubles while the totals stay below 2^53.
  const sq = x * x;
  if (Number.isInteger(x) && Math.abs(acc.intSum + x) < MAX_EXACT && acc.intSumSq + sq < MAX_EXACT) {
    acc.intSum += x;
    acc.intSumSq += sq;
  } else {
    expansionAdd(acc.sum, x);
    expansionAdd(acc.sumSq, sq);
  }
  addToSketch(acc, x, 1);
}

function growDense(acc: MetricAccumulator, x: number): void {
  let size = acc.dense.length;
  while (size <= x) size *= 2;
  const grown = new Float64Array(size);
  grown.set(acc.dense);
  acc.dense = grown;
}

/** Adds `b` into `a`. */
export function mergeMetric(a: MetricAccumulator, b: MetricAccumulator): void {
  a.n += b.n;
  expansionAdd(a.sum, b.intSum);
  expansionAdd(a.sumSq, b.intSumSq);
  for (const x of b.sum) expansionAdd(a.sum, x);
  for (const x of b.sumSq) expansionAdd(a.sumSq, x);
  a.min = Math.min(a.min, b.min);
  a.max = Math.max(a.max, b.max);
  a.censored += b.censored;
  a.invalid += b.invalid;
  if (b.dense.length > a.dense.length) {
    const grown = new Float64Array(b.dense.length);
    grown.set(a.dense);
    a.dense = grown;
  }
  for (let i = 0; i < b.dense.length; i++) a.dense[i]! += b.dense[i]!;
  if (b.sketchPos !== null && a.sketchPos === null) overflowToSketch(a);
  if (a.sketchPos !== null) {
    addCountedTotals(a.sum, a.sumSq, b.exact);
    for (const [x, c] of b.exact) addToSketch(a, x, c);
    for (const [k, c] of b.sketchPos ?? []) a.sketchPos.set(k, (a.sketchPos.get(k) ?? 0) + c);
    const neg = (a.sketchNeg ??= new Map());
    for (const [k, c] of b.sketchNeg ?? []) neg.set(k, (neg.get(k) ?? 0) + c);
  } else {
    for (const [x, c] of b.exact) a.exact.set(x, (a.exact.get(x) ?? 0) + c);
    if (a.exact.size > EXACT_LIMIT) overflowToSketch(a);
  }
}

/** The value distribution as sorted (value, count) pairs (bucket representatives once bucketed). */
export function valueCounts(acc: MetricAccumulator): [number, number][] {
  const out: [number, number][] = [];
  for (const [k, c] of acc.sketchNeg ?? []) out.push([-bucketValue(k), c]);
  for (const [x, c] of acc.exact) out.push([x, c]);
  acc.dense.forEach((c, i) => {
    if (c > 0) out.push([i, c]);
  });
  for (const [k, c] of acc.sketchPos ?? []) out.push([bucketValue(k), c]);
  out.sort((x, y) => x[0] - y[0]);
  // Bucket representatives stay within the observed range.
  for (const pair of out) pair[0] = Math.min(acc.max, Math.max(acc.min, pair[0]));
  return out;
}

/** Slices of the equally likely grid of a distribution (`quantileGrid`): classroom quantity questions are scored on it. */
export const OUTCOME_GRID_POINTS = 200;
/**
 * The distribution of sorted (value, count) pairs as k equally likely slices, each at its mean (a
 * value whose count straddles a slice boundary is shared between the slices). Every trial counts,
 * tails included, so E|x − Y| over the slices is exact for any x that falls between slices (below
 * the smallest value: the mean), and within 1/k of the slice's width inside one.
 */
export function quantileGrid(counts: readonly (readonly [number, number])[], k = OUTCOME_GRID_POINTS): number[] {
  const total = counts.reduce((s, [, c]) => s + c, 0);
  if (total === 0) return [];
  // Positions are counted in k-ths of a trial, so slice i runs over [i·total, (i + 1)·total): whole numbers, no rounding.
  const sums = new Array<number>(k).fill(0);
  let start = 0;
  for (const [value, count] of counts) {
    const end = start + count * k;
    for (let i = Math.floor(start / total); i < k && i * total < end; i++) {
      const overlap = Math.min(end, (i + 1) * total) - Math.max(start, i * total);
      if (overlap > 0) sums[i] = (sums[i] ?? 0) + overlap * value;
    }
    start = end;
  }
  return sums.map((sum) => sum / total);
}

/** A metric's distribution as OUTCOME_GRID_POINTS equally likely values (`quantileGrid` of its counts). */
export function outcomeGrid(acc: MetricAccumulator): number[] {
  return quantileGrid(valueCounts(acc));
}

export const QUANTILES = { p1: 0.01, p5: 0.05, p10: 0.1, p25: 0.25, p50: 0.5, p75: 0.75, p90: 0.9, p95: 0.95, p99: 0.99 } as const;
export type QuantileName = keyof typeof QUANTILES;

/** Everything the results report about one metric. */
export interface MetricSummary {
  n: number;
  /**
   * Where the n trials are not independent (a conditioned forecast's resampled trials): how many
   * independent trials they are worth, the n its `se` and intervals are computed with.
   */
  effectiveN?: number;
  mean: number;
  sd: number;
  se: number;
  ci95: [number, number];
  min: number;
  max: number;
  quantiles: Record<QuantileName, number>;
  histogram: { edges: number[]; counts: number[] };
  /** For metrics whose every value is 0 or 1: the probability with its Wilson interval. */
  probability?: { p: number; ci95: [number, number] };
  /** Share of trials censored at the horizon (for `first(...)` metrics). */
  censored?: number;
  /** Trials whose value was not a finite number. */
  invalid?: number;
  /** Whether the quantiles are exact or bucketed (±0.5%). */
  quantileMethod: 'exact' | 'bucketed';
}

/** The Wilson score interval for `k` successes in `n` trials. */
export function wilson(k: number, n: number, z = Z95): [number, number] {
  if (n === 0) return [0, 1];
  const p = k / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  // At k = 0 (k = n) the lower (upper) end is 0 (1) exactly; center ∓ half leaves rounding dust such as 4e-19.
  return [k <= 0 ? 0 : Math.max(0, center - half), k >= n ? 1 : Math.min(1, center + half)];
}

/**
 * The Wilson interval of `k` successes in `n` trials that are worth `effectiveN` independent ones
 * (resampled after weighting): the observed share over the effective size. With `effectiveN`
 * absent or not below `n`, the plain interval, bit for bit.
 */
export function wilsonEffective(k: number, n: number, effectiveN?: number): [number, number] {
  if (effectiveN === undefined || effectiveN >= n) return wilson(k, n);
  return wilson((k / n) * effectiveN, effectiveN);
}

/** Units under which a metric whose every value is 0 or 1 reads as a probability (lower case). */
const PROBABILITY_UNITS: ReadonlySet<string> = new Set(['probability', 'share', 'fraction', 'proportion', '%', 'percent', 'yes/no', '0/1']);

/**
 * Whether a metric with this declared unit is a probability when its values are all 0 or 1: no
 * unit, or a probability's own words. A count or a duration that came out 0 in every trial ("days",
 * "deaths") is not one: it read as "0.0% [0.0%, 0.2%]", a Wilson interval on a number of days.
 */
export function probabilityUnit(unit: string | undefined): boolean {
  return unit === undefined || PROBABILITY_UNITS.has(unit.trim().toLowerCase());
}

/**
 * Turns an accumulator into the reported statistics. `effectiveN`: where the trials are worth fewer
 * independent ones (resampled after weighting), the standard error and both intervals use it.
 * `quantity`: the metric declares a unit that is not a probability's (see `probabilityUnit`), so
 * values that are all 0 or 1 are still counts or durations.
 */
export function summarizeMetric(acc: MetricAccumulator, isFirstPassage: boolean, effectiveN?: number, quantity = false): MetricSummary {
  const n = acc.n;
  // The intervals' n: the trials, or what they are worth when fewer.
  const m = effectiveN !== undefined && effectiveN < n ? effectiveN : n;
  const sumParts = acc.sum.slice();
  const sumSqParts = acc.sumSq.slice();
  expansionAdd(sumParts, acc.intSum);
  expansionAdd(sumSqParts, acc.intSumSq);
  addCountedTotals(sumParts, sumSqParts, acc.exact);
  const sum = expansionValue(sumParts);
  const sumSq = expansionValue(sumSqParts);
  const mean = n > 0 ? sum / n : Number.NaN;
  const variance = n > 1 ? Math.max(0, (sumSq - sum * mean) / (n - 1)) : 0;
  const counts = valueCounts(acc);
  // Values past about 1e154 have squares past the largest double: their sd is taken from the
  // values, scaled (it printed "5.45e+238 ± NaN").
  const sd = Number.isFinite(variance) || !Number.isFinite(mean) ? Math.sqrt(variance) : scaledSd(counts, mean, n);
  const se = n > 0 ? sd / Math.sqrt(m) : Number.NaN;
  const quantiles = {} as Record<QuantileName, number>;
  for (const [name, q] of Object.entries(QUANTILES) as [QuantileName, number][]) {
    const rank = Math.max(1, Math.ceil(q * n - 1e-9));
    let cumulative = 0;
    let value = Number.NaN;
    for (const [x, c] of counts) {
      cumulative += c;
      if (cumulative >= rank) {
        value = x;
        break;
      }
    }
    quantiles[name] = value;
  }
  const summary: MetricSummary = {
    n,
    mean,
    sd,
    se,
    ci95: [mean - Z95 * se, mean + Z95 * se],
    min: n > 0 ? acc.min : Number.NaN,
    max: n > 0 ? acc.max : Number.NaN,
    quantiles,
    histogram: histogram(counts, acc.min, acc.max),
    quantileMethod: acc.sketchPos === null ? 'exact' : 'bucketed',
  };
  if (m < n) summary.effectiveN = m;
  const binary = !quantity && n > 0 && counts.every(([x]) => x === 0 || x === 1);
  if (binary) {
    const ones = acc.dense[1] ?? 0;
    summary.probability = { p: ones / n, ci95: wilsonEffective(ones, n, effectiveN) };
  }
  if (isFirstPassage) summary.censored = n > 0 ? acc.censored / n : 0;
  if (acc.invalid > 0) summary.invalid = acc.invalid;
  return summary;
}

/**
 * The sample standard deviation of counted values about `mean`, with every deviation scaled by the
 * largest so that no square overflows (bucketed values give it to their bucket's precision).
 */
function scaledSd(counts: [number, number][], mean: number, n: number): number {
  if (n < 2) return 0;
  let scale = 0;
  for (const [x] of counts) scale = Math.max(scale, Math.abs(x - mean));
  if (!(scale > 0) || !Number.isFinite(scale)) return scale === 0 ? 0 : Number.NaN;
  let sum = 0;
  for (const [x, c] of counts) sum += c * ((x - mean) / scale) ** 2;
  return scale * Math.sqrt(sum / (n - 1));
}

/** What summarizing a metric needs of its model beside its values (model/metric-facts.ts finds them). */
export interface MetricFacts {
  /** A first-passage time (censored at the horizon). */
  firstPassage: boolean;
  /** It declares a unit that is not a probability's (see `probabilityUnit`). */
  quantity: boolean;
  /** The least value it can take, where the model shows one: its 95% interval ends there. */
  floor?: number;
}

/**
 * `summarizeMetric` with the metric's facts, its 95% interval ending at its floor: no mean lies below
 * that, so the cut leaves the interval's coverage as it was (mean − 1.96 se of a rare count read
 * -0.66 deaths). Probabilities' Wilson intervals already end at 0.
 */
export function summarizeWithFacts(acc: MetricAccumulator, facts: MetricFacts, effectiveN?: number): MetricSummary {
  const s = summarizeMetric(acc, facts.firstPassage, effectiveN, facts.quantity);
  const floor = facts.floor;
  if (floor === undefined || !(s.ci95[0] < floor)) return s;
  return { ...s, ci95: [floor, Math.max(floor, s.ci95[1])] };
}

/** Equal-width bins from min to max; unit bins centred on whole numbers when the values are few whole numbers. */
function histogram(counts: [number, number][], min: number, max: number): { edges: number[]; counts: number[] } {
  if (counts.length === 0) return { edges: [], counts: [] };
  const integral = counts.every(([x]) => Number.isInteger(x));
  let edges: number[];
  if (integral && max - min <= 40) {
    edges = Array.from({ length: max - min + 2 }, (_, i) => min - 0.5 + i);
  } else if (min === max) {
    edges = [min - 0.5, max + 0.5];
  } else {
    const bins = 30;
    const width = (max - min) / bins;
    edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? max : min + i * width));
  }
  const out = new Array<number>(edges.length - 1).fill(0);
  const first = edges[0];
  const last = edges[edges.length - 1];
  if (first === undefined || last === undefined) throw new Error('internal: a histogram of values has at least two edges');
  const width = (last - first) / out.length;
  for (const [x, c] of counts) {
    const bin = Math.min(out.length - 1, Math.max(0, Math.floor((x - first) / width)));
    out[bin]! += c;
  }
  return { edges, counts: out };
}
