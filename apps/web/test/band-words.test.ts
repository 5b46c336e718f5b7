/** The band's headline in words (issue 15 §3): labels, whole percents, the band, the labelled sampling error, units. */
import type { MetricBand } from '@georisk/engine';
import { describe, expect, it } from 'vitest';
import {
  bandVsRunOpening,
  bandWords,
  driverWords,
  headlineNumber,
  headlinePercent,
  unitFor,
  withinSamplingError,
} from '../src/band-words.ts';
import { displayLabel, humanName } from '../src/display-label.ts';

/** A band with the given overall mean, standard error and 5–95% range (the other fields are not read). */
function band(probability: boolean, mean: number, se: number, p5: number, p95: number): MetricBand {
  return {
    probability,
    overall: { mean, se },
    band: { p5, p50: (p5 + p95) / 2, p95 },
    variance: { total: 0, parameters: 0, chance: 0, parameterShare: 0, chanceShare: 0 },
    drawNoiseSd: 0,
    drivers: [],
    drawMeans: [],
  };
}

describe('the band headline in words', () => {
  it('reads a probability as the issue asks: label, whole percents, the band, then the sampling error apart', () => {
    const w = bandWords('War within 30 days', band(true, 0.1812, 0.0015, 0.1004, 0.3093));
    expect(w.answer).toBe('War within 30 days: 18%');
    expect(w.band).toBe('(10–31% across our assumptions)');
    // 1.96 × 0.15 points = 0.294 → two significant digits.
    expect(w.sampling).toBe('± 0.29 points from sampling');
  });

  it('gives counts and durations their unit, in the answer, the band and the sampling error', () => {
    const deaths = bandWords('Armenian military deaths', band(false, 251.4, 6.2, 185.2, 331.4), 'deaths');
    expect(deaths.answer).toBe('Armenian military deaths: 251 deaths');
    // The band's ends to two significant digits: they are estimates from a few hundred draws.
    expect(deaths.band).toBe('(190–330 deaths across our assumptions)');
    expect(deaths.sampling).toBe('± 12 deaths from sampling');
    const hours = bandWords('Hours until a ceasefire', band(false, 52.26, 0.5, 44, 70.5), 'hour');
    expect(hours.answer).toBe('Hours until a ceasefire: 52.3 hours');
    expect(hours.band).toBe('(44–71 hours across our assumptions)');
    expect(hours.sampling).toBe('± 0.98 hours from sampling');
  });

  it('rounds the band of a probability to whole percents between 1% and 99%, one digit off 0% and 100%', () => {
    expect(bandWords('War', band(true, 0.14, 0.003, 0.086, 0.2204)).band).toBe('(9–22% across our assumptions)');
    expect(bandWords('CSTO troops', band(true, 0.038, 0.002, 0.0041, 0.0912)).band).toBe('(0.4–9% across our assumptions)');
    expect(bandWords('Article 4', band(true, 0.966, 0.002, 0.924, 0.9963)).band).toBe('(92–99.6% across our assumptions)');
  });

  it('keeps small and large probabilities readable (two significant digits off 0% and 100%)', () => {
    expect(headlinePercent(0.0364)).toBe('3.6%');
    expect(headlinePercent(0.0072)).toBe('0.72%');
    expect(headlinePercent(0.964)).toBe('96.4%');
    expect(headlinePercent(0.5)).toBe('50%');
    expect(headlinePercent(0)).toBe('0%');
    expect(headlinePercent(1)).toBe('100%');
    expect(headlineNumber(1234.5)).toBe('1,235');
    expect(headlineNumber(0.08123)).toBe('0.0812');
  });

  it('does not print "probability" as a unit, and plurals countable units', () => {
    const w = bandWords('Ceasefire within 48 hours', band(true, 0.735, 0.006, 0.582, 0.854), 'probability');
    expect(`${w.answer} ${w.band}`).toBe('Ceasefire within 48 hours: 74% (58–85% across our assumptions)');
    expect(unitFor('hour', 1)).toBe('hour');
    expect(unitFor('day', 2.5)).toBe('days');
    expect(unitFor('km²', 3)).toBe('km²');
    expect(unitFor(undefined, 3)).toBe('');
  });

  it("says a driver's share with its unit: percentage points on the ± side", () => {
    expect(driverWords(0.501, 0.05)).toBe('50% ± 10 points');
    expect(driverWords(0.156, 0.065)).toBe('16% ± 13 points');
  });
});

describe('labels', () => {
  it('shows the declared label, else the name read as words', () => {
    expect(displayLabel('war_reached', { label: 'War within 30 days' })).toBe('War within 30 days');
    expect(displayLabel('war_reached', {})).toBe('War reached');
    expect(displayLabel('war_reached', undefined)).toBe('War reached');
    expect(displayLabel('war_reached', { label: '  ' })).toBe('War reached');
    expect(humanName('armenian_fatalities_day2')).toBe('Armenian fatalities day2');
    expect(humanName('_')).toBe('_');
  });
});

describe('the note on the band against the run', () => {
  it('asks why they differ only where they read differently', () => {
    expect(bandVsRunOpening('11%', '14%')).toBe('Why the table below says 11%, not 14%: ');
    expect(bandVsRunOpening('11%', '11%')).toBe('The table below says 11% too, from other draws: ');
    expect(bandVsRunOpening('7.8%', '8%', true)).toBe('The table below says 7.8%, within sampling error of 8%: ');
    expect(bandVsRunOpening('8%', '8%', true)).toBe('The table below says 8% too, from other draws: ');
  });

  it('calls a difference noise when it is within 1.96 standard errors of the difference', () => {
    // 7.8% ± 0.27 (SE) against 8.3% ± 0.34: a difference of 0.5 points, 1.16 SE of the difference.
    expect(withinSamplingError(0.078, 0.0027, 0.083, 0.0034)).toBe(true);
    // 11% against 14% with SEs of 0.3 points: 7 SE apart.
    expect(withinSamplingError(0.11, 0.003, 0.14, 0.003)).toBe(false);
    // The edge: exactly 1.96 SE of the difference (SE 5 · √2 ≈ 7.07) is within; just past it is not.
    expect(withinSamplingError(0, 5, 1.96 * Math.SQRT2 * 5 - 1e-9, 5)).toBe(true);
    expect(withinSamplingError(0, 5, 1.96 * Math.SQRT2 * 5 + 1e-6, 5)).toBe(false);
  });
});
