/** Student's t quantile for the intervals across replicates (the other special functions live in ../distribution-quantile.ts). */

import { normalQuantile } from '../distributions.ts';

/** The 0.975 quantile of Student's t with `df` degrees of freedom (Cornish–Fisher beyond the table; within 1e-3). */
export function studentT975(df: number): number {
  const table = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228];
  if (df >= 1 && df <= table.length) return table[df - 1]!;
  const z = normalQuantile(0.975);
  const z3 = z ** 3;
  const z5 = z ** 5;
  return z + (z3 + z) / (4 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96 * df * df);
}
