/**
 * First- and total-order Sobol' indices from a replicated Saltelli design (Jansen's estimators,
 * the first order's variance taken row by row so that it is exactly 0 for a parameter without effect),
 * with 95% intervals from the spread across independently randomized replicates (a jackknife over
 * replicates and Student's t), which respects the design: Sobol'-sequence rows are not independent
 * draws, so resampling them as if they were gives intervals many times too wide.
 */

import { studentT975 } from './student-t.ts';

/** What `sobolIndices` returns: per parameter, in design order. */
export interface SobolEstimates {
  variance: number;
  first: number[];
  total: number[];
  firstCi95: [number, number][];
  totalCi95: [number, number][];
}

/**
 * The estimators on the given base rows. Total order, Jansen (1999): V_Ti = ½E[(f(A) − f(A_B^i))²].
 * First order, Jansen's V_i = V − ½E[(f(B) − f(A_B^i))²] with V taken on the same rows as
 * ½E[(f(B) − f(A))²] (unbiased, A and B being independent), in ratio:
 * S_i = 1 − E[(f(B) − f(A_B^i))²] / E[(f(B) − f(A))²]. It is exactly 0 for a parameter that does
 * not move the output (f(A_B^i) = f(A) on every row). With V from the pooled sample variance instead,
 * every such parameter got the same spurious share, the design's error in V (0.085 for each of a
 * scenario's inert parameters at 256 base rows). Saltelli et al. (2010)'s E[f(B)(f(A_B^i) − f(A))]
 * is also exactly 0 there but far noisier for a parameter that dominates (±0.13 against ±0.03 at
 * 512 Latin-hypercube base rows on y = x1 + 2·x13).
 */
function estimates(y: Float64Array, rows: readonly number[], dims: number): { variance: number; first: Float64Array; total: Float64Array } {
  const width = dims + 2;
  const n = rows.length;
  let sum = 0;
  let sumSq = 0;
  for (const j of rows) {
    const a = y[j * width]!;
    const b = y[j * width + width - 1]!;
    sum += a + b;
    sumSq += a * a + b * b;
  }
  const mean = sum / (2 * n);
  const variance = sumSq / (2 * n) - mean * mean;
  // The variance again, as ½E[(f(B) − f(A))²] on the same rows: the first order's reference.
  let paired = 0;
  for (const j of rows) {
    const diff = y[j * width + width - 1]! - y[j * width]!;
    paired += diff * diff;
  }
  paired /= 2 * n;
  const first = new Float64Array(dims);
  const total = new Float64Array(dims);
  for (let d = 0; d < dims; d++) {
    let f = 0;
    let t = 0;
    for (const j of rows) {
      const a = y[j * width]!;
      const b = y[j * width + width - 1]!;
      const ab = y[j * width + 1 + d]!;
      f += (ab - a) * (b - (a + ab) / 2);
      t += (a - ab) * (a - ab);
    }
    first[d] = f / n / paired;
    total[d] = t / (2 * n) / variance;
  }
  return { variance, first, total };
}

/** A jackknife t-interval: the pooled estimate ± t · SE from the leave-one-replicate-out estimates. */
function jackknifeInterval(pooled: number, leaveOut: readonly number[]): [number, number] {
  const r = leaveOut.length;
  const mean = leaveOut.reduce((s, x) => s + x, 0) / r;
  const ss = leaveOut.reduce((s, x) => s + (x - mean) * (x - mean), 0);
  const se = Math.sqrt(((r - 1) / r) * ss);
  const half = studentT975(r - 1) * se;
  return [pooled - half, pooled + half];
}

/**
 * Indices from outputs in `replicatedSaltelliDesign` order: `replicates` blocks of `n` base rows,
 * each row A, AB^1 … AB^D, B.
 */
export function sobolIndices(y: Float64Array, n: number, dims: number, replicates: number): SobolEstimates {
  const rows = n * replicates;
  if (y.length !== rows * (dims + 2)) throw new Error(`expected ${rows * (dims + 2)} outputs, got ${y.length}`);
  if (replicates < 2) throw new Error('replicated estimates need at least 2 replicates');
  const all = Array.from({ length: rows }, (_, j) => j);
  const pooled = estimates(y, all, dims);
  const leaveOut = Array.from({ length: replicates }, (_, r) =>
    estimates(
      y,
      all.filter((j) => Math.floor(j / n) !== r),
      dims,
    ),
  );
  // A constant output has no variance to share out; the one-pass variance leaves rounding (about
  // 1e-18 for a probability) that would pass for variance and give 0/0 first orders.
  const constant = y.every((v) => v === y[0]);
  const variance = constant ? 0 : pooled.variance;
  const ok = variance > 0;
  const nan: [number, number] = [Number.NaN, Number.NaN];
  const interval = (which: 'first' | 'total', d: number): [number, number] =>
    ok
      ? jackknifeInterval(
          pooled[which][d]!,
          leaveOut.map((e) => e[which][d]!),
        )
      : nan;
  return {
    variance,
    first: Array.from(pooled.first, (x) => (ok ? x : Number.NaN)),
    total: Array.from(pooled.total, (x) => (ok ? x : Number.NaN)),
    firstCi95: Array.from({ length: dims }, (_, d) => interval('first', d)),
    totalCi95: Array.from({ length: dims }, (_, d) => interval('total', d)),
  };
}
