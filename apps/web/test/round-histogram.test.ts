import { describe, expect, it } from 'vitest';
import { binLabel } from '../src/chart-data.ts';
import { roundHistogram, roundWidth } from '../src/round-histogram.ts';

const ROUND = /^(1|2|2\.5|5)$/;

/** The width's mantissa: 2.5 for 0.025, 5 for 500. */
function mantissa(w: number): string {
  return String(Number.parseFloat((w / 10 ** Math.floor(Math.log10(w))).toPrecision(6)));
}

/** Checks the invariants of round bins over `counts`. */
function checkBins(counts: [number, number][]): ReturnType<typeof roundHistogram> {
  const values = counts.map(([x]) => x);
  const min = Math.min(...values);
  const max = Math.max(...values);
  const hist = roundHistogram(counts, min, max);
  const { edges } = hist;
  const width = Number.parseFloat(((edges[1] ?? 0) - (edges[0] ?? 0)).toPrecision(10));
  expect(mantissa(width)).toMatch(ROUND);
  for (const [i, e] of edges.entries()) {
    // Every edge is a multiple of the width (to 1e-9 of a width), and the widths are equal.
    expect(Math.abs(e / width - Math.round(e / width))).toBeLessThan(1e-9);
    if (i > 0) expect(e - (edges[i - 1] ?? 0)).toBeCloseTo(width, 9);
  }
  expect(edges[0]).toBeLessThanOrEqual(min);
  expect(edges[edges.length - 1]).toBeGreaterThan(max);
  // No trial is lost, and each value lies in its bin [lo, hi).
  expect(hist.counts.reduce((a, b) => a + b, 0)).toBe(counts.reduce((a, [, c]) => a + c, 0));
  expect(hist.counts.length).toBeGreaterThanOrEqual(1);
  expect(hist.counts.length).toBeLessThanOrEqual(26);
  return hist;
}

describe('round histogram bins', () => {
  it('picks widths of 1, 2, 2.5 or 5 × 10^k', () => {
    expect(roundWidth(0.94, false)).toBe(1);
    expect(roundWidth(1.2, false)).toBe(2);
    expect(roundWidth(2.1, false)).toBe(2.5);
    expect(roundWidth(3, false)).toBe(5);
    expect(roundWidth(0.023, false)).toBe(0.025);
    expect(roundWidth(6000, false)).toBe(10000);
    // Whole-number values never get 2.5 or a width under 1.
    expect(roundWidth(2.1, true)).toBe(5);
    expect(roundWidth(0.3, true)).toBe(1);
  });

  it('puts every edge at a multiple of the width, the issue\'s "2–25.93" included', () => {
    const hist = checkBins([
      [2, 40],
      [7.5, 3],
      [25.93, 1],
    ]);
    expect(hist.edges[0]).toBe(2);
    expect(hist.edges.at(-1)).toBe(26);
    const labels = hist.counts.map((_, i) => binLabel(hist.edges, i, hist.integral));
    expect(labels[0]).toBe('2–3');
    expect(labels.at(-1)).toBe('25–26');
    expect(hist.counts[0]).toBe(40);
    expect(hist.counts[5]).toBe(3); // 7.5 lies in [7, 8)
  });

  it('keeps the invariants over many ranges', () => {
    for (const [lo, hi] of [
      [0, 1],
      [0.1, 0.7],
      [3, 1234.5],
      [-17.2, 48.9],
      [1e-4, 3e-3],
      [720, 720.5],
      [0, 719.99],
    ] as const) {
      const counts: [number, number][] = Array.from({ length: 50 }, (_, i) => [lo + ((hi - lo) * i) / 49, 1 + (i % 3)]);
      checkBins(counts);
    }
  });

  it('labels whole-number bins by the whole numbers they hold', () => {
    const counts: [number, number][] = Array.from({ length: 300 }, (_, i) => [i, 1]);
    const hist = checkBins(counts);
    expect(hist.integral).toBe(true);
    expect(hist.edges.slice(0, 3)).toEqual([0, 20, 40]);
    expect(binLabel(hist.edges, 0, true)).toBe('0–19');
    expect(hist.counts[0]).toBe(20);
    const small = roundHistogram(
      [
        [0, 5],
        [3, 2],
      ],
      0,
      3,
    );
    expect(small.counts.map((_, i) => binLabel(small.edges, i, true))).toEqual(['0', '1', '2', '3']);
    expect(small.counts).toEqual([5, 0, 0, 2]);
  });

  it('counts values on an edge in the bin above it despite float noise', () => {
    // 0.3 / 0.1 is 2.9999999999999996 in floating point.
    const hist = roundHistogram(
      [
        [0, 1],
        [0.3, 1],
        [2.4, 1],
      ],
      0,
      2.4,
    );
    expect(hist.edges[1]).toBe(0.1);
    expect(hist.counts[3]).toBe(1);
  });
});
