/** Which analysis notes the sensitivity panel folds: those ending in a list of parameter names. */
import { describe, expect, it } from 'vitest';
import { splitNameList } from '../src/scenario/sensitivity-notes.ts';

describe('splitNameList', () => {
  it('splits a note ending in parameter names, with or without a value each', () => {
    expect(splitNameList('3 of 47 parameters are within noise (floor 0.098): a, b_2, c')).toEqual({
      sentence: '3 of 47 parameters are within noise (floor 0.098)',
      names: ['a', 'b_2', 'c'],
    });
    const unread = 'not read by war_reached, directly or through what it reads: their effect is exactly 0 (not estimated): x, y';
    expect(splitNameList(unread)?.sentence).toBe(
      'not read by war_reached, directly or through what it reads: their effect is exactly 0 (not estimated)',
    );
    expect(splitNameList('first-order estimates below 0 are shown as 0: a (-0.29), b (-0.15)')?.names).toEqual(['a (-0.29)', 'b (-0.15)']);
  });

  it('leaves a note that does not end in names alone', () => {
    expect(splitNameList('Exact solver: every bar is noise-free.')).toBeUndefined();
    expect(splitNameList('no list here')).toBeUndefined();
  });
});
