/** Scores of held-out forecasts (Brier, log, interval-aware CRPS), skill against a baseline with a bootstrap interval, and reliability bins. */

import { TrialStream } from '../rng.ts';
import { brierScore, crps, LOG_SCORE_CLIP, logScore } from '../scoring.ts';

/**
 * CRPS of a distribution on days against an outcome known only as a range: the best (lowest)
 * CRPS over the whole days in [low, high], so a forecast is not punished for a figure the sources
 * cannot settle. Values above `cap` count as `cap` (the horizon's "more than" bin).
 */
export function intervalCrps(distribution: readonly (readonly [number, number])[], low: number, high: number, cap: number): number {
  const lo = Math.min(low, cap);
  const hi = Math.min(high, cap);
  let best = Number.POSITIVE_INFINITY;
  for (let y = Math.ceil(lo); y <= Math.floor(hi); y++) best = Math.min(best, crps(distribution, y));
  return Number.isFinite(best) ? best : crps(distribution, lo);
}

/** Brier and log (bits) of an event forecast, the log score clipped to [clip, 1 − clip]. */
export function eventScores(p: number, outcome: boolean): { brier: number; log: number } {
  const o = outcome ? 1 : 0;
  return { brier: brierScore(p, o), log: logScore(p, o, LOG_SCORE_CLIP) };
}

/** A skill with its bootstrap interval over episodes. */
export interface Skill {
  score: number;
  baseline: number;
  skill: number;
  ci95: [number, number];
  /**
   * `positive` when the whole interval is above 0; `not clearly positive` when only the point is;
   * `negative` when the whole interval is below 0 (worse than the baseline, which an inconclusive
   * "not positive" did not say); `not positive` otherwise.
   */
  verdict: 'positive' | 'not clearly positive' | 'not positive' | 'negative';
}

const mean = (v: readonly number[]) => v.reduce((s, x) => s + x, 0) / v.length;

/**
 * Skill 1 − mean(score) / mean(baseline) over paired per-episode scores, with a percentile
 * bootstrap interval (episodes resampled with replacement, seeded).
 */
export function bootstrapSkill(scores: readonly number[], baselines: readonly number[], resamples: number, seed: number): Skill {
  const score = mean(scores);
  const baseline = mean(baselines);
  const skill = 1 - score / baseline;
  const rng = new TrialStream(seed);
  const n = scores.length;
  const skills: number[] = [];
  for (let b = 0; b < resamples; b++) {
    let s = 0;
    let base = 0;
    for (let i = 0; i < n; i++) {
      const j = Math.floor(rng.uniform() * n);
      s += scores[j] ?? 0;
      base += baselines[j] ?? 0;
    }
    if (base > 0) skills.push(1 - s / base);
  }
  skills.sort((a, b) => a - b);
  const q = (p: number) => skills[Math.min(skills.length - 1, Math.max(0, Math.floor(p * skills.length)))] ?? Number.NaN;
  const ci95: [number, number] = [q(0.025), q(0.975)];
  const verdict = ci95[0] > 0 ? 'positive' : skill > 0 ? 'not clearly positive' : ci95[1] < 0 ? 'negative' : 'not positive';
  return { score, baseline, skill, ci95, verdict };
}

/** One bin of a reliability diagram: forecasts in [from, to), how many, their mean, and how often the event happened. */
export interface ReliabilityBin {
  from: number;
  to: number;
  n: number;
  meanForecast: number;
  observed: number;
}

/** Reliability diagram in `bins` equal bins of forecast probability, and sharpness (the sd of the forecasts). */
export function reliability(p: readonly number[], outcomes: readonly boolean[], bins = 5): { bins: ReliabilityBin[]; sharpness: number } {
  const out: ReliabilityBin[] = [];
  for (let b = 0; b < bins; b++) {
    const from = b / bins;
    const to = (b + 1) / bins;
    const idx = p.map((_, i) => i).filter((i) => (p[i]! >= from && p[i]! < to) || (b === bins - 1 && p[i] === 1));
    const meanForecast = idx.length === 0 ? Number.NaN : mean(idx.map((i) => p[i]!));
    const observed = idx.length === 0 ? Number.NaN : idx.filter((i) => outcomes[i]).length / idx.length;
    out.push({ from, to, n: idx.length, meanForecast, observed });
  }
  const m = mean(p);
  return { bins: out, sharpness: Math.sqrt(mean(p.map((x) => (x - m) ** 2))) };
}
