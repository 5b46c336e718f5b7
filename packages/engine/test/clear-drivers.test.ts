/**
 * Which of a band's drivers are shown as clear of noise: the bar rises with the number of
 * parameters ranked, so that among many parameters that do nothing one is shown by chance in about
 * 5% of bands, not in most of them.
 */
import { describe, expect, it } from 'vitest';
import { normalQuantile } from '../src/distributions.ts';
import { clearDrivers, DRIVER_FALSE_ALARM } from '../src/index.ts';
import { TrialStream } from '../src/rng.ts';

const driver = (name: string, s1: number, se: number) => ({ name, s1, se });

describe('clearDrivers', () => {
  it('keeps a share 2.6 errors above 0 alone, and drops it among 67 parameters', () => {
    const strong = driver('strong', 0.37, 0.06);
    const middling = driver('middling', 0.42, 0.16);
    expect(clearDrivers([middling]).map((d) => d.name)).toEqual(['middling']);
    const many = [strong, middling, ...Array.from({ length: 65 }, (_, i) => driver(`p${i}`, 0, 0.05))];
    expect(clearDrivers(many).map((d) => d.name)).toEqual(['strong']);
    expect(clearDrivers([])).toEqual([]);
  });

  it('shows a parameter that does nothing in about 5% of bands over 67 parameters (twice the error: most of them)', () => {
    // Null drivers: each share a normal draw around 0 with its error 1. Fixed seed; 2,000 bands.
    const rng = new TrialStream(11);
    const bands = 2000;
    let alarms = 0;
    let alarmsTwice = 0;
    for (let b = 0; b < bands; b++) {
      const drivers = Array.from({ length: 67 }, (_, i) => driver(`p${i}`, normalQuantile(rng.uniform()), 1));
      if (clearDrivers(drivers).length > 0) alarms++;
      if (drivers.some((d) => d.s1 > 2 * d.se)) alarmsTwice++;
    }
    // Bonferroni gives at most 5% (here 4.9%); the binomial sd over 2,000 bands is 0.5 points, so the
    // bounds [3%, 7%] are 4 sd away: a false alarm of this test about 1e-4.
    expect(alarms / bands).toBeGreaterThan(0.03);
    expect(alarms / bands).toBeLessThan(DRIVER_FALSE_ALARM + 0.02);
    // The old rule, twice the error, showed a do-nothing parameter in most such bands (1 − 0.977^67 ≈ 79%).
    expect(alarmsTwice / bands).toBeGreaterThan(0.7);
  });
});
