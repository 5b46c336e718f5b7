import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addValue,
  expansionAdd,
  expansionValue,
  mergeMetric,
  newMetricAccumulator,
  probabilityUnit,
  summarizeMetric,
  wilson,
  wilsonEffective,
} from '../src/summarize.ts';
import { runYaml } from './helpers.ts';

describe('exact sums', () => {
  it('are correctly rounded whatever the order (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 }), { maxLength: 60 }), (xs) => {
        const forward: number[] = [];
        for (const x of xs) expansionAdd(forward, x);
        const backward: number[] = [];
        for (const x of [...xs].reverse()) expansionAdd(backward, x);
        expect(expansionValue(forward)).toBe(expansionValue(backward));
      }),
    );
  });

  it('do not lose small terms next to large ones', () => {
    const parts: number[] = [];
    for (const x of [1e16, 1, -1e16, 1]) expansionAdd(parts, x);
    expect(expansionValue(parts)).toBe(2);
  });
});

describe('metric accumulators', () => {
  const values = fc.array(
    fc.oneof(fc.integer({ min: 0, max: 200 }), fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 })),
    { minLength: 1, maxLength: 300 },
  );

  it('merge to the same summary for any split point (property)', () => {
    fc.assert(
      fc.property(values, fc.nat(), (xs, cut) => {
        const k = cut % (xs.length + 1);
        const whole = newMetricAccumulator();
        for (const x of xs) addValue(whole, x);
        const left = newMetricAccumulator();
        const right = newMetricAccumulator();
        xs.slice(0, k).forEach((x) => addValue(left, x));
        xs.slice(k).forEach((x) => addValue(right, x));
        mergeMetric(right, left);
        expect(summarizeMetric(right, false)).toEqual(summarizeMetric(whole, false));
      }),
    );
  });

  /** The mean and variance numerator from every value added to one expansion (what addValue once did per value). */
  function plainTotals(xs: number[]): { sum: number; mean: number; sumSq: number } {
    const sum: number[] = [];
    const sumSq: number[] = [];
    for (const x of xs) {
      expansionAdd(sum, x);
      expansionAdd(sumSq, x * x);
    }
    return { sum: expansionValue(sum), mean: expansionValue(sum) / xs.length, sumSq: expansionValue(sumSq) };
  }

  it('give the totals of adding each value, with counted values repeated and split anywhere (property)', () => {
    // A few distinct values drawn many times: their totals come from counts (see MetricAccumulator.sum).
    const pool = fc.array(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e9, max: 1e9 }), { minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(pool, fc.array(fc.nat(), { minLength: 1, maxLength: 400 }), fc.nat(), (distinct, picks, cut) => {
        const xs = picks.map((i) => distinct[i % distinct.length]!);
        const k = cut % (xs.length + 1);
        const left = newMetricAccumulator();
        const right = newMetricAccumulator();
        xs.slice(0, k).forEach((x) => addValue(left, x));
        xs.slice(k).forEach((x) => addValue(right, x));
        mergeMetric(left, right);
        const s = summarizeMetric(left, false);
        const plain = plainTotals(xs);
        // (+ 0: a mean of zeros is 0 here whatever the zeros' signs; the dense counts hold −0 as 0.)
        expect(s.mean + 0).toBe(plain.mean + 0);
        const n = xs.length;
        expect(s.sd).toBe(n > 1 ? Math.sqrt(Math.max(0, (plain.sumSq - plain.sum * plain.mean) / (n - 1))) : 0);
      }),
      { numRuns: 300 },
    );
  });

  it('keep those totals when the counted values go to buckets part-way and halves merge', () => {
    // 6,000 distinct values, each twice: the counts overflow to buckets in one half and not in the other.
    const xs: number[] = [];
    for (let i = 0; i < 6000; i++) xs.push(0.1 * i + 1e-3, 0.1 * i + 1e-3);
    for (const k of [0, 3000, 8191, 12_000]) {
      const left = newMetricAccumulator();
      const right = newMetricAccumulator();
      xs.slice(0, k).forEach((x) => addValue(left, x));
      xs.slice(k).forEach((x) => addValue(right, x));
      mergeMetric(right, left);
      const s = summarizeMetric(right, false);
      expect(s.quantileMethod).toBe('bucketed');
      expect(s.mean).toBe(plainTotals(xs).mean);
    }
  });

  it('give exact quantiles as the smallest value with at least ceil(q·n) values at or below it', () => {
    const acc = newMetricAccumulator();
    for (let i = 1; i <= 100; i++) addValue(acc, i);
    const s = summarizeMetric(acc, false);
    expect(s.quantiles).toEqual({ p1: 1, p5: 5, p10: 10, p25: 25, p50: 50, p75: 75, p90: 90, p95: 95, p99: 99 });
    expect(s.mean).toBe(50.5);
    expect(s.sd).toBeCloseTo(Math.sqrt((100 * 101) / 12), 12);
    expect(s.quantileMethod).toBe('exact');
    expect(s.histogram.counts.reduce((a, b) => a + b, 0)).toBe(100);
  });

  it('switch to buckets within 0.5% once there are many distinct non-integer values', () => {
    const acc = newMetricAccumulator();
    for (let i = 0; i < 20_000; i++) addValue(acc, 1 + i / 1000 + 1e-7);
    const s = summarizeMetric(acc, false);
    expect(s.quantileMethod).toBe('bucketed');
    const exactMedian = 1 + 9_999 / 1000 + 1e-7;
    expect(Math.abs(s.quantiles.p50 - exactMedian) / exactMedian).toBeLessThan(0.005);
    expect(s.min).toBe(1 + 1e-7);
  });

  it('report 0/1 metrics as probabilities with Wilson intervals', () => {
    const acc = newMetricAccumulator();
    for (let i = 0; i < 1000; i++) addValue(acc, i < 100 ? 1 : 0);
    const s = summarizeMetric(acc, false);
    expect(s.probability?.p).toBe(0.1);
    expect(s.probability?.ci95).toEqual(wilson(100, 1000));
  });

  it('leave out and count values that are not finite', () => {
    const acc = newMetricAccumulator();
    addValue(acc, Number.NaN);
    addValue(acc, 2);
    const s = summarizeMetric(acc, false);
    expect(s.n).toBe(1);
    expect(s.invalid).toBe(1);
  });
});

describe('Wilson interval', () => {
  it('matches a textbook value and stays inside [0, 1]', () => {
    // 8 of 10: 95% Wilson interval [0.4902, 0.9433] (Newcombe 1998, table I style value).
    const [lo, hi] = wilson(8, 10);
    expect(lo).toBeCloseTo(0.4902, 4);
    expect(hi).toBeCloseTo(0.9433, 4);
    expect(wilson(0, 50)[0]).toBeCloseTo(0, 15);
    expect(wilson(50, 50)[1]).toBeCloseTo(1, 15);
  });

  it('ends exactly at 0 when k = 0 and exactly at 1 when k = n, effective sizes included (property)', () => {
    // Computed as center ∓ half, wilson(0, 1000)[0] was 2e-19 (written so in CSV) and wilson(10, 10)[1] 0.9999999999999999.
    expect(wilson(0, 1000)[0]).toBe(0);
    expect(wilson(10, 10)[1]).toBe(1);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000_000 }), fc.double({ min: 1, max: 1e8, noNaN: true }), (n, effective) => {
        expect(wilson(0, n)[0]).toBe(0);
        expect(wilson(n, n)[1]).toBe(1);
        expect(wilsonEffective(0, n, effective)[0]).toBe(0);
        expect(wilsonEffective(n, n, effective)[1]).toBe(1);
        // Only the ends at the edge are pinned: the other end stays inside.
        expect(wilson(0, n)[1]).toBeLessThan(1);
        expect(wilson(n, n)[0]).toBeGreaterThan(0);
      }),
    );
  });
});

describe('values whose squares overflow', () => {
  it('keep a finite sd, taken from the values scaled (it read NaN)', () => {
    const acc = newMetricAccumulator();
    for (const x of [1e200, 3e200, 5e200]) addValue(acc, x);
    const s = summarizeMetric(acc, false);
    expect(s.mean).toBeCloseTo(3e200, -190);
    expect(s.sd / 2e200).toBeCloseTo(1, 12);
    expect(Number.isFinite(s.se) && Number.isFinite(s.ci95[0]) && Number.isFinite(s.ci95[1])).toBe(true);
  });
});

describe('0/1 values read as a probability', () => {
  it("only where the metric declares no unit or a probability's: a count of days that came out 0 stays a count", () => {
    const r = runYaml(
      `id: zero-days
time: { unit: day, dt: 1, horizon: 5 }
tracks:
  x: { states: [a, b], transitions: [{ from: a, to: b, rate: 0.5 }] }
metrics:
  reached: { expr: 'ever(x, "b")' }
  reached_share: { expr: 'ever(x, "b")', unit: probability }
  ghost_days: { expr: 'time_in(x, "a") * 0', unit: day }
`,
      500,
    );
    expect(r.metrics.reached?.probability).toBeDefined();
    expect(r.metrics.reached_share?.probability).toBeDefined();
    expect(r.metrics.ghost_days?.probability).toBeUndefined();
    expect(r.metrics.ghost_days?.ci95).toEqual([0, 0]);
    expect(['share', 'Probability', '%', undefined].every(probabilityUnit)).toBe(true);
    expect(['day', 'deaths', 'truces'].some(probabilityUnit)).toBe(false);
  });
});
