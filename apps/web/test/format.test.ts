import * as engine from '@georisk/engine/format';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatDuration,
  formatInputValue,
  formatNumber,
  formatPercent,
  formatPercentInterval,
  sliderStep,
  snapToStep,
} from '../src/format.ts';

describe('number formatting', () => {
  it('uses the engine formatter the CLI table uses (one formatter, no copy)', () => {
    // The page formats with the engine's functions, which the CLI's table uses too: one formatter, not a copy.
    expect(formatNumber).toBe(engine.formatNumber);
    expect(formatPercent).toBe(engine.formatPercent);
  });

  it('formats intervals, durations and input values', () => {
    expect(formatPercentInterval([0.122, 0.126])).toBe('[12.2%, 12.6%]');
    expect(formatDuration(0.0424)).toBe('42 ms');
    expect(formatDuration(2.4234)).toBe('2.42 s');
    expect(formatInputValue(0.1 + 0.2)).toBe('0.3');
    expect(formatInputValue(0.00375)).toBe('0.00375');
  });
});

describe('slider steps', () => {
  it('are round numbers giving 100 to 200 positions', () => {
    expect(sliderStep(0.5, 0.9)).toBe(0.002);
    expect(sliderStep(1.5, 6.5)).toBe(0.05);
    expect(sliderStep(15, 100)).toBe(0.5);
    expect(sliderStep(0, 1)).toBe(0.005);
    expect(sliderStep(3, 3)).toBe(1);
  });

  it('snap to values that print short and parse back exactly', () => {
    expect(snapToStep(0.8200000000000001, 0.5, 0.002)).toBe(0.82);
    expect(snapToStep(4.050000000001, 1.5, 0.05)).toBe(4.05);
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 1e-6, max: 1e3, noNaN: true }), (u, span) => {
        const min = 0.00125;
        const step = sliderStep(min, min + span);
        const v = snapToStep(min + u * span, min, step);
        const k = (v - min) / step;
        return Math.abs(k - Math.round(k)) < 1e-6 && Number(String(v)) === v && String(v).length <= 20;
      }),
    );
  });
});
