/**
 * The quantity score's outcome grid keeps every trial, tails included: E|x − Y| over it is exact
 * for a forecast between slices (a forecast of 0 scores the mean), against values worked by hand.
 */
import { describe, expect, it } from 'vitest';
import { expectedAbsoluteError, quantileGrid } from '../src/classroom.ts';

describe('the outcome grid', () => {
  it('keeps a rare large value that quantiles at (i + ½)/k dropped: E|0 − Y| is the mean', () => {
    // 999 trials at 0 and one at 1,000,000 (0.1% of the mass, under the top slice's 0.5%): the mean is 1,000.
    const grid = quantileGrid([
      [0, 999],
      [1_000_000, 1],
    ]);
    expect(grid).toHaveLength(200);
    expect(expectedAbsoluteError(0, grid)).toBeCloseTo(1000, 9);
    // Above every value, exact too: E|2,000,000 − Y| = 2,000,000 − 1,000.
    expect(expectedAbsoluteError(2_000_000, grid)).toBeCloseTo(1_999_000, 6);
  });

  it('shares a value whose count straddles a slice boundary', () => {
    // Values 0, 10, 1000, 1000 in 200 slices: 50 slices at 0, 50 at 10, 100 at 1000.
    const grid = quantileGrid([
      [0, 1],
      [10, 1],
      [1000, 2],
    ]);
    expect(grid.filter((x) => x === 0)).toHaveLength(50);
    expect(grid.filter((x) => x === 10)).toHaveLength(50);
    expect(grid.filter((x) => x === 1000)).toHaveLength(100);
    expect(expectedAbsoluteError(0, grid)).toBeCloseTo(2010 / 4, 9);
    expect(expectedAbsoluteError(500, grid)).toBeCloseTo((500 + 490 + 2 * 500) / 4, 9);
    const uneven = quantileGrid(
      [
        [0, 1],
        [3, 2],
      ],
      4,
    );
    // Each slice holds ¾ of a trial: [0 ×¾], [0 ×¼ + 3 ×½], [3 ×¾], [3 ×¾], divided by ¾.
    expect(uneven.map((x) => Number(x.toFixed(12)))).toEqual([0, 2, 3, 3]);
    expect(expectedAbsoluteError(0, uneven)).toBeCloseTo(2, 12);
  });

  it('is empty without trials', () => {
    expect(quantileGrid([])).toEqual([]);
  });
});
