/** Which interval a comparison with the baseline uses: paired when both runs share seed, trials and scenario, else independent. */
import type { RunResult } from '@georisk/engine';
import { type PairedSummary, summarizePaired } from '@georisk/engine/paired/accumulator';
import type { Difference } from '../chart-data.ts';

/** How a comparison's intervals were computed. */
export type CompareKind = 'paired' | 'independent';

/** The column heading's words for each kind. */
export const COMPARE_LABEL: Record<CompareKind, string> = {
  paired: 'paired (same seed)',
  independent: 'independent (different seeds)',
};

/**
 * Whether two runs are paired trial by trial (common random numbers): the same scenario, seed and
 * trials, so trial i of each drew from the same streams (seed, i, component).
 */
export function isPairable(current: RunResult, baseline: RunResult): boolean {
  return (
    current.seed === baseline.seed && current.trials === baseline.trials && current.receipt.scenarioHash === baseline.receipt.scenarioHash
  );
}

/** Each metric's paired difference (current − baseline) and its 95% interval; which are clear is `markClear`'s to say. */
export function pairedDifferences(summary: PairedSummary): Record<string, Difference> {
  const out: Record<string, Difference> = {};
  for (const [name, acc] of Object.entries(summary.metrics)) {
    const d = summarizePaired(acc);
    if (!d) continue;
    out[name] = { diff: d.mean, se: d.se, ci95: [d.ci95[0], d.ci95[1]], clear: false };
  }
  return out;
}

/** The two runs make the same assumptions (scenario and overrides): they differ by their random numbers alone. */
export function sameAssumptions(current: RunResult, baseline: RunResult): boolean {
  const a = Object.entries(current.overrides).sort(([x], [y]) => x.localeCompare(y));
  const b = Object.entries(baseline.overrides).sort(([x], [y]) => x.localeCompare(y));
  return current.receipt.scenarioHash === baseline.receipt.scenarioHash && JSON.stringify(a) === JSON.stringify(b);
}
