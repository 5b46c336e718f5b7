/** Scoring rules against values computed by hand. */
import { describe, expect, it } from 'vitest';
import { baseRate, brierScore, crps, crpsOfSample, LOG_SCORE_CLIP, logScore, skillScore } from '../src/scoring.ts';

describe('brierScore', () => {
  it('is the squared distance between forecast and outcome', () => {
    expect(brierScore(0.7, 1)).toBeCloseTo(0.09, 15);
    expect(brierScore(0.7, 0)).toBeCloseTo(0.49, 15);
    expect(brierScore(0.5, 1)).toBe(0.25);
    expect(brierScore(1, 1)).toBe(0);
  });
  it('refuses a value that is not a probability', () => {
    expect(() => brierScore(1.2, 1)).toThrow(RangeError);
    expect(() => brierScore(Number.NaN, 0)).toThrow(RangeError);
  });
});

describe('logScore', () => {
  it('is minus log2 of the probability given to what happened', () => {
    expect(logScore(0.5, 1)).toBe(1);
    expect(logScore(0.25, 1)).toBe(2);
    expect(logScore(0.75, 0)).toBe(2);
    expect(logScore(0.9, 1)).toBeCloseTo(0.152003093445, 10);
  });
  it('clips forecasts into [clip, 1 - clip], so certainty that proves wrong costs log2(1/clip)', () => {
    expect(LOG_SCORE_CLIP).toBe(0.001);
    expect(logScore(0, 1)).toBeCloseTo(Math.log2(1000), 12);
    expect(logScore(1, 0)).toBeCloseTo(Math.log2(1000), 12);
    expect(logScore(0.0001, 1)).toBe(logScore(0.001, 1));
    expect(logScore(1, 1)).toBeCloseTo(-Math.log2(0.999), 12);
    expect(logScore(0, 1, 0.01)).toBeCloseTo(Math.log2(100), 12);
    expect(() => logScore(0.5, 1, 0)).toThrow(RangeError);
  });
});

describe('crps', () => {
  it('of a point mass is the absolute error', () => {
    expect(crps([[10, 5]], 7)).toBe(3);
    expect(crps([[10, 1]], 10)).toBe(0);
    expect(crps([[-2, 1]], 3)).toBe(5);
  });

  it('of the uniform distribution on {1, 2, 3, 4} matches the hand computation', () => {
    const u: [number, number][] = [
      [1, 1],
      [2, 1],
      [3, 1],
      [4, 1],
    ];
    // y = 2: F = 1/4 on [1,2) against 0, then 2/4 on [2,3) and 3/4 on [3,4) against 1:
    // 1/16 + 1/4 + 1/16 = 0.375; equally E|X - y| - E|X - X'|/2 = 1 - 1.25/2 = 0.375.
    expect(crps(u, 2)).toBeCloseTo(0.375, 15);
    // y = 0 (below the support): E|X - 0| - 0.625 = 2.5 - 0.625.
    expect(crps(u, 0)).toBeCloseTo(1.875, 15);
    // y = 2.5, between two values: (1/16)·1 + (1/4)·0.5 + (1/4)·0.5 + (1/16)·1 = 0.375.
    expect(crps(u, 2.5)).toBeCloseTo(0.375, 15);
  });

  it("agrees with the energy form E|X - y| - E|X - X'|/2 on an uneven sample, whatever the order", () => {
    const sample = [0, 3, 3, 7, 40, 2, 2, 2];
    const y = 5;
    const n = sample.length;
    let first = 0;
    let pairs = 0;
    for (const a of sample) {
      first += Math.abs(a - y) / n;
      for (const b of sample) pairs += Math.abs(a - b) / (n * n);
    }
    expect(crpsOfSample(sample, y)).toBeCloseTo(first - pairs / 2, 12);
  });

  it('treats weights as relative counts and ignores zero weights', () => {
    expect(
      crps(
        [
          [1, 10],
          [3, 30],
          [9, 0],
        ],
        2,
      ),
    ).toBeCloseTo(
      crps(
        [
          [1, 0.25],
          [3, 0.75],
        ],
        2,
      ),
      15,
    );
  });

  it('refuses an empty distribution or a non-finite observation', () => {
    expect(() => crps([], 1)).toThrow(RangeError);
    expect(() => crps([[1, 1]], Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe('baseRate and skillScore', () => {
  it('smooths k of n with a Jeffreys prior by default', () => {
    expect(baseRate(0, 7)).toBeCloseTo(0.5 / 8, 15);
    expect(baseRate(4, 6)).toBeCloseTo(4.5 / 7, 15);
    expect(baseRate(1, 4, [1, 1])).toBeCloseTo(2 / 6, 15);
    expect(() => baseRate(5, 4)).toThrow(RangeError);
  });
  it('skill is 1 - score / baseline', () => {
    expect(skillScore(0.05, 0.2)).toBeCloseTo(0.75, 15);
    expect(skillScore(0.3, 0.2)).toBeCloseTo(-0.5, 15);
    expect(skillScore(0, 0)).toBe(0);
  });
});
