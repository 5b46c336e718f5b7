/**
 * Sensitivity indices against test functions with known answers. Sobol' indices use Saltelli
 * designs with Jansen estimators; the tolerances below are a few times the bootstrap half-widths
 * at these sample sizes, and each test also checks that the exact value lies inside (or within a
 * small margin of) the reported 95% interval.
 */
import { describe, expect, it } from 'vitest';
import { type GeoriskError, loadScenarioText, sensitivity } from '../src/index.ts';
import { latinHypercube, morrisDesign, replicatedSaltelliDesign, saltelliDesign, sobolPoints } from '../src/sampling.ts';
import { morrisEffects, sobolIndices } from '../src/sensitivity.ts';
import { ISHIGAMI, ishigami } from './sensitivity-functions.ts';

/** A scenario whose metric `y` is an expression of its parameters x1 … xD (one trial per point suffices). */
function functionScenario(expr: string, dims: number, ranges: [number, number][] = []): string {
  const params = Array.from({ length: dims }, (_, i) => {
    const [lo, hi] = ranges[i] ?? [0, 1];
    return `  x${i + 1}: { default: ${(lo + hi) / 2}, range: [${lo}, ${hi}] }`;
  }).join('\n');
  return `id: test-function
time: { unit: day, dt: 1, horizon: 1 }
parameters:
${params}
tracks:
  track:
    states: [a, b]
    transitions:
      - { from: a, to: b, rate: 0 }
metrics:
  y: { expr: '${expr}' }
`;
}

const load = (text: string) => loadScenarioText(text).scenario;

describe('Sobol sequence', () => {
  it('is balanced: the first 2^m points put one point in each of 2^m strata of every dimension', () => {
    const n = 64;
    const dims = 20;
    const pts = sobolPoints(n, dims, 3);
    for (let d = 0; d < dims; d++) {
      const strata = new Set<number>();
      for (let i = 0; i < n; i++) strata.add(Math.floor(pts[i * dims + d]! * n));
      expect(strata.size).toBe(n);
    }
  });

  it('is a (0, m, 2)-net in dimensions 1 and 2: every 2^a × 2^(m−a) box holds one point', () => {
    const m = 6;
    const n = 2 ** m;
    const pts = sobolPoints(n, 2, 11);
    for (let a = 0; a <= m; a++) {
      const cells = new Set<string>();
      for (let i = 0; i < n; i++) cells.add(`${Math.floor(pts[2 * i]! * 2 ** a)}:${Math.floor(pts[2 * i + 1]! * 2 ** (m - a))}`);
      expect(cells.size).toBe(n);
    }
  });

  it('is deterministic in its seed and differs between seeds', () => {
    expect(sobolPoints(16, 4, 1)).toEqual(sobolPoints(16, 4, 1));
    expect(sobolPoints(16, 4, 1)).not.toEqual(sobolPoints(16, 4, 2));
  });

  it('Latin hypercube strata hold one point each', () => {
    const n = 50;
    const pts = latinHypercube(n, 3, 5);
    for (let d = 0; d < 3; d++) {
      const strata = new Set<number>();
      for (let i = 0; i < n; i++) strata.add(Math.floor(pts[i * 3 + d]! * n));
      expect(strata.size).toBe(n);
    }
  });

  it('refuses sample counts Saltelli sampling cannot use', () => {
    expect(() => saltelliDesign(1000, 3, 1)).toThrow(/power of two.*1000/);
    expect(() => saltelliDesign(2, 3, 1)).toThrow(/at least 4/);
    expect(() => saltelliDesign(64, 19, 1)).toThrow(/at most 18 parameters/);
  });
});

describe('Sobol indices', () => {
  it('Ishigami (a = 7, b = 0.1) through the design and estimator API: S1 within 0.03, ST within 0.03', () => {
    const n = 1024;
    const replicates = 8;
    const dims = 3;
    const unit = replicatedSaltelliDesign(n, dims, 1, replicates);
    const y = new Float64Array(unit.length / dims);
    for (let i = 0; i < y.length; i++) y[i] = ishigami(Array.from(unit.subarray(i * dims, i * dims + dims)));
    const r = sobolIndices(y, n, dims, replicates);
    ISHIGAMI.s1.forEach((exact, d) => {
      expect(Math.abs(r.first[d]! - exact)).toBeLessThan(0.03);
    });
    ISHIGAMI.st.forEach((exact, d) => {
      expect(Math.abs(r.total[d]! - exact)).toBeLessThan(0.03);
    });
  });

  it("Sobol' G-function (a = 0, 1, 4.5, 9) as a scenario: indices within 0.05 of the analytic values", () => {
    const a = [0, 1, 4.5, 9];
    const expr = a.map((ai, i) => `(abs(4 * x${i + 1} - 2) + ${ai}) / (1 + ${ai})`).join(' * ');
    const vi = a.map((ai) => 1 / 3 / (1 + ai) ** 2);
    const v = vi.reduce((p, x) => p * (1 + x), 1) - 1;
    const s1 = vi.map((x) => x / v);
    const st = vi.map((x, i) => (x * vi.reduce((p, y, j) => (j === i ? p : p * (1 + y)), 1)) / v);
    const r = sensitivity(load(functionScenario(expr, 4)), { method: 'sobol', samples: 2048, trials: 1, sampling: 'uniform' });
    expect(r.modelRuns).toBe(2048 * 6);
    expect(r.solver).toBe('exact');
    const byParam = new Map((r.metrics[0]?.sobol ?? []).map((s) => [s.param, s]));
    a.forEach((_, i) => {
      const s = byParam.get(`x${i + 1}`);
      expect(Math.abs(s!.first - s1[i]!)).toBeLessThan(0.05);
      expect(Math.abs(s!.total - st[i]!)).toBeLessThan(0.05);
    });
    expect(r.metrics[0]?.sobol?.map((s) => s.param)).toEqual(['x1', 'x2', 'x3', 'x4']);
  });

  it('a linear model: S1 = ST = c_i² range_i² / Σ, within 0.02, ranked, no warning', () => {
    // y = 4 x1 + 2 x2 + x3 on [0, 1]³ plus x4 on [0, 2], which does not enter.
    const r = sensitivity(
      load(
        functionScenario('4 * x1 + 2 * x2 + x3 + 0 * x4', 4, [
          [0, 1],
          [0, 1],
          [0, 1],
          [0, 2],
        ]),
      ),
      {
        method: 'sobol',
        samples: 1024,
        trials: 1,
      },
    );
    const m = r.metrics[0];
    expect(m?.sobol?.map((s) => s.param)).toEqual(['x1', 'x2', 'x3', 'x4']);
    const exact = [16 / 21, 4 / 21, 1 / 21, 0];
    m?.sobol?.forEach((s, i) => {
      expect(Math.abs(s.first - exact[i]!)).toBeLessThan(0.02);
      expect(Math.abs(s.total - exact[i]!)).toBeLessThan(0.02);
    });
    expect(m?.warnings).toEqual([]);
  });

  it('warns that the ranking is unsettled only when it is: equal effects at few samples, not a linear model', () => {
    const equal = sensitivity(load(functionScenario('x1 + x2 + 0.1 * x3', 3)), { method: 'sobol', samples: 32, trials: 1 });
    expect(equal.metrics[0]?.warnings.join('\n')).toMatch(/ranking is unsettled.*x[12] \/ x[12].*use more samples \(now 32\)/);
    const linear = sensitivity(load(functionScenario('4 * x1 + 2 * x2 + x3', 3)), { method: 'sobol', samples: 64, trials: 1 });
    expect(linear.metrics[0]?.warnings).toEqual([]);
  });

  it('a constant output has no variance, whatever the rounding of its one-pass variance: undefined indices and a warning, not 0/0 first orders', () => {
    // 0.1 is not a binary fraction: mean of squares minus squared mean leaves 2.8e-17, not 0.
    const estimates = sobolIndices(new Float64Array(4 * 2 * 3).fill(0.1), 4, 1, 2);
    expect(estimates.variance).toBe(0);
    const r = sensitivity(load(functionScenario('0.1 + 0 * x1 + 0 * x2', 2)), { method: 'sobol', samples: 32, trials: 1 });
    const m = r.metrics[0];
    expect(m?.variance).toBe(0);
    expect(m?.warnings).toEqual(['y does not vary over these ranges: its indices are undefined']);
    for (const s of m?.sobol ?? []) expect([s.first, s.total]).toEqual([Number.NaN, Number.NaN]);
  });

  it('refuses, before building it, a design with more points than a sweep may have, with the most samples that fit', () => {
    const s = load(functionScenario('x1 + x2', 2));
    // Sizes whose designs cannot even be allocated, so that without the check this fails at once, not out of memory.
    expect(() => sensitivity(s, { method: 'morris', samples: 1e10, trials: 1 })).toThrow(
      /10000000000 Morris trajectories over 2 parameters make 30000000000 points, more than the limit of 10000000/,
    );
    expect(() => sensitivity(s, { method: 'sobol', samples: 2 ** 34, trials: 1 })).toThrow(
      /Sobol' with 17179869184 base samples over 2 factors makes 68719476736 points, more than the limit of 10000000/,
    );
    try {
      sensitivity(s, { method: 'sobol', samples: 2 ** 34, trials: 1 });
    } catch (error) {
      expect((error as GeoriskError).issues[0]).toMatchObject({
        code: 'bad_run_options',
        path: 'samples',
        hint: 'use at most 2097152 (a power of two)',
      });
    }
  });

  it('is deterministic in its seed', () => {
    const s = load(functionScenario('x1 * x2 + x3', 3));
    expect(sensitivity(s, { method: 'sobol', samples: 64, trials: 1, seed: 4 })).toEqual(
      sensitivity(s, { method: 'sobol', samples: 64, trials: 1, seed: 4 }),
    );
  });
});

describe('Morris', () => {
  it('ranks a function with known effects: μ* = |coefficient| × range for linear terms, σ > 0 only with interactions', () => {
    // y = 10 x1 − 5 x2 + x3 + 3 x3 x4 on [0, 1]⁴ (x4 enters only through the interaction).
    const r = sensitivity(load(functionScenario('10 * x1 - 5 * x2 + x3 + 3 * x3 * x4', 4)), {
      method: 'morris',
      samples: 30,
      trials: 1,
    });
    const e = r.metrics[0]?.morris ?? [];
    expect(e.map((x) => x.param)).toEqual(['x1', 'x2', 'x3', 'x4']);
    expect(e[0]?.muStar).toBeCloseTo(10, 9);
    expect(e[0]?.sigma).toBeCloseTo(0, 9);
    expect(e[1]?.muStar).toBeCloseTo(5, 9);
    expect(e[1]?.mu).toBeCloseTo(-5, 9);
    expect(e[2]?.sigma).toBeGreaterThan(0.5);
    expect(e[3]?.sigma).toBeGreaterThan(0.5);
    expect(r.modelRuns).toBe(30 * 5);
  });

  it('the design moves one coordinate by ±Δ per step and stays in the unit cube', () => {
    const d = morrisDesign(10, 3, 7);
    for (let t = 0; t < 10; t++) {
      for (let k = 1; k <= 3; k++) {
        const before = Array.from(d.points.slice((t * 4 + k - 1) * 3, (t * 4 + k) * 3));
        const after = Array.from(d.points.slice((t * 4 + k) * 3, (t * 4 + k + 1) * 3));
        const changed = after.map((x, i) => x - before[i]!).filter((x) => Math.abs(x) > 1e-12);
        expect(changed.length).toBe(1);
        expect(Math.abs(changed[0]!)).toBeCloseTo(2 / 3, 12);
        for (const x of after) expect(x >= -1e-12 && x <= 1 + 1e-12).toBe(true);
      }
    }
    const y = new Float64Array(40).map((_, i) => i);
    expect(morrisEffects(d, y).length).toBe(3);
  });
});

describe('tornado', () => {
  it('swings each parameter across its range with the others at their defaults, ranked by swing', () => {
    const r = sensitivity(load(functionScenario('x1 + 3 * x2 - 2 * x3', 3)), { method: 'tornado', trials: 1 });
    const bars = r.metrics[0]?.tornado ?? [];
    expect(r.metrics[0]?.base).toBeCloseTo(0.5 + 1.5 - 1, 12);
    expect(bars.map((b) => [b.param, b.swing])).toEqual([
      ['x2', 3],
      ['x3', 2],
      ['x1', 1],
    ]);
    expect(bars[1]).toMatchObject({ low: 0, high: 1, outputLow: 2, outputHigh: 0 });
  });

  it('uses percentiles of an uncertainty distribution when asked', () => {
    const text = functionScenario('x1', 1).replace(
      'x1: { default: 0.5, range: [0, 1] }',
      'x1: { default: 0.5, range: [0, 1], uncertainty: { dist: uniform, min: 0, max: 1 } }',
    );
    const r = sensitivity(load(text), { method: 'tornado', trials: 1, percentiles: [10, 90] });
    expect(r.metrics[0]?.tornado?.[0]).toMatchObject({ low: 0.1, high: 0.9 });
    expect(r.percentiles).toEqual([10, 90]);
    // A parameter without a declared prior takes its default one, triangular over its range peaking
    // at its default (as bands and Sobol' draw it): it swung over its whole range, beside the others' percentiles.
    const triangular = sensitivity(load(functionScenario('x1', 1)), { method: 'tornado', trials: 1, percentiles: [10, 90] });
    const bar = triangular.metrics[0]?.tornado?.[0];
    expect(bar?.low).toBeCloseTo(Math.sqrt(0.1 * 0.5), 12);
    expect(bar?.high).toBeCloseTo(1 - Math.sqrt(0.1 * 0.5), 12);
  });
});
