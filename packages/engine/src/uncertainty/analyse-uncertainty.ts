/**
 * The statistics of a two-level run, per metric: the overall answer, the 5–95% band across draws,
 * the law-of-total-variance split into parameter uncertainty and chance, and the parameters that
 * drive the band (binned first-order indices with a bootstrap error).
 */
import { normalQuantile } from '../distributions.ts';
import { designRng } from '../sampling.ts';

/** What one draw gave for one metric: the mean over its trials (or exactly), and the variance of a trial's value. */
export interface DrawMoments {
  mean: number;
  variance: number;
  /** Whether the metric's values are 0 or 1 (its mean is a probability). */
  probability: boolean;
}

/** A parameter's share of the band's variance. */
export interface BandDriver {
  name: string;
  /** First-order index: the share of the across-draw variance explained by this parameter alone (0–1). */
  s1: number;
  /** Bootstrap standard error of `s1` over the draws. */
  se: number;
}

/** One metric's answer across the draws. */
export interface MetricBand {
  /** Whether the metric is a 0/1 outcome in every draw, so every number below is a probability. */
  probability: boolean;
  /** The answer integrating both levels (the mean over draws of each draw's mean), with its standard error. */
  overall: { mean: number; se: number };
  /** Quantiles of the draws' means: the 5–95% band across what we do not know. */
  band: { p5: number; p50: number; p95: number };
  /** Law of total variance: Var(Y) = Var(E[Y | parameters]) + E[Var(Y | parameters)]. */
  variance: { total: number; parameters: number; chance: number; parameterShare: number; chanceShare: number };
  /** The standard deviation of one draw's own estimate (0 when solved exactly): the noise inside the band. */
  drawNoiseSd: number;
  /** Parameters ranked by `s1`, largest first. */
  drivers: BandDriver[];
  /** Each draw's mean, in draw order (e.g. for a histogram of the band). */
  drawMeans: number[];
}

/** Bootstrap resamples of the draws for the drivers' standard errors (fewer, down to 20, for very many draws × parameters). */
const DRIVER_RESAMPLES = 200;
/** Draws × parameters × resamples above which resamples are cut, so the bootstrap stays under a second per metric. */
const DRIVER_BOOTSTRAP_WORK = 4e7;

/** The q-quantile of sorted values, linearly interpolated (type 7). */
function sortedQuantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const a = sorted[lo] ?? Number.NaN;
  const b = sorted[Math.min(lo + 1, sorted.length - 1)] ?? a;
  return a + (h - lo) * (b - a);
}

function meanOf(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

function sampleVariance(xs: readonly number[]): number {
  const m = meanOf(xs);
  let s = 0;
  for (const x of xs) s += (x - m) * (x - m);
  return xs.length > 1 ? s / (xs.length - 1) : 0;
}

/** Bins per parameter for the conditional means: about √N, between 2 and 20. */
export function driverBins(draws: number): number {
  return Math.max(2, Math.min(20, Math.round(Math.sqrt(draws))));
}

/**
 * The share of the variance of `y` explained by the bins `bin` (ω², bias-corrected for the noise
 * that makes bin means differ even when the parameter does nothing), over the draws in `rows`.
 */
export function binnedIndex(y: readonly number[], bin: ArrayLike<number>, bins: number, rows: readonly number[]): number {
  const sums = new Float64Array(bins);
  const counts = new Float64Array(bins);
  let total = 0;
  for (const r of rows) {
    const b = bin[r] ?? 0;
    sums[b]! += y[r] ?? 0;
    counts[b]! += 1;
    total += y[r] ?? 0;
  }
  const n = rows.length;
  const grand = total / n;
  let between = 0;
  let within = 0;
  for (const r of rows) {
    const b = bin[r] ?? 0;
    const binMean = (sums[b] ?? 0) / (counts[b] ?? 1);
    within += ((y[r] ?? 0) - binMean) ** 2;
  }
  let used = 0;
  for (let b = 0; b < bins; b++) {
    if ((counts[b] ?? 0) === 0) continue;
    used++;
    between += (counts[b] ?? 0) * ((sums[b] ?? 0) / (counts[b] ?? 1) - grand) ** 2;
  }
  if (n <= used || between + within === 0) return 0;
  const meanSquareWithin = within / (n - used);
  return Math.max(0, (between - (used - 1) * meanSquareWithin) / (between + within + meanSquareWithin));
}

/** Per-bin sums, counts and means, reused by every index of one `bandDrivers` call. */
interface BinScratch {
  sums: Float64Array;
  counts: Float64Array;
  means: Float64Array;
}

/**
 * `binnedIndex` over a resample of the draws, given each resampled draw's value `yRows[i]` and bin
 * `binRows[i]`: the same arithmetic in the same order, so the same bits, on typed arrays read in
 * sequence. The bootstrap computes one per resample, parameter and metric (200 × 67 × 36 for the
 * 2022 scenario's band).
 */
function resampledIndex(yRows: Float64Array, binRows: Int32Array, bins: number, scratch: BinScratch): number {
  const { sums, counts, means } = scratch;
  sums.fill(0);
  counts.fill(0);
  const n = yRows.length;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const b = binRows[i]!;
    const v = yRows[i]!;
    sums[b]! += v;
    counts[b]! += 1;
    total += v;
  }
  const grand = total / n;
  for (let b = 0; b < bins; b++) means[b] = sums[b]! / counts[b]!;
  let within = 0;
  for (let i = 0; i < n; i++) within += (yRows[i]! - means[binRows[i]!]!) ** 2;
  let used = 0;
  let between = 0;
  for (let b = 0; b < bins; b++) {
    if (counts[b] === 0) continue;
    used++;
    between += counts[b]! * (means[b]! - grand) ** 2;
  }
  if (n <= used || between + within === 0) return 0;
  const meanSquareWithin = within / (n - used);
  return Math.max(0, (between - (used - 1) * meanSquareWithin) / (between + within + meanSquareWithin));
}

/**
 * Per metric (each `ys[k]` its draws' means, in draw order), the parameters ranked by their binned
 * first-order index, each with a bootstrap standard error. The metrics share the draws, so one set
 * of resamples serves them all (each metric's numbers are those of a call with it alone).
 */
export function bandDrivers(
  ys: readonly (readonly number[])[],
  unit: readonly number[],
  names: readonly string[],
  seed: number,
): BandDriver[][] {
  const n = ys[0]?.length ?? 0;
  const dims = names.length;
  const bins = driverBins(n);
  const all = Array.from({ length: n }, (_, i) => i);
  const binsOf = names.map((_, d) =>
    Int32Array.from({ length: n }, (_, i) => Math.min(bins - 1, Math.floor((unit[i * dims + d] ?? 0) * bins))),
  );
  const boot = ys.map(() => names.map(() => [] as number[]));
  const rng = designRng(seed, 15);
  const rows = new Int32Array(n);
  const yRows = ys.map(() => new Float64Array(n));
  const binRows = new Int32Array(n);
  const scratch = { sums: new Float64Array(bins), counts: new Float64Array(bins), means: new Float64Array(bins) };
  const resamples = Math.max(20, Math.min(DRIVER_RESAMPLES, Math.floor(DRIVER_BOOTSTRAP_WORK / (n * Math.max(1, dims)))));
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) rows[i] = Math.floor(rng.uniform() * n);
    ys.forEach((y, k) => {
      const into = yRows[k]!;
      for (let i = 0; i < n; i++) into[i] = y[rows[i]!] ?? 0;
    });
    binsOf.forEach((bin, d) => {
      for (let i = 0; i < n; i++) binRows[i] = bin[rows[i]!]!;
      yRows.forEach((into, k) => boot[k]![d]!.push(resampledIndex(into, binRows, bins, scratch)));
    });
  }
  return ys.map((y, k) => {
    const drivers = names.map((name, d) => ({
      name,
      s1: binnedIndex(y, binsOf[d] ?? [], bins, all),
      se: Math.sqrt(sampleVariance(boot[k]?.[d] ?? [])),
    }));
    return drivers.sort((a, b) => b.s1 - a.s1 || a.name.localeCompare(b.name));
  });
}

/** The chance, over all of a band's parameters together, that one doing nothing is shown as a driver. */
export const DRIVER_FALSE_ALARM = 0.05;

/**
 * The drivers clear of noise: a share above `z` standard errors, where `z` makes the chance that
 * any of the `k` parameters ranked clears it by noise alone about DRIVER_FALSE_ALARM (Bonferroni:
 * one-sided 0.05 / k, so z ≈ 3.2 for 67 parameters, 2.6 for 10, 1.6 for 1). Twice the error, the
 * rule before, let one or two of 67 parameters through by chance, and with few draws showed them as
 * findings. Every surface that shows drivers takes them from here.
 */
export function clearDrivers<D extends { s1: number; se: number }>(drivers: readonly D[]): D[] {
  const z = normalQuantile(1 - DRIVER_FALSE_ALARM / Math.max(1, drivers.length));
  return drivers.filter((d) => d.s1 > z * d.se);
}

/**
 * One metric's band from its draws and its drivers (`bandDrivers`). `trialsPerDraw` is 0 for exact
 * draws (no noise); for sampled draws the spread of the draws' means is corrected for their
 * sampling noise (variance/trials).
 */
export function metricBand(draws: readonly DrawMoments[], trialsPerDraw: number, drivers: BandDriver[]): MetricBand {
  const means = draws.map((d) => d.mean);
  const n = means.length;
  const chance = meanOf(draws.map((d) => d.variance));
  const spread = sampleVariance(means);
  const noise = trialsPerDraw > 0 ? chance / trialsPerDraw : 0;
  const parameters = Math.max(0, spread - noise);
  const total = parameters + chance;
  const sorted = [...means].sort((a, b) => a - b);
  return {
    probability: draws.length > 0 && draws.every((d) => d.probability),
    overall: { mean: meanOf(means), se: Math.sqrt(spread / n) },
    band: { p5: sortedQuantile(sorted, 0.05), p50: sortedQuantile(sorted, 0.5), p95: sortedQuantile(sorted, 0.95) },
    variance: {
      total,
      parameters,
      chance,
      parameterShare: total > 0 ? parameters / total : 0,
      chanceShare: total > 0 ? chance / total : 0,
    },
    drawNoiseSd: Math.sqrt(noise),
    drivers,
    drawMeans: means,
  };
}
