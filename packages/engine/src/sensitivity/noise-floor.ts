/**
 * The noise floor of a sensitivity design run by Monte Carlo: how large a swing, an elementary
 * effect or a total-order index sampling error alone would produce, from each point's standard
 * error. Points' errors are treated as independent, which overstates the floor when the points
 * share random numbers (so "within noise" is a cautious verdict, never a false all-clear).
 */

import type { MorrisDesign } from '../sampling.ts';

/** The two-sided 95% normal quantile. */
const Z95 = 1.959963984540054;

/** A tornado bar's 95% half-width from the standard errors at its two ends. */
export function swingHalfWidth(seLow: number, seHigh: number): number {
  return Z95 * Math.sqrt(seLow * seLow + seHigh * seHigh);
}

/** Per parameter: the μ* that pure noise would give (E|N(0, s)| of an effect, plus the 95% sampling error of its mean). */
export function morrisNoiseFloors(design: MorrisDesign, se: ArrayLike<number>): number[] {
  const trajectories = design.moves.length;
  return elementaryEffectSds(design, se).map((s) => {
    const rms = Math.sqrt(s.reduce((a, x) => a + x * x, 0) / trajectories);
    return Math.sqrt(2 / Math.PI) * rms + (Z95 * rms) / Math.sqrt(trajectories);
  });
}

/** `sd[d][t]`: the noise sd of parameter d's elementary effect on trajectory t, (ε_after − ε_before) / Δ. */
function elementaryEffectSds(design: MorrisDesign, se: ArrayLike<number>): number[][] {
  const dims = design.moves[0]?.length ?? 0;
  const out = Array.from({ length: dims }, () => [] as number[]);
  design.moves.forEach((steps, t) => {
    steps.forEach(({ dim, delta }, k) => {
      const before = se[t * (dims + 1) + k]!;
      const after = se[t * (dims + 1) + k + 1]!;
      out[dim]!.push(Math.sqrt(before * before + after * after) / Math.abs(delta));
    });
  });
  return out;
}

/** The total-order index sampling error alone would give: the points' mean squared standard error over the output variance. */
export function sobolNoiseFloor(se: ArrayLike<number>, variance: number): number {
  if (!(variance > 0) || se.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < se.length; i++) sum += se[i]! * se[i]!;
  return sum / se.length / variance;
}
