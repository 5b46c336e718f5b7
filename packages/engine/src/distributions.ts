/**
 * Random variate samplers for the Monte Carlo inner loop, the table of samplers that scenario
 * expressions may call, and their analytic moments.
 *
 * Every sampler is a pure function of the uniforms it takes from `rng`: nothing is cached between
 * calls, so a trial's draws depend only on its own stream. The individual samplers trust their
 * parameters (invalid ones may give garbage, but NaN rather than an endless loop); `sample(name,
 * rng, args)` returns NaN for any parameters that `SAMPLERS[name].check` rejects.
 */

import * as dm from './det-math.ts';
import type { Rng } from './rng.ts';

const TWO_PI = 2 * Math.PI;

/** Below this mean Poisson draws use inversion; from it on, PTRS (valid for means >= 10). */
const PTRS_MIN_MEAN = 10;

/** A uniform draw between lo and hi. */
export function uniform(rng: Rng, lo: number, hi: number): number {
  return lo + (hi - lo) * rng.uniform();
}

/** 1 with probability p, else 0. */
export function bernoulli(rng: Rng, p: number): number {
  return rng.uniform() < p ? 1 : 0;
}

/** An exponential draw with the given rate (mean 1/rate). */
export function exponential(rng: Rng, rate: number): number {
  return -dm.log(rng.uniform()) / rate;
}

/** The number of failures before the first success when each trial succeeds with probability p. */
export function geometric(rng: Rng, p: number): number {
  if (p < 0) return Number.NaN;
  // P(floor(log U / log(1-p)) >= k) = P(U <= (1-p)^k); p = 1 gives 0 and p = 0 gives Infinity.
  return Math.floor(dm.log(rng.uniform()) / dm.log1p(-p));
}

/** A draw from the triangular distribution on [lo, hi] with the given mode, by inverting its CDF. */
export function triangular(rng: Rng, lo: number, mode: number, hi: number): number {
  const u = rng.uniform();
  const width = hi - lo;
  if (u * width < mode - lo) return lo + Math.sqrt(u * width * (mode - lo));
  return hi - Math.sqrt((1 - u) * width * (hi - mode));
}

/**
 * The standard normal quantile function (Wichura's AS 241, relative accuracy about 1e-16); the
 * coefficients are the published ones rounded to the nearest double.
 */
export function normalQuantile(p: number): number {
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    const numerator =
      ((((((2509.0809287301227 * r + 33430.57558358813) * r + 67265.7709270087) * r + 45921.95393154987) * r + 13731.69376550946) * r +
        1971.5909503065513) *
        r +
        133.14166789178438) *
        r +
      3.3871328727963665;
    const denominator =
      ((((((5226.495278852854 * r + 28729.085735721943) * r + 39307.89580009271) * r + 21213.794301586597) * r + 5394.196021424751) * r +
        687.1870074920579) *
        r +
        42.31333070160091) *
        r +
      1;
    return (q * numerator) / denominator;
  }
  // For p >= 0.5, 1 - p is exact (Sterbenz), so the upper tail keeps full precision.
  let r = q < 0 ? p : 1 - p;
  if (!(r > 0)) return r === 0 ? (q < 0 ? -Infinity : Infinity) : Number.NaN;
  r = Math.sqrt(-dm.log(r));
  let z: number;
  if (r <= 5) {
    r -= 1.6;
    const numerator =
      ((((((7.745450142783414e-4 * r + 0.022723844989269184) * r + 0.2417807251774506) * r + 1.2704582524523684) * r + 3.6478483247632045) *
        r +
        5.769497221460691) *
        r +
        4.630337846156546) *
        r +
      1.4234371107496835;
    const denominator =
      ((((((1.0507500716444169e-9 * r + 5.475938084995345e-4) * r + 0.015198666563616457) * r + 0.14810397642748008) * r +
        0.6897673349851) *
        r +
        1.6763848301838038) *
        r +
        2.053191626637759) *
        r +
      1;
    z = numerator / denominator;
  } else {
    r -= 5;
    const numerator =
      ((((((2.0103343992922881e-7 * r + 2.7115555687434876e-5) * r + 0.0012426609473880784) * r + 0.026532189526576124) * r +
        0.29656057182850487) *
        r +
        1.7848265399172913) *
        r +
        5.463784911164114) *
        r +
      6.657904643501103;
    const denominator =
      ((((((2.0442631033899397e-15 * r + 1.421511758316446e-7) * r + 1.8463183175100548e-5) * r + 7.868691311456133e-4) * r +
        0.014875361290850615) *
        r +
        0.1369298809227358) *
        r +
        0.599832206555888) *
        r +
      1;
    z = numerator / denominator;
  }
  return q < 0 ? -z : z;
}

/**
 * A normal draw with the given mean and standard deviation, by inverting the CDF of exactly one
 * uniform (so each call consumes one uniform and carries nothing over to the next).
 */
export function normal(rng: Rng, mean: number, sd: number): number {
  return mean + sd * normalQuantile(rng.uniform());
}

/** A lognormal draw: exp of a normal draw with log-scale mean mu and log-scale sd sigma. */
export function lognormal(rng: Rng, mu: number, sigma: number): number {
  return dm.exp(normal(rng, mu, sigma));
}

/** A standard gamma draw for shape >= 1 (Marsaglia and Tsang, 2000). */
function marsagliaTsang(rng: Rng, shape: number): number {
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normalQuantile(rng.uniform());
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.uniform();
    const xx = x * x;
    if (u < 1 - 0.0331 * xx * xx) return d * v;
    if (dm.log(u) < 0.5 * xx + d * (1 - v + dm.log(v))) return d * v;
  }
}

/** A standard (scale 1) gamma draw for any shape > 0. */
function standardGamma(rng: Rng, shape: number): number {
  if (shape >= 1) return marsagliaTsang(rng, shape);
  // Also catches NaN and non-positive shapes, for which Marsaglia–Tsang would never return.
  if (!(shape > 0)) return Number.NaN;
  return marsagliaTsang(rng, shape + 1) * dm.pow(rng.uniform(), 1 / shape);
}

/** The log of a standard gamma draw, kept in log space for small shapes where the draw underflows. */
function logStandardGamma(rng: Rng, shape: number): number {
  if (shape >= 1) return dm.log(marsagliaTsang(rng, shape));
  if (!(shape > 0)) return Number.NaN;
  return dm.log(marsagliaTsang(rng, shape + 1)) + dm.log(rng.uniform()) / shape;
}

/** A gamma draw with the given shape and scale (mean shape*scale), by Marsaglia–Tsang. */
export function gamma(rng: Rng, shape: number, scale: number): number {
  return standardGamma(rng, shape) * scale;
}

/** A beta(a, b) draw as X / (X + Y) for independent gammas X ~ gamma(a), Y ~ gamma(b). */
export function beta(rng: Rng, a: number, b: number): number {
  if (a >= 1 && b >= 1) {
    const x = marsagliaTsang(rng, a);
    return x / (x + marsagliaTsang(rng, b));
  }
  // With a shape below 1 both gammas can underflow to 0; their ratio in log space cannot.
  const logX = logStandardGamma(rng, a);
  return 1 / (1 + dm.exp(logStandardGamma(rng, b) - logX));
}

/** Stirling's series error log(n!) - (n + 1/2) log n + n - log(2 pi)/2, for n >= 16. */
function stirlingError(n: number): number {
  const inverse = 1 / n;
  const inverse2 = inverse * inverse;
  return (1 / 12 - (1 / 360 - (1 / 1260 - (1 / 1680 - inverse2 / 1188) * inverse2) * inverse2) * inverse2) * inverse;
}

/** x log(x / mean) + mean - x; a series near x = mean, where the direct form cancels (Loader, 2000). */
function poissonDeviance(x: number, mean: number): number {
  const diff = x - mean;
  if (Math.abs(diff) < 0.1 * (x + mean)) {
    let v = diff / (x + mean);
    let sum = diff * v;
    let term = 2 * x * v;
    v *= v;
    for (let j = 3; ; j += 2) {
      term *= v;
      const next = sum + term / j;
      if (next === sum) return sum;
      sum = next;
    }
  }
  return x * dm.log(x / mean) + mean - x;
}

/**
 * log P(K = k) for K ~ Poisson(mean), accurate to about 1e-15 absolute even at mean 1e12, where
 * the textbook k log(mean) - mean - log k! loses everything to cancellation.
 */
function logPoissonPmf(k: number, mean: number): number {
  if (k < 16) {
    let factorial = 1;
    for (let j = 2; j <= k; j++) factorial *= j;
    return k * dm.log(mean) - mean - dm.log(factorial);
  }
  return -stirlingError(k) - poissonDeviance(k, mean) - 0.5 * dm.log(TWO_PI * k);
}

/** log P(K = k) for K ~ Poisson(mean); -Infinity for k outside the support. */
export function poissonLogPmf(k: number, mean: number): number {
  if (!Number.isInteger(k) || k < 0) return -Infinity;
  if (mean === 0) return k === 0 ? 0 : -Infinity;
  return logPoissonPmf(k, mean);
}

/** Poisson draw for 0 < mean < 10 by inversion: a sequential search of the CDF with one uniform. */
function poissonBySearch(rng: Rng, mean: number): number {
  const p0 = dm.exp(-mean);
  for (;;) {
    const u = rng.uniform();
    let k = 0;
    let pmf = p0;
    let cdf = p0;
    // The summed CDF may stop a few ulps short of 1; a u above it (p < 1e-15) is drawn again.
    while (u > cdf && k < 100) {
      k++;
      pmf *= mean / k;
      cdf += pmf;
    }
    if (u <= cdf) return k;
  }
}

/**
 * Poisson draw for mean >= 10 by Hörmann's PTRS transformed rejection (1993), which is exact: the
 * final acceptance test compares against the true log pmf.
 */
function poissonPtrs(rng: Rng, mean: number): number {
  const b = 0.931 + 2.53 * Math.sqrt(mean);
  const a = -0.059 + 0.02483 * b;
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = rng.uniform() - 0.5;
    const v = rng.uniform();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (ptrsAccepts(k, mean, a, b, us, v)) return k;
  }
}

/**
 * PTRS's exact acceptance test, for the draws its squeeze leaves undecided (about one in ten): a
 * function of its own, so that the logarithms of its constant are taken only then.
 */
function ptrsAccepts(k: number, mean: number, a: number, b: number, us: number, v: number): boolean {
  const logInverseAlpha = dm.log(1.1239 + 1.1328 / (b - 3.4));
  return dm.log(v) + logInverseAlpha - dm.log(a / (us * us) + b) <= logPoissonPmf(k, mean);
}

/** A Poisson draw with the given mean (0 gives 0), exact at every mean up to about 2^52. */
export function poisson(rng: Rng, mean: number): number {
  if (mean >= PTRS_MIN_MEAN) return mean < Infinity ? poissonPtrs(rng, mean) : Number.NaN;
  if (mean > 0) return poissonBySearch(rng, mean);
  return mean === 0 ? 0 : Number.NaN;
}

/**
 * A negative binomial draw with the given mean and size (variance mean + mean^2/size), as the
 * gamma–Poisson mixture poisson(gamma(size, mean/size)).
 */
export function negbin(rng: Rng, mean: number, size: number): number {
  if (mean === 0) return 0;
  return poisson(rng, gamma(rng, size, mean / size));
}

/** Names of the samplers that scenario expressions may call. */
export type SamplerName = 'poisson' | 'negbin' | 'lognormal' | 'normal' | 'uniform' | 'bernoulli' | 'beta' | 'gamma' | 'triangular';

/** What scenario validation and documentation need to know about one sampler. */
export interface SamplerSpec {
  /** Number of parameters. */
  readonly arity: number;
  /** Parameter names, in call order. */
  readonly params: readonly string[];
  /** One-line description. */
  readonly summary: string;
  /** A human-readable message if `args` are not valid parameters, else undefined. */
  readonly check: (args: readonly number[]) => string | undefined;
}

type ParamRule = 'finite' | 'nonnegative' | 'positive' | 'probability';

const RULE_REQUIREMENT: Readonly<Record<ParamRule, string>> = {
  finite: 'must be finite',
  nonnegative: 'must be finite and >= 0',
  positive: 'must be finite and > 0',
  probability: 'must be in [0, 1]',
};

function obeys(rule: ParamRule, value: number): boolean {
  if (typeof value !== 'number' || !Number.isFinite(value)) return false;
  switch (rule) {
    case 'finite':
      return true;
    case 'nonnegative':
      return value >= 0;
    case 'positive':
      return value > 0;
    case 'probability':
      return value >= 0 && value <= 1;
  }
}

function samplerSpec(
  name: SamplerName,
  rules: readonly (readonly [param: string, rule: ParamRule])[],
  summary: string,
  checkTogether?: (args: readonly number[]) => string | undefined,
): SamplerSpec {
  const params = Object.freeze(rules.map(([param]) => param));
  const arity = params.length;
  const check = (args: readonly number[]): string | undefined => {
    if (args.length !== arity) {
      const noun = arity === 1 ? 'parameter' : 'parameters';
      return `${name} takes ${arity} ${noun} (${params.join(', ')}), got ${args.length}`;
    }
    for (const [i, [param, rule]] of rules.entries()) {
      const value = args[i]!; // args.length === arity, checked above
      if (!obeys(rule, value)) return `${name} ${param} ${RULE_REQUIREMENT[rule]}, got ${String(value)}`;
    }
    return checkTogether?.(args);
  };
  return Object.freeze({ arity, params, summary, check });
}

/** The samplers available to scenario expressions, with their parameters and validity checks. */
export const SAMPLERS: Readonly<Record<SamplerName, SamplerSpec>> = Object.freeze({
  poisson: samplerSpec('poisson', [['mean', 'nonnegative']], 'Poisson count with the given mean'),
  negbin: samplerSpec(
    'negbin',
    [
      ['mean', 'nonnegative'],
      ['size', 'positive'],
    ],
    'Negative binomial count with the given mean and size (variance mean + mean^2/size)',
  ),
  lognormal: samplerSpec(
    'lognormal',
    [
      ['mu', 'finite'],
      ['sigma', 'nonnegative'],
    ],
    'exp(normal(mu, sigma)): mu and sigma are the mean and sd of the logarithm',
  ),
  normal: samplerSpec(
    'normal',
    [
      ['mean', 'finite'],
      ['sd', 'nonnegative'],
    ],
    'Normal with the given mean and standard deviation',
  ),
  uniform: samplerSpec(
    'uniform',
    [
      ['lo', 'finite'],
      ['hi', 'finite'],
    ],
    'Uniform between lo and hi',
    ([lo = 0, hi = 0]) => (lo <= hi ? undefined : `uniform needs lo <= hi, got lo=${lo}, hi=${hi}`),
  ),
  bernoulli: samplerSpec('bernoulli', [['p', 'probability']], '1 with probability p, else 0'),
  beta: samplerSpec(
    'beta',
    [
      ['a', 'positive'],
      ['b', 'positive'],
    ],
    'Beta on [0, 1] with shapes a and b (mean a/(a+b))',
  ),
  gamma: samplerSpec(
    'gamma',
    [
      ['shape', 'positive'],
      ['scale', 'positive'],
    ],
    'Gamma with the given shape and scale (mean shape*scale)',
  ),
  triangular: samplerSpec(
    'triangular',
    [
      ['lo', 'finite'],
      ['mode', 'finite'],
      ['hi', 'finite'],
    ],
    'Triangular on [lo, hi] peaking at mode',
    ([lo = 0, mode = 0, hi = 0]) =>
      lo <= mode && mode <= hi && lo < hi
        ? undefined
        : `triangular needs lo <= mode <= hi and lo < hi, got lo=${lo}, mode=${mode}, hi=${hi}`,
  ),
});

function isFiniteNumber(x: number): boolean {
  return x - x === 0;
}

/** A sampler's draw: a number, or NaN when `args` are invalid (see `sample`). */
export type SamplerDraw = (rng: Rng, args: readonly number[]) => number;

/**
 * Each sampler's draw with its validity check, one function a name, so that a caller drawing often
 * from one sampler looks its draw up once (`samplerDraw`) instead of switching on the name at every
 * draw.
 */
const DRAWS: Readonly<Record<SamplerName, SamplerDraw>> = Object.freeze({
  poisson: (rng: Rng, args: readonly number[]) => {
    const a = args[0] ?? Number.NaN;
    return args.length === 1 && a >= 0 && a < Infinity ? poisson(rng, a) : Number.NaN;
  },
  negbin: (rng: Rng, args: readonly number[]) => {
    const a = args[0] ?? Number.NaN;
    const b = args[1] ?? Number.NaN;
    return args.length === 2 && a >= 0 && a < Infinity && b > 0 && b < Infinity ? negbin(rng, a, b) : Number.NaN;
  },
  lognormal: (rng: Rng, args: readonly number[]) => {
    const a = args[0] ?? Number.NaN;
    const b = args[1] ?? Number.NaN;
    return args.length === 2 && isFiniteNumber(a) && b >= 0 && b < Infinity ? lognormal(rng, a, b) : Number.NaN;
  },
  normal: (rng: Rng, args: readonly number[]) => {
    const a = args[0] ?? Number.NaN;
    const b = args[1] ?? Number.NaN;
    return args.length === 2 && isFiniteNumber(a) && b >= 0 && b < Infinity ? normal(rng, a, b) : Number.NaN;
  },
  uniform: (rng: Rng, args: readonly number[]) => {
    const a = args[0] ?? Number.NaN;
    const b = args[1] ?? Number.NaN;
    return args.length === 2 && isFiniteNumber(a) && isFiniteNumber(b) && a <= b ? uniform(rng, a, b) : Number.NaN;
  },
  bernoulli: (rng: Rng, args: readonly number[]) => {
    const a = args[0] ?? Number.NaN;
    return args.length === 1 && a >= 0 && a <= 1 ? bernoulli(rng, a) : Number.NaN;
  },
  beta: (rng: Rng, args: readonly number[]) => {
    const a = args[0] ?? Number.NaN;
    const b = args[1] ?? Number.NaN;
    return args.length === 2 && a > 0 && a < Infinity && b > 0 && b < Infinity ? beta(rng, a, b) : Number.NaN;
  },
  gamma: (rng: Rng, args: readonly number[]) => {
    const a = args[0] ?? Number.NaN;
    const b = args[1] ?? Number.NaN;
    return args.length === 2 && a > 0 && a < Infinity && b > 0 && b < Infinity ? gamma(rng, a, b) : Number.NaN;
  },
  triangular: (rng: Rng, args: readonly number[]) => {
    const a = args[0] ?? Number.NaN;
    const b = args[1] ?? Number.NaN;
    const c = args[2] ?? Number.NaN;
    const ordered = isFiniteNumber(a) && isFiniteNumber(c) && a <= b && b <= c && a < c;
    return args.length === 3 && ordered ? triangular(rng, a, b, c) : Number.NaN;
  },
});

/** Sampler `name`'s draw, looked up once by a caller that draws from it often. */
export function samplerDraw(name: SamplerName): SamplerDraw {
  return DRAWS[name];
}

/**
 * A draw from sampler `name` with parameters `args`, or NaN when they are invalid (then
 * `SAMPLERS[name].check(args)` says why), so callers need not check before every draw.
 */
export function sample(name: SamplerName, rng: Rng, args: readonly number[]): number {
  return DRAWS[name](rng, args);
}

/** The analytic mean of sampler `name` with (valid) parameters `args`. */
export function samplerMean(name: SamplerName, args: readonly number[]): number {
  const [a = Number.NaN, b = Number.NaN, c = Number.NaN] = args;
  switch (name) {
    case 'poisson':
    case 'negbin':
    case 'normal':
      return a;
    case 'lognormal':
      return dm.exp(a + (b * b) / 2);
    case 'uniform':
      return (a + b) / 2;
    case 'bernoulli':
      return a;
    case 'beta':
      return a / (a + b);
    case 'gamma':
      return a * b;
    case 'triangular':
      return (a + b + c) / 3;
  }
}

/** The analytic variance of sampler `name` with (valid) parameters `args`. */
export function samplerVariance(name: SamplerName, args: readonly number[]): number {
  const [a = Number.NaN, b = Number.NaN, c = Number.NaN] = args;
  switch (name) {
    case 'poisson':
      return a;
    case 'negbin':
      return a + (a * a) / b;
    case 'lognormal':
      return dm.expm1(b * b) * dm.exp(2 * a + b * b);
    case 'normal':
      return b * b;
    case 'uniform':
      return ((b - a) * (b - a)) / 12;
    case 'bernoulli':
      return a * (1 - a);
    case 'beta':
      return (a * b) / ((a + b) * (a + b) * (a + b + 1));
    case 'gamma':
      return a * b * b;
    case 'triangular':
      return (a * a + b * b + c * c - a * b - a * c - b * c) / 18;
  }
}

/** A sampler together with its parameters. */
export interface SamplerCall {
  readonly name: SamplerName;
  readonly args: readonly number[];
}

/**
 * The distribution of the sum of `count` iid draws of `name(args)` when it is the same family
 * again (poisson, negbin, gamma, normal); undefined otherwise or when count is not a positive integer.
 */
export function sumOfIid(name: SamplerName, args: readonly number[], count: number): SamplerCall | undefined {
  const out = name === 'poisson' ? [0] : [0, 0];
  return sumOfIidInto(name, args, count, out) ? { name, args: out } : undefined;
}

/**
 * `sumOfIid` without allocating: writes the summed family's arguments into `out` (one for poisson,
 * two otherwise) and says whether the sum has that closed form.
 */
export function sumOfIidInto(name: SamplerName, args: readonly number[], count: number, out: number[]): boolean {
  if (!Number.isInteger(count) || count < 1) return false;
  const a = args[0] ?? Number.NaN;
  const b = args[1] ?? Number.NaN;
  switch (name) {
    case 'poisson':
      out[0] = count * a;
      return true;
    case 'negbin':
      out[0] = count * a;
      out[1] = count * b;
      return true;
    case 'gamma':
      out[0] = count * a;
      out[1] = b;
      return true;
    case 'normal':
      out[0] = count * a;
      out[1] = Math.sqrt(count) * b;
      return true;
    default:
      return false;
  }
}
