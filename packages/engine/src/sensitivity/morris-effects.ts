/** Morris statistics (μ*, μ, σ, a bootstrap interval for μ* over trajectories) from the outputs of a Morris design. */

import { DEFAULT_SEED } from '../run.ts';
import { designRng, type MorrisDesign } from '../sampling.ts';

/** Bootstrap resamples for Morris intervals when none are given. */
export const DEFAULT_RESAMPLES = 200;

/** One parameter's Morris statistics, in metric units per full parameter range. */
export interface MorrisStatistics {
  muStar: number;
  muStarCi95: [number, number];
  mu: number;
  sigma: number;
}

/** Percentile interval of bootstrap replicates. */
function percentileInterval(values: Float64Array, level = 0.95): [number, number] {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  const at = (q: number) => {
    const pos = q * (n - 1);
    const i = Math.floor(pos);
    const f = pos - i;
    return sorted[i]! * (1 - f) + sorted[Math.min(n - 1, i + 1)]! * f;
  };
  return [at((1 - level) / 2), at(1 - (1 - level) / 2)];
}

/** `effects[d][t]`: the elementary effect of parameter d on trajectory t (per unit of the scaled range). */
export function elementaryEffects(design: MorrisDesign, y: ArrayLike<number>): Float64Array[] {
  const trajectories = design.moves.length;
  const dims = design.moves[0]?.length ?? 0;
  const effects = Array.from({ length: dims }, () => new Float64Array(trajectories));
  design.moves.forEach((steps, t) => {
    steps.forEach(({ dim, delta }, k) => {
      const before = y[t * (dims + 1) + k]!;
      const after = y[t * (dims + 1) + k + 1]!;
      effects[dim]![t] = (after - before) / delta;
    });
  });
  return effects;
}

/** Morris statistics per parameter (design order) from the outputs of a `morrisDesign`; trajectories are independent, so a bootstrap over them is honest. */
export function morrisEffects(
  design: MorrisDesign,
  y: Float64Array,
  options: { resamples?: number; seed?: number } = {},
): MorrisStatistics[] {
  const trajectories = design.moves.length;
  const effects = elementaryEffects(design, y);
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const rng = designRng(options.seed ?? DEFAULT_SEED, 5);
  const picks = Array.from({ length: resamples }, () =>
    Array.from({ length: trajectories }, () => Math.floor(rng.uniform() * trajectories)),
  );
  return effects.map((e) => {
    let mu = 0;
    let muStar = 0;
    for (const x of e) {
      mu += x;
      muStar += Math.abs(x);
    }
    mu /= trajectories;
    muStar /= trajectories;
    let ss = 0;
    for (const x of e) ss += (x - mu) * (x - mu);
    const sigma = trajectories > 1 ? Math.sqrt(ss / (trajectories - 1)) : 0;
    const boot = Float64Array.from(picks, (pick) => pick.reduce((s, t) => s + Math.abs(e[t]!), 0) / trajectories);
    return { muStar, muStarCi95: percentileInterval(boot), mu, sigma };
  });
}
