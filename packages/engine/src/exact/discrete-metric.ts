/** Summary statistics of a discrete distribution of metric values, and probabilities kept inside [0, 1]. */

import { defined } from '../defined.ts';
import { QUANTILES, type QuantileName } from '../summarize.ts';
import type { ExactMetric } from './exact-result.ts';

/** Sums of many probabilities can stray from [0, 1] by rounding; a probability is reported inside it. */
export function clampProbability(p: number): number {
  return Math.min(1, Math.max(0, p));
}

/** Summary statistics of a discrete distribution. */
export function discreteMetric(values: number[], probabilities: number[]): ExactMetric {
  const merged = new Map<number, number>();
  values.forEach((x, i) => merged.set(x, (merged.get(x) ?? 0) + defined(probabilities[i], 'a probability for each value')));
  const pairs = [...merged].sort((a, b) => a[0] - b[0]);
  let mean = 0;
  let second = 0;
  for (const [x, p] of pairs) {
    mean += p * x;
    second += p * x * x;
  }
  const quantiles = {} as Record<QuantileName, number>;
  for (const [name, q] of Object.entries(QUANTILES) as [QuantileName, number][]) {
    let cumulative = 0;
    let value = pairs[pairs.length - 1]?.[0] ?? Number.NaN;
    for (const [x, p] of pairs) {
      cumulative += p;
      if (cumulative >= q - 1e-12) {
        value = x;
        break;
      }
    }
    quantiles[name] = value;
  }
  const out: ExactMetric = {
    mean,
    exactness: 'distribution',
    sd: Math.sqrt(Math.max(0, second - mean * mean)),
    quantiles,
    distribution: { values: pairs.map(([x]) => x), probabilities: pairs.map(([, p]) => p) },
  };
  if (pairs.every(([x]) => x === 0 || x === 1)) out.probability = clampProbability(merged.get(1) ?? 0);
  return out;
}
