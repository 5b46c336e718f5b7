/** Picks the parameters a Morris screen found most influential, for a Sobol' analysis that cannot hold them all. */

import type { SensitivityResult } from '../sensitivity.ts';

/**
 * Up to `most` parameters ranked by their largest μ* relative to the metric's largest μ*, over
 * every analysed metric; a parameter within noise (or with no effect) on every metric is left out.
 */
export function screeningLeaders(screen: SensitivityResult, most: number): string[] {
  const score = new Map<string, number>();
  for (const m of screen.metrics) {
    const effects = m.morris ?? [];
    const top = Math.max(0, ...effects.map((e) => e.muStar));
    if (!(top > 0)) continue;
    for (const e of effects) {
      if (e.withinNoise || !(e.muStar > 0)) continue;
      score.set(e.param, Math.max(score.get(e.param) ?? 0, e.muStar / top));
    }
  }
  return [...score.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, most)
    .map(([name]) => name);
}
