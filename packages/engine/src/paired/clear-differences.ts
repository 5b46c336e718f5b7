/**
 * Which differences between two runs are clear of noise. A comparison shows many metrics at once
 * (36 for the 2022 scenario), so a 95% interval per metric calls one or two of them "clear" by
 * chance alone in most comparisons of two runs that differ only in their seeds. The rule here holds
 * the chance that any metric of the comparison is called clear by noise alone to COMPARE_FALSE_ALARM
 * (Bonferroni, two-sided), as `clearDrivers` does for a band's drivers; and two runs with the same
 * assumptions (the same scenario and overrides) differ by noise alone, so nothing between them is clear.
 */
import { normalQuantile } from '../distributions.ts';

/** The chance, over all the metrics of one comparison together, that a difference of noise alone is called clear. */
export const COMPARE_FALSE_ALARM = 0.05;

/** The |difference| / SE a difference must exceed to be clear when `k` metrics are compared (1.96 for one, 3.2 for 36). */
export function clearThreshold(k: number): number {
  return normalQuantile(1 - COMPARE_FALSE_ALARM / (2 * Math.max(1, k)));
}

/**
 * Marks each difference clear when it exceeds the threshold for all of them together; `se` is its
 * standard error. With `sameAssumptions`, none is: the runs differ only in their random numbers.
 */
export function markClear<D extends { diff: number; se: number; clear: boolean }>(
  diffs: Record<string, D>,
  sameAssumptions = false,
): Record<string, D> {
  const z = clearThreshold(Object.keys(diffs).length);
  const out: Record<string, D> = {};
  for (const [name, d] of Object.entries(diffs)) out[name] = { ...d, clear: !sameAssumptions && Math.abs(d.diff) > z * d.se };
  return out;
}
