import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { STREAM_WARMUP, TrialStream, trialSeed } from '../src/rng.ts';

describe('TrialStream', () => {
  it('reproduces seedrandom.tychei bit for bit', () => {
    for (const seed of [0, 1, 42, 2 ** 31 + 7, 2 ** 40 + 12345, Number.MAX_SAFE_INTEGER]) {
      // seedrandom accepts integer seeds at run time although its types only admit strings.
      const reference = seedrandom.tychei(seed as unknown as string);
      const ours = new TrialStream(seed);
      for (let i = 0; i < 1000; i++) expect(ours.uniform()).toBe(reference.double());
      expect(ours.nextInt32()).toBe(reference.int32());
    }
  });

  it('re-seeds in place exactly like a fresh stream', () => {
    const s = new TrialStream(5);
    for (let i = 0; i < 10; i++) s.uniform();
    s.reseed(99);
    const fresh = new TrialStream(99);
    for (let i = 0; i < 100; i++) expect(s.uniform()).toBe(fresh.uniform());
  });

  it('derives an armed stream as hashed words then STREAM_WARMUP generator steps (the written-out rounds)', () => {
    // The derivation as specified, with the rounds in a loop, against the stream's unrolled one.
    const mix = (h: number): number => {
      h ^= h >>> 16;
      h = Math.imul(h, 0x85ebca6b);
      h ^= h >>> 13;
      h = Math.imul(h, 0xc2b2ae35);
      return h ^ (h >>> 16);
    };
    const step = (w: Int32Array): number => {
      let [a, b, c, d] = w as unknown as [number, number, number, number];
      b = (b << 25) ^ (b >>> 7) ^ c;
      c = (c - d) | 0;
      d = (d << 24) ^ (d >>> 8) ^ a;
      a = (a - b) | 0;
      b = (b << 20) ^ (b >>> 12) ^ c;
      c = (c - d) | 0;
      d = (d << 16) ^ (c >>> 16) ^ a;
      a = (a - b) | 0;
      w.set([a, b, c, d]);
      return a;
    };
    let checked = 0;
    for (const [lo, hi, k] of [
      [0, 0, 0],
      [1, 2, 3],
      [-1, 0x7fffffff, -0x80000000],
      [0x12345678, -0x2468ace0, 0x0badf00d],
    ] as const) {
      const w = new Int32Array([
        mix(lo ^ k),
        mix(hi ^ Math.imul(k, 0x9e3779b9)),
        mix((lo + 0x632be5ab) ^ Math.imul(k ^ hi, 0x85ebca77)),
        mix(hi ^ Math.imul(k + 0x7f4a7c15, 0xc2b2ae3d)) | 1,
      ]);
      for (let r = 0; r < STREAM_WARMUP; r++) step(w);
      const stream = new TrialStream(0, k);
      stream.arm(lo, hi);
      for (let i = 0; i < 20; i++, checked++) expect(stream.nextInt32()).toBe(step(w));
    }
    expect(checked).toBe(80);
  });

  it('draws from the open interval (0, 1)', () => {
    const s = new TrialStream(3);
    let min = 1;
    let max = 0;
    for (let i = 0; i < 100_000; i++) {
      const u = s.uniform();
      min = Math.min(min, u);
      max = Math.max(max, u);
    }
    expect(min).toBeGreaterThan(0);
    expect(max).toBeLessThan(1);
  });
});

describe('trialSeed', () => {
  it('is a pure function of (seed, trial, stream) and gives distinct 53-bit seeds', () => {
    expect(trialSeed(1, 7)).toBe(trialSeed(1, 7));
    const seen = new Set<number>();
    for (let seed = 0; seed < 4; seed++) {
      for (let trial = 0; trial < 50_000; trial++) {
        const x = trialSeed(seed, trial);
        expect(Number.isSafeInteger(x) && x >= 0).toBe(true);
        seen.add(x);
      }
    }
    expect(seen.size).toBe(200_000);
    expect(trialSeed(1, 7, 1)).not.toBe(trialSeed(1, 7, 0));
  });

  it('gives streams whose first draws are uncorrelated across neighbouring trials', () => {
    // Lag-1 correlation of first uniforms of trials 0..n-1: |r| < 4.5/sqrt(n) (false alarm ≈ 7e-6).
    const n = 100_000;
    const s = new TrialStream();
    const xs = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s.reseed(trialSeed(12345, i));
      xs[i] = s.uniform();
    }
    let sxy = 0;
    let sx = 0;
    let sxx = 0;
    for (let i = 0; i < n - 1; i++) {
      sxy += xs[i]! * xs[i + 1]!;
      sx += xs[i]!;
      sxx += xs[i]! ** 2;
    }
    const m = sx / (n - 1);
    const r = (sxy / (n - 1) - m * m) / (sxx / (n - 1) - m * m);
    expect(Math.abs(r)).toBeLessThan(4.5 / Math.sqrt(n));
    expect(Math.abs(m - 0.5)).toBeLessThan(4.5 * Math.sqrt(1 / 12 / n));
  });
});
