/** The inverse CDF of every uncertainty distribution a parameter can declare (tornado percentiles, Sobol' sampling from priors). */

import * as dm from '../det-math.ts';
import { normalQuantile } from '../distributions.ts';
import type { Distribution } from '../scenario-schema.ts';
import { invertCdf, regularizedBeta, regularizedGammaP } from './special-functions.ts';

/** The p-quantile (0 < p < 1) of an uncertainty distribution. */
export function distributionQuantile(d: Distribution, p: number): number {
  switch (d.dist) {
    case 'uniform':
      return d.min + (d.max - d.min) * p;
    case 'triangular': {
      const { min, mode, max } = d;
      const f = (mode - min) / (max - min);
      return p < f ? min + Math.sqrt(p * (max - min) * (mode - min)) : max - Math.sqrt((1 - p) * (max - min) * (max - mode));
    }
    case 'normal':
      return d.mean + d.sd * normalQuantile(p);
    case 'lognormal':
      return dm.exp(d.mu + d.sigma * normalQuantile(p));
    case 'beta':
      return invertCdf((x) => regularizedBeta(x, d.alpha, d.beta), p, 0, 1);
    case 'gamma': {
      // Bracket the quantile: the mean plus enough standard deviations holds any p below 1 − 1e-16.
      const hi = d.shape + 40 * Math.sqrt(d.shape) + 40;
      return d.scale * invertCdf((x) => regularizedGammaP(d.shape, x), p, 0, hi);
    }
  }
}
