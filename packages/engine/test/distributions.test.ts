/**
 * Statistical tests of the samplers.
 *
 * False-alarm rates: each goodness-of-fit test (chi-square for discrete samplers, Kolmogorov–Smirnov
 * for continuous ones) fails when its p-value is below 1e-4, and each moment check fails beyond 4.5
 * standard errors (two-sided normal tail about 6.8e-6). The suite makes 39 goodness-of-fit tests
 * and 95 mean, variance or tail-probability checks, so correct samplers would fail somewhere with
 * probability about 39 * 1e-4 + 95 * 6.8e-6 ≈ 4.6e-3. Seeds are fixed, so the outcome is
 * deterministic: that rate is the chance that the chosen seeds are unlucky, not a flake rate.
 *
 * Power: with n = 200,000 draws the standard error of a mean is sd/447, so for example a PTRS
 * draw shifted by one at mean 20 (100 standard errors), a variance off by 2% in a light-tailed
 * setting (about 6 standard errors) or a misshapen tail (chi-square / KS) fails.
 */

import { describe, expect, it } from 'vitest';
import {
  bernoulli,
  beta,
  exponential,
  gamma,
  geometric,
  lognormal,
  negbin,
  normal,
  normalQuantile,
  poisson,
  poissonLogPmf,
  SAMPLERS,
  type SamplerName,
  sample,
  samplerMean,
  samplerVariance,
  sumOfIid,
  triangular,
  uniform,
} from '../src/distributions.ts';
import { type Rng, TrialStream } from '../src/rng.ts';

const N = 200_000;
const GOF_MIN_P = 1e-4;
const MAX_STANDARD_ERRORS = 4.5;

type Name = SamplerName | 'exponential' | 'geometric';

interface Setting {
  readonly name: Name;
  readonly args: readonly number[];
}

function describeSetting({ name, args }: Setting): string {
  return `${name}(${args.join(', ')})`;
}

function drawSetting(rng: Rng, name: Name, args: readonly number[]): number {
  const [a = Number.NaN, b = Number.NaN, c = Number.NaN] = args;
  switch (name) {
    case 'poisson':
      return poisson(rng, a);
    case 'negbin':
      return negbin(rng, a, b);
    case 'lognormal':
      return lognormal(rng, a, b);
    case 'normal':
      return normal(rng, a, b);
    case 'uniform':
      return uniform(rng, a, b);
    case 'bernoulli':
      return bernoulli(rng, a);
    case 'beta':
      return beta(rng, a, b);
    case 'gamma':
      return gamma(rng, a, b);
    case 'triangular':
      return triangular(rng, a, b, c);
    case 'exponential':
      return exponential(rng, a);
    case 'geometric':
      return geometric(rng, a);
  }
}

/** `count` draws, each the sum of `terms` draws of the setting, from a fixed seed. */
function draws(seed: number, { name, args }: Setting, count = N, terms = 1): Float64Array {
  const rng = new TrialStream(seed);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    let sum = 0;
    for (let t = 0; t < terms; t++) sum += drawSetting(rng, name, args);
    out[i] = sum;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Reference distributions, written independently of the code under test.

const LANCZOS = [
  0.9999999999998099, 676.5203681218851, -1259.1392167224028, 771.3234287776531, -176.6150291621406, 12.507343278686905,
  -0.13857109526572012, 9.984369578019572e-6, 1.5056327351493116e-7,
];

/** log Gamma(x) for x > 0 (Lanczos, g = 7). */
function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const y = x - 1;
  let series = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS.length; i++) series += LANCZOS[i]! / (y + i);
  const t = y + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(series);
}

const TINY = 1e-300;

/** The regularized lower incomplete gamma P(a, x) by its series; use for x < a + 1. */
function gammaSeries(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  for (let n = 1; n < 1_000_000; n++) {
    term *= x / (a + n);
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * 1e-17) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
}

/** The regularized upper incomplete gamma Q(a, x) by its continued fraction; use for x >= a + 1. */
function gammaContinuedFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1_000_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
}

function lowerGammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  return x < a + 1 ? gammaSeries(a, x) : 1 - gammaContinuedFraction(a, x);
}

function upperGammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  return x < a + 1 ? 1 - gammaSeries(a, x) : gammaContinuedFraction(a, x);
}

/** Continued fraction for the incomplete beta function (modified Lentz). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m < 100_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a - 1 + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + 1 + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return h;
}

/** The regularized incomplete beta function I_x(a, b). */
function regularizedBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x));
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a;
  return 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

function normalCdf(x: number): number {
  const z2 = (x * x) / 2;
  // Phi(x) = erfc(-x / sqrt 2) / 2 and erfc(t) = Q(1/2, t^2) for t >= 0.
  return x < 0 ? upperGammaQ(0.5, z2) / 2 : 0.5 + lowerGammaP(0.5, z2) / 2;
}

function continuousCdf({ name, args }: Setting): (x: number) => number {
  const [a = Number.NaN, b = Number.NaN, c = Number.NaN] = args;
  switch (name) {
    case 'uniform':
      return (x) => Math.min(1, Math.max(0, (x - a) / (b - a)));
    case 'normal':
      return (x) => normalCdf((x - a) / b);
    case 'lognormal':
      return (x) => (x <= 0 ? 0 : normalCdf((Math.log(x) - a) / b));
    case 'gamma':
      return (x) => lowerGammaP(a, x / b);
    case 'beta':
      return (x) => regularizedBeta(x, a, b);
    case 'exponential':
      return (x) => (x <= 0 ? 0 : -Math.expm1(-a * x));
    case 'triangular':
      return (x) => {
        if (x <= a) return 0;
        if (x >= c) return 1;
        if (x <= b) return ((x - a) * (x - a)) / ((c - a) * (b - a));
        return 1 - ((c - x) * (c - x)) / ((c - a) * (c - b));
      };
    default:
      throw new Error(`no CDF for ${name}`);
  }
}

/** Probabilities of k = lo, lo + 1, ..., covering all but a negligible tail. */
interface ProbabilityTable {
  readonly lo: number;
  readonly probabilities: Float64Array;
}

function poissonTable(mean: number): ProbabilityTable {
  const sd = Math.sqrt(mean);
  const lo = Math.max(0, Math.floor(mean - 12 * sd - 10));
  const hi = Math.ceil(mean + 12 * sd + 30);
  const mode = Math.floor(mean);
  const probabilities = new Float64Array(hi - lo + 1);
  // Anchor at the mode, then recur outwards: p(k + 1) = p(k) mean / (k + 1).
  let p = Math.exp(mode * Math.log(mean) - mean - logGamma(mode + 1));
  probabilities[mode - lo] = p;
  for (let k = mode; k < hi; k++) {
    p *= mean / (k + 1);
    probabilities[k + 1 - lo] = p;
  }
  p = probabilities[mode - lo]!;
  for (let k = mode; k > lo; k--) {
    p *= k / mean;
    probabilities[k - 1 - lo] = p;
  }
  // At mean 1e9 the anchor's k log(mean) - mean - log k! cancels down to ~1e-6 relative accuracy;
  // the table spans +-12 sd, outside which the mass is below 1e-30, so normalizing is exact enough.
  const total = probabilities.reduce((sum, q) => sum + q, 0);
  expect(Math.abs(total - 1), `Poisson(${mean}) table mass`).toBeLessThan(1e-5);
  for (let i = 0; i < probabilities.length; i++) probabilities[i] = probabilities[i]! / total;
  return { lo, probabilities };
}

function negbinTable(mean: number, size: number): ProbabilityTable {
  const success = size / (size + mean);
  const values: number[] = [];
  let p = success ** size;
  let cumulative = 0;
  for (let k = 0; k < 1e7 && (k <= mean || 1 - cumulative > 1e-13); k++) {
    values.push(p);
    cumulative += p;
    p *= ((k + size) / (k + 1)) * (1 - success);
  }
  return { lo: 0, probabilities: Float64Array.from(values) };
}

function geometricTable(success: number): ProbabilityTable {
  const values: number[] = [];
  for (let k = 0; (1 - success) ** k > 1e-14; k++) values.push(success * (1 - success) ** k);
  return { lo: 0, probabilities: Float64Array.from(values) };
}

function discreteTable({ name, args }: Setting): ProbabilityTable {
  const [a = Number.NaN, b = Number.NaN] = args;
  switch (name) {
    case 'poisson':
      return poissonTable(a);
    case 'negbin':
      return negbinTable(a, b);
    case 'bernoulli':
      return { lo: 0, probabilities: Float64Array.of(1 - a, a) };
    case 'geometric':
      return geometricTable(a);
    default:
      throw new Error(`no pmf for ${name}`);
  }
}

/** Mean and variance, written out independently of samplerMean / samplerVariance. */
function referenceMoments({ name, args }: Setting): { mean: number; variance: number } {
  const [a = Number.NaN, b = Number.NaN, c = Number.NaN] = args;
  switch (name) {
    case 'poisson':
      return { mean: a, variance: a };
    case 'negbin':
      return { mean: a, variance: a * (1 + a / b) };
    case 'lognormal':
      return { mean: Math.exp(a + b ** 2 / 2), variance: (Math.exp(b ** 2) - 1) * Math.exp(2 * a + b ** 2) };
    case 'normal':
      return { mean: a, variance: b ** 2 };
    case 'uniform':
      return { mean: (a + b) / 2, variance: (b - a) ** 2 / 12 };
    case 'bernoulli':
      return { mean: a, variance: a * (1 - a) };
    case 'beta':
      return { mean: a / (a + b), variance: (a * b) / ((a + b) ** 2 * (a + b + 1)) };
    case 'gamma':
      return { mean: a * b, variance: a * b ** 2 };
    case 'triangular':
      return { mean: (a + b + c) / 3, variance: (a ** 2 + b ** 2 + c ** 2 - a * b - a * c - b * c) / 18 };
    case 'exponential':
      return { mean: 1 / a, variance: 1 / a ** 2 };
    case 'geometric':
      return { mean: (1 - a) / a, variance: (1 - a) / a ** 2 };
  }
}

// ---------------------------------------------------------------------------------------------
// Test statistics.

/** Checks the sample mean and variance against the true ones, within MAX_STANDARD_ERRORS each. */
function expectMoments(xs: Float64Array, mean: number, variance: number, label: string): void {
  const n = xs.length;
  let sum = 0;
  for (const x of xs) sum += x;
  const sampleMean = sum / n;
  let m2 = 0;
  let m4 = 0;
  for (const x of xs) {
    const d2 = (x - sampleMean) ** 2;
    m2 += d2;
    m4 += d2 * d2;
  }
  const sampleVariance = m2 / (n - 1);
  const fourthMoment = m4 / n;
  const meanError = Math.sqrt(variance / n);
  const varianceError = Math.sqrt((fourthMoment - (sampleVariance ** 2 * (n - 3)) / (n - 1)) / n);
  const meanZ = (sampleMean - mean) / meanError;
  const varianceZ = (sampleVariance - variance) / varianceError;
  expect(Math.abs(meanZ), `${label}: mean ${sampleMean} vs ${mean} (z = ${meanZ})`).toBeLessThan(MAX_STANDARD_ERRORS);
  expect(Math.abs(varianceZ), `${label}: variance ${sampleVariance} vs ${variance} (z = ${varianceZ})`).toBeLessThan(MAX_STANDARD_ERRORS);
}

/** Chi-square p-value of integer draws against a table, pooling neighbours to >= minExpected per cell. */
function chiSquarePValue(xs: Float64Array, { lo, probabilities }: ProbabilityTable, minExpected = 5): number {
  const n = xs.length;
  const hi = lo + probabilities.length - 1;
  const counts = new Float64Array(probabilities.length);
  let nonIntegers = 0;
  for (const x of xs) {
    if (!Number.isInteger(x)) nonIntegers++;
    else counts[Math.min(hi, Math.max(lo, x)) - lo]!++;
  }
  expect(nonIntegers, 'draws that are not integers').toBe(0);
  const expected: number[] = [];
  const observed: number[] = [];
  let cellExpected = 0;
  let cellObserved = 0;
  for (let i = 0; i < probabilities.length; i++) {
    cellExpected += n * probabilities[i]!;
    cellObserved += counts[i]!;
    if (cellExpected >= minExpected) {
      expected.push(cellExpected);
      observed.push(cellObserved);
      cellExpected = 0;
      cellObserved = 0;
    }
  }
  const last = expected.length - 1;
  expected[last] = expected[last]! + cellExpected;
  observed[last] = observed[last]! + cellObserved;
  let statistic = 0;
  for (let i = 0; i < expected.length; i++) {
    statistic += (observed[i]! - expected[i]!) ** 2 / expected[i]!;
  }
  return upperGammaQ((expected.length - 1) / 2, statistic / 2);
}

/** Asymptotic Kolmogorov–Smirnov p-value, with Stephens' small-sample correction. */
function ksPValue(xs: Float64Array, cdf: (x: number) => number): number {
  const sorted = Float64Array.from(xs).sort();
  const n = sorted.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(sorted[i]!);
    d = Math.max(d, (i + 1) / n - f, f - i / n);
  }
  const t = (Math.sqrt(n) + 0.12 + 0.11 / Math.sqrt(n)) * d;
  if (t < 0.2) return 1;
  let p = 0;
  for (let j = 1; j <= 100; j++) p += 2 * (j % 2 === 1 ? 1 : -1) * Math.exp(-2 * j * j * t * t);
  return Math.min(1, Math.max(0, p));
}

function isDiscrete(name: Name): boolean {
  return name === 'poisson' || name === 'negbin' || name === 'bernoulli' || name === 'geometric';
}

/** Fails unless the draws fit the distribution of `setting`; returns the p-value. */
function expectFit(xs: Float64Array, setting: Setting, minExpected = 5): number {
  const p = isDiscrete(setting.name) ? chiSquarePValue(xs, discreteTable(setting), minExpected) : ksPValue(xs, continuousCdf(setting));
  expect(p, `${describeSetting(setting)}: goodness-of-fit p-value`).toBeGreaterThan(GOF_MIN_P);
  return p;
}

// ---------------------------------------------------------------------------------------------

describe('reference functions used by these tests', () => {
  it('logGamma matches log factorials', () => {
    let logFactorial = 0;
    for (let n = 1; n <= 30; n++) {
      logFactorial += Math.log(n);
      expect(logGamma(n + 1)).toBeCloseTo(logFactorial, 10);
    }
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 13);
  });

  it('incomplete gamma matches Erlang closed forms and the chi-square with 2 degrees of freedom', () => {
    for (const x of [0.01, 0.5, 1, 2, 3.5, 10, 40]) {
      expect(lowerGammaP(1, x)).toBeCloseTo(-Math.expm1(-x), 14);
      expect(lowerGammaP(2, x)).toBeCloseTo(1 - Math.exp(-x) * (1 + x), 14);
      expect(upperGammaQ(3, x)).toBeCloseTo(Math.exp(-x) * (1 + x + (x * x) / 2), 14);
    }
  });

  it('incomplete beta matches beta(2, 2) and beta(1, 3) closed forms', () => {
    for (const x of [0.001, 0.1, 0.37, 0.5, 0.8, 0.999]) {
      expect(regularizedBeta(x, 2, 2)).toBeCloseTo(3 * x * x - 2 * x ** 3, 13);
      expect(regularizedBeta(x, 1, 3)).toBeCloseTo(1 - (1 - x) ** 3, 13);
      expect(regularizedBeta(x, 0.5, 0.5)).toBeCloseTo((2 / Math.PI) * Math.asin(Math.sqrt(x)), 13);
    }
  });

  it('normalCdf matches known quantiles', () => {
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 14);
    expect(normalCdf(-1.2815515655446004)).toBeCloseTo(0.1, 14);
    expect(normalCdf(-6.361340902404056) / 1e-10).toBeCloseTo(1, 12);
  });

  it('the Poisson reference table matches exp(-mean) mean^k / k! where that can be computed directly', () => {
    for (const mean of [0.5, 20, 150]) {
      const { lo, probabilities } = poissonTable(mean);
      expect(lo).toBe(0);
      let direct = Math.exp(-mean);
      for (let k = 0; k < probabilities.length && direct > 1e-300; k++) {
        expect(probabilities[k]! / direct, `Poisson(${mean}) at ${k}`).toBeCloseTo(1, 10);
        direct *= mean / (k + 1);
      }
    }
  });
});

describe('normalQuantile', () => {
  it('matches known standard normal quantiles to full double precision', () => {
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 14);
    expect(normalQuantile(0.9)).toBeCloseTo(1.2815515655446004, 14);
    expect(normalQuantile(0.3)).toBeCloseTo(-0.5244005127080407, 14);
    expect(normalQuantile(1e-10) / -6.361340902404056).toBeCloseTo(1, 14);
  });

  it('inverts the normal CDF across all three branches', () => {
    const probabilities = [1e-300, 1e-100, 1e-20, 1e-12, 1e-5, 0.01, 0.07, 0.076, 0.2, 0.5, 0.6, 0.93, 0.999];
    for (const p of probabilities) {
      expect(normalCdf(normalQuantile(p)) / p).toBeCloseTo(1, 12);
    }
    expect(normalQuantile(1 - 2 ** -53)).toBeCloseTo(-normalQuantile(2 ** -53), 14);
  });
});

describe('poissonLogPmf', () => {
  it('matches exp(-mean) mean^k / k! at small means', () => {
    for (const mean of [0.5, 5, 20, 150]) {
      let direct = Math.exp(-mean);
      for (let k = 0; direct > 1e-300; k++) {
        expect(Math.exp(poissonLogPmf(k, mean)) / direct, `Poisson(${mean}) at ${k}`).toBeCloseTo(1, 12);
        direct *= mean / (k + 1);
      }
    }
  });

  it('has the Poisson ratio p(k + 1) / p(k) = mean / (k + 1) and sums to 1 at large means', () => {
    for (const mean of [1e4, 1e9, 1e12]) {
      const sd = Math.sqrt(mean);
      for (let z = -10; z <= 10; z += 0.37) {
        const k = Math.round(mean + z * sd);
        expect(poissonLogPmf(k + 1, mean) - poissonLogPmf(k, mean), `Poisson(${mean}) at ${k}`).toBeCloseTo(Math.log(mean / (k + 1)), 11);
      }
      if (mean > 1e10) continue;
      let total = 0;
      for (let k = Math.round(mean - 13 * sd); k <= mean + 13 * sd; k++) {
        total += Math.exp(poissonLogPmf(k, mean));
      }
      expect(Math.abs(total - 1), `Poisson(${mean}) total mass`).toBeLessThan(1e-10);
    }
    // At k = mean the pmf is exp(-e) / sqrt(2 pi mean) with Stirling's error e = 1/(12 mean) + O(mean^-3).
    expect(poissonLogPmf(1e12, 1e12)).toBeCloseTo(-0.5 * Math.log(2 * Math.PI * 1e12) - 1 / 12e12, 13);
  });

  it('is -Infinity outside the support', () => {
    expect(poissonLogPmf(0, 0)).toBe(0);
    expect(poissonLogPmf(3, 0)).toBe(-Infinity);
    expect(poissonLogPmf(-1, 5)).toBe(-Infinity);
    expect(poissonLogPmf(2.5, 5)).toBe(-Infinity);
    expect(poissonLogPmf(0, 7)).toBe(-7);
  });
});

const SETTINGS: readonly Setting[] = [
  { name: 'poisson', args: [0.5] },
  { name: 'poisson', args: [5] },
  { name: 'poisson', args: [9.9] },
  { name: 'poisson', args: [10] },
  { name: 'poisson', args: [20] },
  { name: 'poisson', args: [150] },
  { name: 'poisson', args: [1e4] },
  { name: 'poisson', args: [1e9] },
  { name: 'negbin', args: [4, 0.5] },
  { name: 'negbin', args: [20, 5] },
  { name: 'negbin', args: [500, 50] },
  { name: 'bernoulli', args: [0.3] },
  { name: 'bernoulli', args: [0.999] },
  { name: 'geometric', args: [0.2] },
  { name: 'geometric', args: [0.01] },
  { name: 'geometric', args: [0.9] },
  { name: 'uniform', args: [0, 1] },
  { name: 'uniform', args: [-3, 5] },
  { name: 'normal', args: [0, 1] },
  { name: 'normal', args: [-2, 3] },
  { name: 'lognormal', args: [0, 0.5] },
  { name: 'lognormal', args: [3, 0.2] },
  { name: 'gamma', args: [0.3, 2] },
  { name: 'gamma', args: [1, 1] },
  { name: 'gamma', args: [2, 0.5] },
  { name: 'gamma', args: [7.5, 3] },
  { name: 'beta', args: [2, 2] },
  { name: 'beta', args: [1, 3] },
  { name: 'beta', args: [0.5, 0.5] },
  { name: 'beta', args: [0.2, 3] },
  { name: 'triangular', args: [0, 0.3, 1] },
  { name: 'triangular', args: [-1, -1, 2] },
  { name: 'triangular', args: [2, 5, 5] },
  { name: 'exponential', args: [1] },
  { name: 'exponential', args: [0.25] },
];

describe('samplers match their distributions (n = 200,000, fixed seeds)', () => {
  SETTINGS.forEach((setting, index) => {
    it(describeSetting(setting), () => {
      const xs = draws(1000 + index, setting);
      const { mean, variance } = referenceMoments(setting);
      expectMoments(xs, mean, variance, describeSetting(setting));
      // Poisson at 1e9 has ~10^5 integers with mass; coarser cells keep the chi-square approximation sound.
      expectFit(xs, setting, setting.name === 'poisson' && setting.args[0]! > 1e5 ? 50 : 5);
    });
  });

  it('poisson(1e12): integer draws with the right mean and variance', () => {
    const xs = draws(77, { name: 'poisson', args: [1e12] });
    expect(xs.every(Number.isInteger)).toBe(true);
    expectMoments(xs, 1e12, 1e12, 'poisson(1e12)');
  });

  it('geometric: P(K >= k) = (1 - p)^k', () => {
    [0.2, 0.01, 0.9].forEach((p, index) => {
      const xs = draws(2000 + index, { name: 'geometric', args: [p] });
      for (const k of [1, 2, 5, Math.round(1 / p), Math.round(3 / p)]) {
        const expected = (1 - p) ** k;
        const observed = xs.reduce((count, x) => count + (x >= k ? 1 : 0), 0) / xs.length;
        const z = (observed - expected) / Math.sqrt((expected * (1 - expected)) / xs.length);
        expect(Math.abs(z), `geometric(${p}) P(K >= ${k}) = ${observed} vs ${expected}`).toBeLessThan(MAX_STANDARD_ERRORS);
      }
    });
  });
});

describe('degenerate and invalid parameters', () => {
  it('mean 0 and certain events give constants', () => {
    const rng = new TrialStream(5);
    for (let i = 0; i < 100; i++) {
      expect(poisson(rng, 0)).toBe(0);
      expect(negbin(rng, 0, 3)).toBe(0);
      expect(bernoulli(rng, 0)).toBe(0);
      expect(bernoulli(rng, 1)).toBe(1);
      expect(geometric(rng, 1)).toBe(0);
      expect(geometric(rng, 0)).toBe(Infinity);
      expect(normal(rng, 4, 0)).toBe(4);
      expect(uniform(rng, 2, 2)).toBe(2);
    }
  });

  it('invalid parameters give NaN instead of looping forever', () => {
    const rng = new TrialStream(6);
    expect(poisson(rng, -1)).toBeNaN();
    expect(poisson(rng, Number.NaN)).toBeNaN();
    expect(poisson(rng, Infinity)).toBeNaN();
    expect(gamma(rng, 0, 1)).toBeNaN();
    expect(gamma(rng, -2, 1)).toBeNaN();
    expect(gamma(rng, Number.NaN, 1)).toBeNaN();
    expect(negbin(rng, 3, 0)).toBeNaN();
    expect(beta(rng, 0, 1)).toBeNaN();
    expect(geometric(rng, -0.5)).toBeNaN();
  });

  it('beta with tiny shapes stays in [0, 1] instead of dividing 0 by 0', () => {
    const rng = new TrialStream(8);
    for (let i = 0; i < 10_000; i++) {
      const x = beta(rng, 0.01, 0.02);
      expect(x >= 0 && x <= 1).toBe(true);
    }
  });
});

describe('determinism and statelessness', () => {
  const SAMPLE_CALLS: readonly Setting[] = [
    { name: 'poisson', args: [3] },
    { name: 'poisson', args: [300] },
    { name: 'negbin', args: [7, 0.8] },
    { name: 'lognormal', args: [0, 1] },
    { name: 'normal', args: [1, 2] },
    { name: 'uniform', args: [0, 4] },
    { name: 'bernoulli', args: [0.4] },
    { name: 'beta', args: [0.5, 2] },
    { name: 'gamma', args: [0.3, 1] },
    { name: 'gamma', args: [4, 1] },
    { name: 'triangular', args: [0, 1, 3] },
    { name: 'exponential', args: [2] },
    { name: 'geometric', args: [0.3] },
  ];

  it('the same seed gives the same sequence, another seed another one', () => {
    const run = (seed: number) => {
      const rng = new TrialStream(seed);
      const out: number[] = [];
      for (let i = 0; i < 200; i++) {
        for (const { name, args } of SAMPLE_CALLS) out.push(drawSetting(rng, name, args));
      }
      return out;
    };
    expect(run(42)).toEqual(run(42));
    expect(run(43)).not.toEqual(run(42));
  });

  it('each draw depends only on the uniforms it consumes (nothing carried between calls)', () => {
    for (const { name, args } of SAMPLE_CALLS) {
      const stream = new TrialStream(9);
      const calls: { value: number; uniforms: number[] }[] = [];
      for (let i = 0; i < 300; i++) {
        const uniforms: number[] = [];
        const recorder: Rng = {
          uniform() {
            const u = stream.uniform();
            uniforms.push(u);
            return u;
          },
        };
        calls.push({ value: drawSetting(recorder, name, args), uniforms });
      }
      // Replaying the calls in reverse order must reproduce each value from exactly its own uniforms.
      for (const { value, uniforms } of calls.slice().reverse()) {
        let next = 0;
        const replay: Rng = {
          uniform() {
            const u = uniforms[next++];
            if (u === undefined) throw new Error(`${name} asked for more uniforms than on first play`);
            return u;
          },
        };
        expect(drawSetting(replay, name, args)).toBe(value);
        expect(next).toBe(uniforms.length);
      }
    }
  });

  it('normal consumes exactly one uniform per call', () => {
    const a = new TrialStream(11);
    const b = new TrialStream(11);
    for (let i = 0; i < 1000; i++) normal(a, 0, 1);
    for (let i = 0; i < 1000; i++) b.uniform();
    expect(a.uniform()).toBe(b.uniform());
  });
});

describe('SAMPLERS', () => {
  const PARAMS: Readonly<Record<SamplerName, readonly string[]>> = {
    poisson: ['mean'],
    negbin: ['mean', 'size'],
    lognormal: ['mu', 'sigma'],
    normal: ['mean', 'sd'],
    uniform: ['lo', 'hi'],
    bernoulli: ['p'],
    beta: ['a', 'b'],
    gamma: ['shape', 'scale'],
    triangular: ['lo', 'mode', 'hi'],
  };

  it('lists exactly the expression samplers with their parameters', () => {
    expect(Object.keys(SAMPLERS).sort()).toEqual(Object.keys(PARAMS).sort());
    for (const [name, params] of Object.entries(PARAMS)) {
      const spec = SAMPLERS[name as SamplerName];
      expect(spec.params).toEqual(params);
      expect(spec.arity).toBe(params.length);
      expect(spec.summary.length).toBeGreaterThan(0);
      expect(spec.summary).not.toContain('\n');
    }
  });

  it('accepts valid parameters, including boundary values', () => {
    const valid: [SamplerName, number[]][] = [
      ['poisson', [0]],
      ['poisson', [1e12]],
      ['negbin', [0, 0.1]],
      ['lognormal', [-3, 0]],
      ['normal', [0, 0]],
      ['uniform', [1, 1]],
      ['bernoulli', [0]],
      ['bernoulli', [1]],
      ['beta', [0.1, 5]],
      ['gamma', [0.01, 3]],
      ['triangular', [0, 0, 1]],
      ['triangular', [0, 1, 1]],
    ];
    for (const [name, args] of valid) expect(SAMPLERS[name].check(args), `${name}(${args})`).toBeUndefined();
  });

  it('explains invalid parameters', () => {
    const invalid: [SamplerName, number[], string][] = [
      ['poisson', [-1], 'poisson mean must be finite and >= 0, got -1'],
      ['poisson', [Number.NaN], 'poisson mean must be finite and >= 0, got NaN'],
      ['poisson', [Infinity], 'poisson mean must be finite and >= 0, got Infinity'],
      ['poisson', [], 'poisson takes 1 parameter (mean), got 0'],
      ['negbin', [1], 'negbin takes 2 parameters (mean, size), got 1'],
      ['negbin', [-2, 1], 'negbin mean must be finite and >= 0, got -2'],
      ['negbin', [1, 0], 'negbin size must be finite and > 0, got 0'],
      ['lognormal', [0, -1], 'lognormal sigma must be finite and >= 0, got -1'],
      ['lognormal', [-Infinity, 1], 'lognormal mu must be finite, got -Infinity'],
      ['normal', [0, -0.5], 'normal sd must be finite and >= 0, got -0.5'],
      ['uniform', [2, 1], 'uniform needs lo <= hi, got lo=2, hi=1'],
      ['uniform', [0, Number.NaN], 'uniform hi must be finite, got NaN'],
      ['bernoulli', [1.5], 'bernoulli p must be in [0, 1], got 1.5'],
      ['bernoulli', [-0.1], 'bernoulli p must be in [0, 1], got -0.1'],
      ['beta', [0, 1], 'beta a must be finite and > 0, got 0'],
      ['beta', [1, -1], 'beta b must be finite and > 0, got -1'],
      ['gamma', [1, 0], 'gamma scale must be finite and > 0, got 0'],
      ['gamma', [0, 1], 'gamma shape must be finite and > 0, got 0'],
      ['triangular', [0, 2, 1], 'triangular needs lo <= mode <= hi and lo < hi, got lo=0, mode=2, hi=1'],
      ['triangular', [1, 1, 1], 'triangular needs lo <= mode <= hi and lo < hi, got lo=1, mode=1, hi=1'],
      ['triangular', [0, 1, 2, 3], 'triangular takes 3 parameters (lo, mode, hi), got 4'],
    ];
    for (const [name, args, message] of invalid) expect(SAMPLERS[name].check(args)).toBe(message);
  });

  it('sample() draws exactly like the named sampler and gives NaN exactly when check() objects', () => {
    const argLists: number[][] = [
      [],
      [0],
      [0.5],
      [1],
      [3],
      [-1],
      [1.5],
      [Number.NaN],
      [Infinity],
      [0, 0],
      [0, 1],
      [2, 1],
      [1, 2],
      [-1, 2],
      [1, -2],
      [0.5, 0.5],
      [1, Number.NaN],
      [1, Infinity],
      [0, 0, 1],
      [0, 1, 1],
      [0, 0.5, 1],
      [0, 2, 1],
      [1, 1, 1],
      [0, 1, 2, 3],
    ];
    for (const name of Object.keys(SAMPLERS) as SamplerName[]) {
      for (const args of argLists) {
        const label = `${name}(${args.join(', ')})`;
        const drawn = sample(name, new TrialStream(21), args);
        if (SAMPLERS[name].check(args) === undefined) {
          expect(drawn, label).toBe(drawSetting(new TrialStream(21), name, args));
          expect(Number.isNaN(drawn), label).toBe(false);
        } else {
          expect(drawn, label).toBeNaN();
        }
      }
    }
  });

  it('samplerMean and samplerVariance agree with the textbook moments', () => {
    for (const setting of SETTINGS) {
      if (setting.name === 'exponential' || setting.name === 'geometric') continue;
      const { mean, variance } = referenceMoments(setting);
      const label = describeSetting(setting);
      expect(Math.abs(samplerMean(setting.name, setting.args) - mean), label).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(mean)));
      expect(Math.abs(samplerVariance(setting.name, setting.args) / variance - 1), label).toBeLessThan(1e-12);
    }
  });
});

describe('sumOfIid', () => {
  const CASES: readonly { setting: Setting & { name: SamplerName }; count: number; sum: Setting }[] = [
    { setting: { name: 'poisson', args: [3] }, count: 7, sum: { name: 'poisson', args: [21] } },
    { setting: { name: 'negbin', args: [2, 0.7] }, count: 4, sum: { name: 'negbin', args: [8, 2.8] } },
    { setting: { name: 'gamma', args: [0.3, 2] }, count: 5, sum: { name: 'gamma', args: [1.5, 2] } },
    { setting: { name: 'normal', args: [1, 2] }, count: 9, sum: { name: 'normal', args: [9, 6] } },
  ];

  CASES.forEach(({ setting, count, sum }, index) => {
    it(`the sum of ${count} ${describeSetting(setting)} draws is ${describeSetting(sum)}`, () => {
      const closedForm = sumOfIid(setting.name, setting.args, count);
      expect(closedForm?.name).toBe(sum.name);
      expect(closedForm?.args.length).toBe(sum.args.length);
      for (const [i, arg] of sum.args.entries()) expect(closedForm?.args[i]).toBeCloseTo(arg, 12);
      const xs = draws(3000 + index, setting, N, count);
      const { mean, variance } = referenceMoments(sum);
      expectMoments(xs, mean, variance, describeSetting(sum));
      expectFit(xs, sum);
    });
  });

  it('is the identity for one draw', () => {
    expect(sumOfIid('poisson', [2.5], 1)).toEqual({ name: 'poisson', args: [2.5] });
    expect(sumOfIid('normal', [1, 2], 1)).toEqual({ name: 'normal', args: [1, 2] });
  });

  it('has no closed form for the other families or for non-positive or fractional counts', () => {
    expect(sumOfIid('lognormal', [0, 1], 3)).toBeUndefined();
    expect(sumOfIid('uniform', [0, 1], 3)).toBeUndefined();
    expect(sumOfIid('bernoulli', [0.5], 3)).toBeUndefined();
    expect(sumOfIid('beta', [1, 2], 3)).toBeUndefined();
    expect(sumOfIid('triangular', [0, 1, 2], 3)).toBeUndefined();
    expect(sumOfIid('poisson', [1], 0)).toBeUndefined();
    expect(sumOfIid('poisson', [1], -2)).toBeUndefined();
    expect(sumOfIid('gamma', [1, 1], 2.5)).toBeUndefined();
  });
});
