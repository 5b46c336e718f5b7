/** Mergeable running totals of per-trial differences between two runs over the same trials, and their summary. */
import { expansionAdd, expansionValue, Z95 } from '../summarize.ts';

/** One metric's per-trial differences (current − baseline): exact sums, so any chunking gives the same bits. */
export interface PairedAccumulator {
  n: number;
  sum: number[];
  sumSq: number[];
  /** Trials where either run's value was NaN or infinite (left out). */
  invalid: number;
}

/** Per-trial differences of every metric both runs have, for some trials. */
export interface PairedSummary {
  trials: number;
  /** By metric name. */
  metrics: Record<string, PairedAccumulator>;
}

/** A paired difference's estimate: the mean difference, its standard error and 95% interval. */
export interface PairedDifference {
  n: number;
  mean: number;
  sd: number;
  se: number;
  ci95: [number, number];
}

/** A new, empty accumulator. */
export function newPairedAccumulator(): PairedAccumulator {
  return { n: 0, sum: [], sumSq: [], invalid: 0 };
}

/** Records one trial's difference. */
export function addDifference(acc: PairedAccumulator, d: number): void {
  if (!Number.isFinite(d)) {
    acc.invalid++;
    return;
  }
  acc.n++;
  expansionAdd(acc.sum, d);
  expansionAdd(acc.sumSq, d * d);
}

/** Adds `b` into `a`; exact, so the order and grouping of merges never matter. */
export function mergePaired(a: PairedSummary, b: PairedSummary): PairedSummary {
  a.trials += b.trials;
  for (const [name, acc] of Object.entries(b.metrics)) {
    const into = (a.metrics[name] ??= newPairedAccumulator());
    into.n += acc.n;
    into.invalid += acc.invalid;
    for (const x of acc.sum) expansionAdd(into.sum, x);
    for (const x of acc.sumSq) expansionAdd(into.sumSq, x);
  }
  return a;
}

/** The mean per-trial difference with its normal-theory 95% interval (undefined with fewer than 2 trials). */
export function summarizePaired(acc: PairedAccumulator): PairedDifference | undefined {
  const { n } = acc;
  if (n < 2) return undefined;
  const sum = expansionValue(acc.sum);
  const mean = sum / n;
  // Σd² − (Σd)²/n, from exact sums; clamped at 0 against rounding when every difference is equal.
  const ss = Math.max(0, expansionValue(acc.sumSq) - (sum * sum) / n);
  const sd = Math.sqrt(ss / (n - 1));
  const se = sd / Math.sqrt(n);
  return { n, mean, sd, se, ci95: [mean - Z95 * se, mean + Z95 * se] };
}
