/** The deterministic elementary functions agree with the platform's to within one unit in the last place. */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cos, exp, expm1, floorLogRatio, log, log1p, pow, sin, tan } from '../src/det-math.ts';
import { TrialStream } from '../src/rng.ts';

/** Distance in units of the last place between two doubles of the same sign. */
function ulps(a: number, b: number): number {
  if (a === b) return 0;
  if (!Number.isFinite(a) || !Number.isFinite(b) || Math.sign(a) !== Math.sign(b)) return Number.POSITIVE_INFINITY;
  const buf = new DataView(new ArrayBuffer(16));
  buf.setFloat64(0, Math.abs(a));
  buf.setFloat64(8, Math.abs(b));
  return Number(
    buf.getBigInt64(0) - buf.getBigInt64(8) < 0n ? buf.getBigInt64(8) - buf.getBigInt64(0) : buf.getBigInt64(0) - buf.getBigInt64(8),
  );
}

describe('deterministic math', () => {
  const rng = new TrialStream(99);
  const samples = (n: number, make: (u: number) => number) => Array.from({ length: n }, () => make(rng.uniform()));

  it.each([
    ['log', log, Math.log, samples(20_000, (u) => Math.exp(700 * (2 * u - 1)))],
    ['exp', exp, Math.exp, samples(20_000, (u) => 1400 * u - 700)],
    ['log1p', log1p, Math.log1p, samples(20_000, (u) => (u < 0.5 ? -0.999999 * u * 2 : Math.exp(60 * (u - 0.5)) - 1))],
    ['expm1', expm1, Math.expm1, samples(20_000, (u) => (u < 0.5 ? 1e-12 * (u - 0.25) : 80 * (u - 0.75)))],
  ] as const)('%s is within 1 ulp of Math.%s over its range', (_name, ours, platform, xs) => {
    let worst = 0;
    for (const x of xs) worst = Math.max(worst, ulps(ours(x), platform(x)));
    expect(worst).toBeLessThanOrEqual(1);
  });

  it.each([
    ['sin', sin, Math.sin],
    ['cos', cos, Math.cos],
    ['tan', tan, Math.tan],
  ] as const)('%s is within 1 ulp of the platform function from tiny to huge arguments', (_name, ours, platform) => {
    let worst = 0;
    for (const scale of [1e-9, 1, 100, 1e5, 1e9, 1e22, 1e300]) {
      for (const x of samples(3000, (u) => scale * (2 * u - 1))) worst = Math.max(worst, ulps(ours(x), platform(x)));
    }
    expect(worst).toBeLessThanOrEqual(1);
  });

  it('gives the textbook values of sine, cosine and tangent, and NaN for infinities', () => {
    expect(sin(0)).toBe(0);
    expect(Object.is(sin(-0), -0)).toBe(true);
    expect(cos(0)).toBe(1);
    expect(sin(Math.PI / 6)).toBeCloseTo(0.5, 15);
    expect(sin(Math.PI / 2)).toBe(1);
    expect(cos(Math.PI)).toBe(-1);
    expect(sin(Math.PI)).toBe(1.2246467991473532e-16);
    expect(tan(Math.PI / 4)).toBeCloseTo(1, 15);
    expect(tan(-Math.PI / 3)).toBeCloseTo(-Math.sqrt(3), 14);
    expect(sin(1e22)).toBe(-0.8522008497671888);
    for (const f of [sin, cos, tan]) {
      expect(f(Number.POSITIVE_INFINITY)).toBeNaN();
      expect(f(Number.NaN)).toBeNaN();
    }
  });

  it('keeps the bits of log over the whole range of positive doubles, subnormals included', () => {
    // A pin of fdlibm's bits (computed with the port as first written, which rewrote the high word),
    // so that a faster way to the same arithmetic cannot change a single result.
    const bits = new Float64Array(1);
    const words = new Uint32Array(bits.buffer);
    const out = new Float64Array(200_000);
    let seed = 2463534242;
    const next = () => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return seed >>> 0;
    };
    for (let i = 0; i < out.length; i++) {
      words[0] = next();
      words[1] = next() & 0x7fffffff;
      out[i] = log(bits[0] as number);
    }
    expect(createHash('sha256').update(new Uint8Array(out.buffer)).digest('hex')).toBe(
      '5cb6cbbf8b92485bca3a18b6f2f7d43e10cceda34e5a6d750a0d53412147dfa2',
    );
  });

  it('handles the special values as Math does', () => {
    for (const f of [log, log1p]) expect(f(Number.NaN)).toBeNaN();
    expect(log(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(log(-1)).toBeNaN();
    expect(log(1)).toBe(0);
    expect(log(Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY);
    expect(log(5e-324)).toBe(Math.log(5e-324));
    expect(exp(0)).toBe(1);
    expect(exp(1000)).toBe(Number.POSITIVE_INFINITY);
    expect(exp(-1000)).toBe(0);
    expect(exp(Number.NEGATIVE_INFINITY)).toBe(0);
    expect(log1p(-1)).toBe(Number.NEGATIVE_INFINITY);
    expect(log1p(-2)).toBeNaN();
    expect(expm1(0)).toBe(0);
    expect(expm1(-Number.POSITIVE_INFINITY)).toBe(-1);
    expect(expm1(1e-300)).toBe(1e-300);
  });

  it('raises to whole powers by multiplication and to others through exp and log', () => {
    expect(pow(3, 2)).toBe(9);
    expect(pow(2, -3)).toBe(0.125);
    expect(pow(10, 0)).toBe(1);
    expect(pow(-2, 3)).toBe(-8);
    expect(pow(-2, 0.5)).toBeNaN();
    // A negative base takes a whole power above 64 too (it was NaN), with the sign of its parity.
    expect(pow(-0.9, 66)).toBeCloseTo(0.9 ** 66, 15);
    expect(pow(-0.9, 66) / 0.9 ** 66).toBeCloseTo(1, 13);
    expect(pow(-1.01, 101) / -(1.01 ** 101)).toBeCloseTo(1, 13);
    expect(pow(-3, 2 ** 60)).toBe(Number.POSITIVE_INFINITY);
    expect(pow(-0.5, 2 ** 60)).toBe(0);
    expect(pow(-2, 100.5)).toBeNaN();
    fc.assert(
      fc.property(fc.double({ min: 1e-3, max: 1e3, noNaN: true }), fc.double({ min: -20, max: 20, noNaN: true }), (x, y) => {
        expect(Math.abs(pow(x, y) - x ** y)).toBeLessThanOrEqual(1e-12 * Math.abs(x ** y));
      }),
    );
  });

  describe('floorLogRatio', () => {
    afterEach(() => vi.restoreAllMocks());
    // Geometric draws: u uniform, d = log(1 − leave) over leave probabilities from 1e-12 to 1 − 1e-12,
    // plus ratios that land exactly on an integer, where rounding decides the floor.
    const cases = (): [number, number][] => {
      const out: [number, number][] = [];
      for (let i = 0; i < 100_000; i++) {
        const u = rng.uniform();
        out.push([u, log1p(-(10 ** (-12 * rng.uniform())))]);
        out.push([u, log(u) / (1 + Math.floor(50 * rng.uniform()))]);
      }
      return out;
    };

    it('gives the same integer as Math.floor(log(u) / d) with the exact log', () => {
      for (const [u, d] of cases()) expect(floorLogRatio(u, d)).toBe(Math.floor(log(u) / d));
    });

    it('gives the same integer when the platform log is off by two units in the last place', () => {
      // A platform whose Math.log errs (engines may): the answer must still be the exact log's.
      const platform = Math.log;
      const view = new DataView(new ArrayBuffer(8));
      vi.spyOn(Math, 'log').mockImplementation((x) => {
        view.setFloat64(0, platform(x));
        view.setBigInt64(0, view.getBigInt64(0) + (x < 0.5 ? 2n : -2n));
        return view.getFloat64(0);
      });
      let mismatches = 0;
      for (const [u, d] of cases()) if (floorLogRatio(u, d) !== Math.floor(log(u) / d)) mismatches++;
      expect(mismatches).toBe(0);
    });
  });
});
