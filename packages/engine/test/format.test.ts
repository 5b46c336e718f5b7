/** An estimate and its error read at the error's precision, in the CLI's tables and the page alike. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { errorPlaces, formatCsv, formatEstimate, formatInterval } from '../src/format.ts';
import { runYaml } from './helpers.ts';

describe('formatEstimate', () => {
  it('gives the error two significant digits and the estimate the same places', () => {
    expect(formatEstimate(239.3, 16.13)).toBe('239 ± 16');
    expect(formatEstimate(6.02, 0.1961)).toBe('6.02 ± 0.20');
    expect(formatEstimate(12_345.6, 230)).toBe('12,346 ± 230');
    expect(formatEstimate(0.0431, 0.00217)).toBe('0.0431 ± 0.0022');
    expect(formatEstimate(-0.004, 0.5)).toBe('0.00 ± 0.50');
  });

  it('falls back to plain numbers for no error, a non-finite one and extreme magnitudes', () => {
    expect(formatEstimate(5, 0)).toBe('5 ± 0');
    expect(formatEstimate(5, Number.NaN)).toBe('5 ± NaN');
    expect(formatEstimate(2e12, 3e10)).toBe('2.00e+12 ± 3.00e+10');
  });

  it('never prints the estimate past the places of its error (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.double({ min: 1e-3, max: 1e5, noNaN: true }), (mean, half) => {
        const [m, e] = formatEstimate(mean, half).split(' ± ');
        const places = errorPlaces(half);
        expect((m!.split('.')[1] ?? '').length).toBe(places);
        expect((e!.split('.')[1] ?? '').length).toBe(places);
        expect(Number(m!.replaceAll(',', ''))).toBeCloseTo(mean, places - 1);
      }),
    );
  });
});

describe('formatInterval', () => {
  it('prints the estimate and both ends to two significant digits of the half-width', () => {
    expect(formatInterval(332, 275.1, 388.9)).toBe('332 [275, 389]');
    expect(formatInterval(90.02, 63.82, 116.2)).toBe('90 [64, 116]');
    expect(formatInterval(6.99, 6.58, 7.39)).toBe('6.99 [6.58, 7.39]');
    expect(formatInterval(5, 5, 5)).toBe('5 [5, 5]');
  });
});

describe('formatCsv', () => {
  it('counts the trials behind each metric and the invalid ones left out (an all-invalid metric read as an empty mean and sd 0)', () => {
    const r = runYaml(
      `id: csv-invalid
time: { unit: day, dt: 1, horizon: 5 }
tracks:
  x: { states: [a, b], transitions: [{ from: a, to: b, rate: 0.5 }] }
metrics:
  some_invalid: { expr: 'ever(x, "b") ? 1 : 0 / 0' }
  all_invalid: { expr: '0 / 0' }
`,
      200,
    );
    const rows = formatCsv(r).trim().split('\n');
    const header = rows[0]!.split(',');
    const cells = (name: string) => rows.find((row) => row.startsWith(`${name},`))!.split(',');
    const n = header.indexOf('n');
    const invalid = header.indexOf('invalid');
    const some = r.metrics.some_invalid!;
    expect(some.invalid).toBeGreaterThan(0);
    expect([cells('some_invalid')[n], cells('some_invalid')[invalid]]).toEqual([String(some.n), String(some.invalid)]);
    expect(some.n + (some.invalid ?? 0)).toBe(200);
    expect([cells('all_invalid')[n], cells('all_invalid')[invalid]]).toEqual(['0', '200']);
  });
});
