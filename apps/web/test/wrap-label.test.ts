/** wrapLabel: the outcome chart's and decisions chart's names wrapped into lines at phone width. */
import { describe, expect, it } from 'vitest';
import { roundTop, wrapLabel } from '../src/charts.ts';

describe('wrapLabel', () => {
  it('breaks at spaces into lines of at most the width, keeping every word in order', () => {
    const label = 'Probability the BTC/SCP pipelines are shut down or damaged';
    const lines = wrapLabel(label, 16);
    expect(lines.join(' ')).toBe(label);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(16);
    expect(lines).toEqual(['Probability the', 'BTC/SCP', 'pipelines are', 'shut down or', 'damaged']);
  });

  it('keeps a word longer than the width whole on its own line, and a short name on one line', () => {
    expect(wrapLabel('over_200_armenian_dead', 16)).toEqual(['over_200_armenian_dead']);
    expect(wrapLabel('war_reached', 16)).toEqual(['war_reached']);
    expect(wrapLabel('', 16)).toEqual(['']);
  });
});

describe('roundTop', () => {
  it('ends a probability axis on a round step above the data, never past 100%', () => {
    expect(roundTop(0.4795 * 1.1)).toBe(0.6);
    expect(roundTop(0.055)).toBe(0.06);
    expect(roundTop(0.05)).toBe(0.05);
    expect(roundTop(0.33)).toBe(0.35);
    expect(roundTop(1.07)).toBe(1);
  });
});
