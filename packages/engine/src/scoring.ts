/**
 * Proper scoring rules for backtests: Brier and log scores for events, CRPS for counts, and the
 * base-rate baseline they are compared with. Every score here is a loss: lower is better.
 */

/** Brier score of a probability forecast `p` for an event that happened (1) or not (0): (p − o)². */
export function brierScore(p: number, outcome: 0 | 1): number {
  checkProbability(p);
  return (p - outcome) ** 2;
}

/** The default clipping of the log score: forecasts are read as lying in [0.001, 0.999]. */
export const LOG_SCORE_CLIP = 0.001;

/**
 * Log score (ignorance) in bits: −log₂ of the probability given to what happened. The forecast is
 * first clipped into [clip, 1 − clip], so a Monte Carlo estimate of 0 (no trial out of n) costs
 * log₂(1/clip) bits (about 10 by default) instead of infinity.
 */
export function logScore(p: number, outcome: 0 | 1, clip = LOG_SCORE_CLIP): number {
  checkProbability(p);
  if (!(clip > 0 && clip < 0.5)) throw new RangeError(`clip must be in (0, 0.5), got ${clip}`);
  const q = Math.min(1 - clip, Math.max(clip, p));
  return -Math.log2(outcome === 1 ? q : 1 - q);
}

/**
 * CRPS of a discrete forecast distribution, given as (value, weight) pairs (weights need not sum
 * to 1; `valueCounts` of a metric gives trial counts), against the observed value `y`:
 * ∫ (F(x) − 1{x ≥ y})² dx, exactly. It is in the units of the outcome; for a point mass at x it is
 * |x − y|.
 */
export function crps(distribution: readonly (readonly [number, number])[], y: number): number {
  if (!Number.isFinite(y)) throw new RangeError(`the observed value must be finite, got ${y}`);
  const pairs = distribution.filter(([, w]) => w > 0).map(([v, w]) => [v, w] as const);
  for (const [v, w] of pairs) {
    if (!Number.isFinite(v) || !Number.isFinite(w)) throw new RangeError('values and weights must be finite');
  }
  if (pairs.length === 0) throw new RangeError('the forecast distribution is empty');
  pairs.sort((a, b) => a[0] - b[0]);
  const total = pairs.reduce((s, [, w]) => s + w, 0);
  // Between consecutive breakpoints (forecast values and y) F and the step at y are constant;
  // before the first and after the last both are 0 or both 1, so those stretches add nothing.
  const breaks = [...new Set([...pairs.map(([v]) => v), y])].sort((a, b) => a - b);
  let score = 0;
  let cdf = 0;
  let i = 0;
  let pair = pairs[0];
  for (let j = 0; j < breaks.length - 1; j++) {
    const at = breaks[j]!;
    for (; pair !== undefined && pair[0] <= at; pair = pairs[++i]) cdf += pair[1] / total;
    const step = at >= y ? 1 : 0;
    score += (cdf - step) ** 2 * (breaks[j + 1]! - at);
  }
  return score;
}

/** CRPS of a sample (each value weight 1): the empirical distribution of the sample. */
export function crpsOfSample(sample: readonly number[], y: number): number {
  return crps(
    sample.map((v) => [v, 1] as const),
    y,
  );
}

/**
 * The base-rate forecast of an event from a reference class: k occurrences in n comparable cases,
 * smoothed with a Beta(a, b) prior (Jeffreys, a = b = 0.5, by default) so that 0 of n is not 0.
 */
export function baseRate(k: number, n: number, prior: readonly [number, number] = [0.5, 0.5]): number {
  if (!(Number.isInteger(k) && Number.isInteger(n) && k >= 0 && n >= k))
    throw new RangeError(`need whole numbers 0 <= k <= n, got ${k} of ${n}`);
  const [a, b] = prior;
  if (!(a > 0 && b > 0)) throw new RangeError('the prior needs positive a and b');
  return (k + a) / (n + a + b);
}

/** Skill of a score against a baseline's: 1 − score / baseline (1 is perfect, 0 no better, < 0 worse). */
export function skillScore(score: number, baseline: number): number {
  if (baseline === 0) return score === 0 ? 0 : Number.NEGATIVE_INFINITY;
  return 1 - score / baseline;
}

function checkProbability(p: number): void {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`a probability must be in [0, 1], got ${p}`);
}
