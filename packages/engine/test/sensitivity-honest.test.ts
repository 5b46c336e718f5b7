/**
 * Sensitivity that tells signal from noise: intervals with honest coverage on functions with known
 * indices, Sobol' sampling from declared priors, the exact solver for Markov scenarios, noise floors
 * for Monte Carlo, Morris screening before Sobol' on many parameters, and bad options refused.
 */
import { describe, expect, it } from 'vitest';
import { libraryScenario } from '../../../test/helpers/library-scenarios.ts';
import { betaCdf, gammaCdf } from '../src/distribution-quantile.ts';
import { loadScenarioText, type SensitivityResult, sensitivity } from '../src/index.ts';
import { replicatedSaltelliDesign } from '../src/sampling.ts';
import { distributionQuantile, planSensitivity, sobolIndices } from '../src/sensitivity.ts';
import { G_FUNCTION, gFunction, ISHIGAMI, ishigami } from './sensitivity-functions.ts';

/** A scenario whose metric `y` is an expression of its parameters (a Markov chain: the exact solver evaluates it). */
function functionScenario(expr: string, params: string[]): string {
  return `id: test-function
time: { unit: day, dt: 1, horizon: 1 }
parameters:
${params.map((p) => `  ${p}`).join('\n')}
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
// The analytic indices assume uniform inputs, so each parameter declares it (the default prior is triangular).
const UNIFORM = 'uncertainty: { dist: uniform, min: 0, max: 1 }';
const unitParams = (n: number) => Array.from({ length: n }, (_, i) => `x${i + 1}: { default: 0.5, range: [0, 1], ${UNIFORM} }`);

/** Share of 95% intervals that hold the exact index, over `seeds` independent replicated designs. */
function coverage(f: (u: number[]) => number, exact: { s1: number[]; st: number[] }, n: number, seeds: number): number {
  const dims = exact.s1.length;
  const replicates = 8;
  let hit = 0;
  let total = 0;
  for (let seed = 1; seed <= seeds; seed++) {
    const unit = replicatedSaltelliDesign(n / replicates, dims, seed, replicates);
    const y = new Float64Array(unit.length / dims);
    for (let i = 0; i < y.length; i++) y[i] = f(Array.from(unit.subarray(i * dims, i * dims + dims)));
    const r = sobolIndices(y, n / replicates, dims, replicates);
    for (let d = 0; d < dims; d++) {
      for (const [[lo, hi], value] of [
        [r.firstCi95[d]!, exact.s1[d]!],
        [r.totalCi95[d]!, exact.st[d]!],
      ] as const) {
        total++;
        if (lo <= value && value <= hi) hit++;
      }
    }
  }
  return hit / total;
}

describe("Sobol' intervals from replicated randomized QMC", () => {
  // 100 seeds × 6 or 12 intervals each. With true coverage 0.95 and intervals counted as independent,
  // a fresh seed set falls outside [0.90, 0.97] with probability about 1.2% (600 intervals: 0.97 is
  // 2.25 SE above); the seeds are fixed, so the test itself is deterministic.
  it.each([
    ['Ishigami', 256, ishigami, ISHIGAMI],
    ['Ishigami', 1024, ishigami, ISHIGAMI],
    ['G-function', 256, gFunction, G_FUNCTION],
    ['G-function', 1024, gFunction, G_FUNCTION],
  ] as const)('%s at N = %i: 95%% intervals cover the exact indices 90–97%% of the time', (_name, n, f, exact) => {
    const c = coverage(f, exact, n, 100);
    expect(c).toBeGreaterThanOrEqual(0.9);
    expect(c).toBeLessThanOrEqual(0.97);
  });

  it('a linear model estimated tightly gets tight intervals and no ranking warning', () => {
    const r = sensitivity(load(functionScenario('4 * x1 + 2 * x2 + x3', unitParams(3))), { method: 'sobol', samples: 256 });
    const m = r.metrics[0]!;
    expect(m.warnings).toEqual([]);
    for (const s of m.sobol ?? []) expect(s.totalCi95[1] - s.totalCi95[0]).toBeLessThan(0.02);
  });

  it('ends every interval within [0, 1], as a share of variance must', () => {
    // One parameter carries almost all the variance: its intervals straddle 1 before they are clamped.
    const r = sensitivity(load(functionScenario('10 * x1 + 0.3 * x2 * x3', unitParams(3))), { method: 'sobol', samples: 32 });
    const ends = (r.metrics[0]?.sobol ?? []).flatMap((s) => [...s.firstCi95, ...s.totalCi95]);
    expect(ends).toHaveLength(12);
    for (const x of ends) expect(x >= 0 && x <= 1, String(x)).toBe(true);
    expect(ends).toContain(1);
    // So do the estimates, each inside its own interval (a total of 1.0044 sat outside [0.959, 1]).
    for (const s of r.metrics[0]?.sobol ?? []) {
      for (const [x, [lo, hi]] of [
        [s.first, s.firstCi95],
        [s.total, s.totalCi95],
      ] as const)
        expect(x >= lo && x <= hi && x <= 1, `${s.param}: ${x} in [${lo}, ${hi}]`).toBe(true);
    }
  });

  it('gives a parameter the output does not read exactly 0, first and total, at any N', () => {
    for (const samples of [32, 256]) {
      const r = sensitivity(load(functionScenario('4 * x1 + x2 * x2', unitParams(4))), { method: 'sobol', samples });
      const byName = new Map((r.metrics[0]?.sobol ?? []).map((s) => [s.param, s]));
      for (const inert of ['x3', 'x4']) {
        expect(byName.get(inert)?.first).toBe(0);
        expect(byName.get(inert)?.total).toBe(0);
      }
      expect(byName.get('x1')?.first).toBeGreaterThan(0.5);
    }
  });

  it('reports first-order estimates below 0 as 0, with a note', () => {
    // Pure interaction: both first-order indices are exactly 0, so their estimates straddle it.
    const found = [1, 2, 3, 4, 5, 6, 7, 8].map((seed) =>
      sensitivity(load(functionScenario('(x1 - 0.5) * (x2 - 0.5)', unitParams(2))), { method: 'sobol', samples: 32, seed }),
    );
    for (const r of found) for (const s of r.metrics[0]?.sobol ?? []) expect(s.first).toBeGreaterThanOrEqual(0);
    const noted = found.filter((r) => r.metrics[0]?.notes.some((n) => /below 0 are shown as 0/.test(n)));
    expect(noted.length).toBeGreaterThan(0);
  });
});

describe("Sobol' sampling from priors", () => {
  const text = functionScenario('x1 + x2', [
    'x1: { default: 0.8, range: [0, 1], uncertainty: { dist: beta, alpha: 8, beta: 2 } }',
    `x2: { default: 0.5, range: [0, 1], ${UNIFORM} }`,
  ]);
  // Var beta(8, 2) = αβ / ((α + β)² (α + β + 1)) = 16 / 1100; Var U(0, 1) = 1/12.
  const exactS1 = 16 / 1100 / (16 / 1100 + 1 / 12);

  it(`draws a beta(8, 2) parameter by its inverse CDF: S1(x1) = ${exactS1.toFixed(4)} within 0.01`, () => {
    expect(exactS1).toBeCloseTo(0.1486, 4);
    const r = sensitivity(load(text), { method: 'sobol', samples: 1024 });
    const x1 = r.metrics[0]?.sobol?.find((s) => s.param === 'x1');
    expect(Math.abs(x1!.first - exactS1)).toBeLessThan(0.01);
    expect(r.sampling).toBe('prior');
    expect(r.sampledFrom).toEqual({ x1: 'beta(8, 2)', x2: 'uniform(0, 1)' });
  });

  it('samples uniformly over the ranges when asked: S1(x1) = 0.5 within 0.01', () => {
    const r = sensitivity(load(text), { method: 'sobol', samples: 1024, sampling: 'uniform' });
    const x1 = r.metrics[0]?.sobol?.find((s) => s.param === 'x1');
    expect(Math.abs(x1!.first - 0.5)).toBeLessThan(0.01);
  });

  it('inverts every declared distribution: CDF(quantile(p)) = p within 1e-9', () => {
    for (const p of [0.01, 0.1, 0.5, 0.9, 0.99]) {
      expect(betaCdf(distributionQuantile({ dist: 'beta', alpha: 8, beta: 2 }, p), 8, 2)).toBeCloseTo(p, 9);
      expect(betaCdf(distributionQuantile({ dist: 'beta', alpha: 0.5, beta: 0.5 }, p), 0.5, 0.5)).toBeCloseTo(p, 9);
      expect(gammaCdf(distributionQuantile({ dist: 'gamma', shape: 3, scale: 2 }, p) / 2, 3)).toBeCloseTo(p, 9);
      // gamma(1, θ) is exponential: its quantile is −θ ln(1 − p).
      expect(distributionQuantile({ dist: 'gamma', shape: 1, scale: 2 }, p)).toBeCloseTo(-2 * Math.log(1 - p), 9);
    }
  });

  it('refuses an unknown sampling option, naming the choices', () => {
    expect(() => sensitivity(load(text), { method: 'sobol', samples: 64, sampling: 'lhs' })).toThrow(
      /sampling: error \[bad_run_options\] unknown sampling "lhs"[\s\S]*choose prior .* or uniform/,
    );
  });
});

describe('signal and noise on the 2022 scenario', () => {
  const scenario = libraryScenario('scenarios/armenia-azerbaijan-2022.yaml');
  const vary = [{ name: 'armenian_fatality_rate' }, { name: 'sector_distance_km' }, { name: 'offensive_escalation_rate' }];
  const bars = (r: SensitivityResult) => new Map((r.metrics[0]?.tornado ?? []).map((b) => [b.param, b]));

  it('the exact solver gives a noise-free tornado: parameters war_reached does not read swing exactly 0', () => {
    const r = sensitivity(scenario, { method: 'tornado', vary, metrics: ['war_reached'] });
    expect(r.solver).toBe('exact');
    const b = bars(r);
    expect(b.get('armenian_fatality_rate')?.swing).toBe(0);
    expect(b.get('sector_distance_km')?.swing).toBe(0);
    expect(b.get('offensive_escalation_rate')?.swing).toBeGreaterThan(0.01);
    expect(b.get('offensive_escalation_rate')?.withinNoise).toBe(false);
    expect(r.metrics[0]?.noiseFloor).toBe(0);
    // The two are named once, as not read (exactly 0 by structure), not again as "no effect".
    const notes = r.metrics[0]?.notes.join('\n');
    expect(notes).toMatch(/2 of 3 parameters are not read by war_reached.*exactly 0 by the model's structure/);
    expect(notes).not.toMatch(/no effect/);
  });

  it('Monte Carlo shows each bar with its interval and the noise floor, and says which are within noise', () => {
    const r = sensitivity(scenario, { method: 'tornado', vary, metrics: ['war_reached'], solver: 'monte-carlo', trials: 400, seed: 3 });
    expect(r.solver).toBe('monte-carlo');
    const m = r.metrics[0]!;
    expect(m.noiseFloor).toBeGreaterThan(0.01);
    const b = bars(r);
    expect(b.get('armenian_fatality_rate')?.withinNoise).toBe(true);
    expect(b.get('sector_distance_km')?.withinNoise).toBe(true);
    expect(b.get('offensive_escalation_rate')?.withinNoise).toBe(false);
    for (const bar of b.values()) expect(bar.swingCi95[0]).toBeLessThanOrEqual(bar.swing);
    expect(m.notes.join('\n')).toMatch(/are within noise \(floor/);
  });

  it('falls back to Monte Carlo, saying why, when a metric has no exact answer; refuses solver exact then', () => {
    const r = sensitivity(scenario, { method: 'tornado', vary: vary.slice(2), metrics: ['war_over_7_days'], trials: 50 });
    expect(r.solver).toBe('monte-carlo');
    expect(r.solverNote).toMatch(/war_over_7_days .* no exact answer/);
    expect(() => sensitivity(scenario, { method: 'tornado', vary: vary.slice(2), metrics: ['war_over_7_days'], solver: 'exact' })).toThrow(
      /solver: error \[bad_run_options\] the exact solver cannot evaluate this analysis/,
    );
  });
});

describe("Sobol' over more parameters than one design holds", () => {
  it('screens them by Morris first and continues on the leaders', () => {
    // 24 parameters, three of which matter.
    const r = sensitivity(load(functionScenario('10 * x1 + 5 * x2 + x3 * x4', unitParams(24))), { method: 'sobol', samples: 64 });
    expect(r.method).toBe('sobol');
    expect(r.screening?.kept.slice(0, 2)).toEqual(['x1', 'x2']);
    expect(r.screening?.kept).toEqual(expect.arrayContaining(['x3', 'x4']));
    expect(r.screening?.dropped).toEqual(expect.arrayContaining(['x5', 'x24']));
    expect(r.params.length).toBeLessThanOrEqual(18);
    expect(r.metrics[0]?.sobol?.[0]?.param).toBe('x1');
    expect(r.modelRuns).toBe((r.screening?.modelRuns ?? 0) + 64 * (r.params.length + 2));
  });

  it("refuses Sobol' sizes the stage after the screen would refuse, before planning the screen", () => {
    const many = load(functionScenario('10 * x1 + 5 * x2', unitParams(24)));
    expect(() => planSensitivity(many, { method: 'sobol', samples: 100 })).toThrow(
      /samples: error \[bad_run_options\] Sobol' needs a power of two of at least 4 base samples per replicate \(32 for 8 replicates\), got 100/,
    );
    expect(() => planSensitivity(many, { method: 'sobol', samples: 64, replicates: 3 })).toThrow(/replicates: error \[bad_run_options\]/);
  });
});

describe("Sobol' over groups of parameters", () => {
  it('treats each group as one factor: y = x1 + x2 + x3 with {g: x1, x2} gives S(g) = 2/3, S(x3) = 1/3 within 0.02', () => {
    const r = sensitivity(load(functionScenario('x1 + x2 + x3', unitParams(3))), {
      method: 'sobol',
      samples: 256,
      groups: { g: ['x1', 'x2'] },
    });
    expect(r.groups).toEqual({ g: ['x1', 'x2'], x3: ['x3'] });
    const byName = new Map((r.metrics[0]?.sobol ?? []).map((s) => [s.param, s]));
    expect(Math.abs(byName.get('g')!.first - 2 / 3)).toBeLessThan(0.02);
    expect(Math.abs(byName.get('x3')!.total - 1 / 3)).toBeLessThan(0.02);
    expect(r.modelRuns).toBe(256 * 4);
  });

  it('holds more parameters than one Sobol design (Latin-hypercube base): 24 parameters in two groups', () => {
    const a = Array.from({ length: 12 }, (_, i) => `x${i + 1}`);
    const b = Array.from({ length: 12 }, (_, i) => `x${i + 13}`);
    const r = sensitivity(load(functionScenario('x1 + 2 * x13', unitParams(24))), { method: 'sobol', samples: 512, groups: { a, b } });
    const byName = new Map((r.metrics[0]?.sobol ?? []).map((s) => [s.param, s]));
    // Var(x1) = 1/12, Var(2 x13) = 4/12: shares 0.2 and 0.8 (first = total). A Latin-hypercube base
    // converges more slowly than a Sobol' one, so the tolerance is looser; the intervals must cover.
    for (const [name, exact] of [
      ['a', 0.2],
      ['b', 0.8],
    ] as const) {
      const x = byName.get(name)!;
      for (const [value, [lo, hi]] of [
        [x.first, x.firstCi95],
        [x.total, x.totalCi95],
      ] as const) {
        expect(Math.abs(value - exact)).toBeLessThan(0.06);
        expect(lo).toBeLessThanOrEqual(exact);
        expect(hi).toBeGreaterThanOrEqual(exact);
      }
    }
    expect(r.screening).toBeUndefined();
  });

  it('refuses a group naming no parameter, or one that is not varied, with the path and a fix', () => {
    const s = load(functionScenario('x1 + x2', unitParams(2)));
    expect(() => sensitivity(s, { method: 'sobol', samples: 64, groups: { empty: [] } })).toThrow(
      /groups\.empty: error \[bad_run_options\] the group "empty" names no parameter[\s\S]*hint: list its parameters, or leave the group out/,
    );
    expect(() => sensitivity(s, { method: 'sobol', samples: 64, groups: { g: ['x1', 'x3'] } })).toThrow(
      /groups\.g: error \[bad_run_options\] the group "g" names "x3", which is not a varied parameter[\s\S]*did you mean "x[12]"\?/,
    );
  });
});
