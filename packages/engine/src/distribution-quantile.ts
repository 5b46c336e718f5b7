/** Quantile functions (inverse CDFs) of the parameter distributions, to map design points in the unit cube onto priors. */
import * as dm from './det-math.ts';
import { normalQuantile } from './distributions.ts';
import type { Distribution } from './scenario-schema.ts';

/** Lanczos coefficients (g = 7, n = 9), accurate to about 1e-15 relative for x > 0. */
const LANCZOS = [
  0.9999999999998099, 676.5203681218851, -1259.1392167224028, 771.3234287776531, -176.6150291621406, 12.507343278686905,
  -0.13857109526572012, 9.984369578019572e-6, 1.5056327351493116e-7,
];
const HALF_LOG_TWO_PI = 0.9189385332046728;

/** log Γ(x) for x > 0. */
export function logGamma(x: number): number {
  if (x < 0.5) return dm.log(Math.PI / dm.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0] as number;
  for (let i = 1; i < LANCZOS.length; i++) sum += (LANCZOS[i] as number) / (z + i);
  const t = z + 7.5;
  return HALF_LOG_TWO_PI + (z + 0.5) * dm.log(t) - t + dm.log(sum);
}

const TINY = 1e-300;
const EPS = 1e-15;
const MAX_TERMS = 500;

/** The continued fraction of the incomplete beta function (modified Lentz). */
function betaFraction(x: number, a: number, b: number): number {
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  d = 1 / (Math.abs(d) < TINY ? TINY : d);
  let h = d;
  for (let m = 1; m <= MAX_TERMS; m++) {
    const m2 = 2 * m;
    for (const coef of [(m * (b - m) * x) / ((a + m2 - 1) * (a + m2)), (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1))]) {
      d = 1 + coef * d;
      d = 1 / (Math.abs(d) < TINY ? TINY : d);
      c = 1 + coef / c;
      if (Math.abs(c) < TINY) c = TINY;
      h *= d * c;
    }
    if (Math.abs(d * c - 1) < EPS) break;
  }
  return h;
}

/** The regularized incomplete beta function I_x(a, b): the CDF of beta(a, b) at x. */
export function betaCdf(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = dm.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * dm.log(x) + b * dm.log1p(-x));
  return x < (a + 1) / (a + b + 2) ? (front * betaFraction(x, a, b)) / a : 1 - (front * betaFraction(1 - x, b, a)) / b;
}

/** The regularized lower incomplete gamma function P(a, x): the CDF of gamma(a, 1) at x. */
export function gammaCdf(x: number, a: number): number {
  if (x <= 0) return 0;
  const front = dm.exp(a * dm.log(x) - x - logGamma(a));
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n <= MAX_TERMS && Math.abs(term) > Math.abs(sum) * EPS; n++) {
      term *= x / (a + n);
      sum += term;
    }
    return front * sum;
  }
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let n = 1; n <= MAX_TERMS; n++) {
    const an = -n * (n - a);
    b += 2;
    d = an * d + b;
    d = 1 / (Math.abs(d) < TINY ? TINY : d);
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    h *= d * c;
    if (Math.abs(d * c - 1) < EPS) break;
  }
  return 1 - front * h;
}

/** The x in [lo, hi] where an increasing `cdf` reaches p, by bisection to the last few ulps. */
function invert(cdf: (x: number) => number, p: number, lo: number, hi: number): number {
  let a = lo;
  let b = hi;
  for (let i = 0; i < 200 && b - a > 1e-15 * Math.max(1, Math.abs(a)); i++) {
    const mid = (a + b) / 2;
    if (cdf(mid) < p) a = mid;
    else b = mid;
  }
  return (a + b) / 2;
}

/** The p-quantile (0 < p < 1) of a distribution. */
export function distributionQuantile(d: Distribution, p: number): number {
  switch (d.dist) {
    case 'uniform':
      return d.min + (d.max - d.min) * p;
    case 'triangular': {
      const width = d.max - d.min;
      if (p * width < d.mode - d.min) return d.min + Math.sqrt(p * width * (d.mode - d.min));
      return d.max - Math.sqrt((1 - p) * width * (d.max - d.mode));
    }
    case 'normal':
      return d.mean + d.sd * normalQuantile(p);
    case 'lognormal':
      return dm.exp(d.mu + d.sigma * normalQuantile(p));
    case 'beta':
      return invert((x) => betaCdf(x, d.alpha, d.beta), p, 0, 1);
    case 'gamma': {
      let hi = Math.max(1, 2 * d.shape);
      while (gammaCdf(hi, d.shape) < p) hi *= 2;
      return d.scale * invert((x) => gammaCdf(x, d.shape), p, 0, hi);
    }
  }
}
