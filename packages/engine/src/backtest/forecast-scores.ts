/** One forecast scored against what happened: an event's probability (Brier, log), a count's distribution (CRPS, PIT). */
import { brierScore, crps, logScore } from '../scoring.ts';
import type { Question } from './episode-schema.ts';

/** One question's forecast from one run (or the baseline), in the question's units. */
export interface ForecastOut {
  /** Event: the probability of the event. */
  p?: number;
  /** Count: median and 90% interval, and where the observation fell (mid-PIT: P(X < y) + P(X = y)/2). */
  median?: number;
  p5?: number;
  p95?: number;
  pit?: number;
  brier?: number;
  log?: number;
  crps?: number;
}

/** The q-quantile of sorted (value, count) pairs: the smallest value with at least q of the weight at or below it. */
export function pairQuantile(pairs: readonly (readonly [number, number])[], q: number): number {
  const total = pairs.reduce((s, [, c]) => s + c, 0);
  const need = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (const [v, c] of pairs) {
    seen += c;
    if (seen >= need) return v;
  }
  return pairs[pairs.length - 1]?.[0] ?? Number.NaN;
}

/** A count on the question's scale: `log1p` scores log(1 + x), so a miss by a factor counts alike at 10 and 1,000. */
export function onScale(scale: Question['scale'], x: number): number {
  return scale === 'log1p' ? Math.log1p(Math.max(0, x)) : x;
}

/** An event forecast `p` scored against the outcome `y`, with log scores clipped to [clip, 1 − clip]. */
export function scoreEvent(p: number, y: 0 | 1, clip: number): ForecastOut {
  return { p, brier: brierScore(p, y), log: logScore(p, y, clip) };
}

/** A count forecast, as sorted (value, count) pairs, scored against the observed `y`. */
export function scoreCount(pairs: [number, number][], y: number, scale: Question['scale']): ForecastOut {
  const total = pairs.reduce((s, [, c]) => s + c, 0);
  let below = 0;
  let equal = 0;
  for (const [v, c] of pairs) {
    if (v < y) below += c;
    else if (v === y) equal += c;
  }
  return {
    median: pairQuantile(pairs, 0.5),
    p5: pairQuantile(pairs, 0.05),
    p95: pairQuantile(pairs, 0.95),
    pit: (below + equal / 2) / total,
    crps: crps(
      pairs.map(([v, c]) => [onScale(scale, v), c] as [number, number]),
      onScale(scale, y),
    ),
  };
}
