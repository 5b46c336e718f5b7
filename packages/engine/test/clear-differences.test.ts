/**
 * The comparison's noise rule (paired/clear-differences.ts): over many comparisons of two runs that
 * differ by noise alone, about COMPARE_FALSE_ALARM of them show any metric as clear, where a 95%
 * interval per metric showed one in most of them. Fixed seed; the binomial sd of the share over
 * 4,000 comparisons is 0.35 points, so the bounds (±1.5 points) fail by chance about once in 1e5.
 */
import { describe, expect, it } from 'vitest';
import { normalQuantile } from '../src/distributions.ts';
import { COMPARE_FALSE_ALARM, clearThreshold, markClear } from '../src/paired/index.ts';
import { TrialStream } from '../src/rng.ts';

describe('differences clear of noise', () => {
  it('grows with the number of metrics compared: 1.96 SE for one, about 3.2 for 36', () => {
    expect(clearThreshold(1)).toBeCloseTo(1.959964, 5);
    expect(clearThreshold(36)).toBeCloseTo(3.197, 3);
    expect(clearThreshold(0)).toBeCloseTo(1.959964, 5);
  });

  it('shows noise as a finding in about 5% of comparisons of 36 metrics, where 95% intervals did in 84%', () => {
    const rng = new TrialStream(20261207);
    const comparisons = 4000;
    let any = 0;
    let anyByInterval = 0;
    for (let c = 0; c < comparisons; c++) {
      const diffs: Record<string, { diff: number; se: number; clear: boolean }> = {};
      for (let m = 0; m < 36; m++) diffs[`m${m}`] = { diff: normalQuantile(rng.uniform()), se: 1, clear: false };
      if (Object.values(markClear(diffs)).some((d) => d.clear)) any++;
      if (Object.values(diffs).some((d) => Math.abs(d.diff) > 1.959963984540054)) anyByInterval++;
    }
    expect(Math.abs(any / comparisons - COMPARE_FALSE_ALARM)).toBeLessThan(0.015);
    expect(anyByInterval / comparisons).toBeGreaterThan(0.8);
  });

  it('calls nothing clear between runs of the same assumptions, however large a difference', () => {
    const marked = markClear({ war: { diff: 0.5, se: 0.001, clear: false } }, true);
    expect(marked.war?.clear).toBe(false);
    expect(markClear({ war: { diff: 0.5, se: 0.001, clear: false } }).war?.clear).toBe(true);
  });
});
