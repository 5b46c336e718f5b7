/**
 * Monte Carlo against closed forms. Every statistical check allows 4.5 standard errors (two-sided
 * false-alarm rate ≈ 6.8e-6 per check; this file makes about 60 checks, so ≈ 4e-4 for the file).
 * Seeds are fixed, so the outcome is deterministic; the rate says how unlucky a seed would have to be.
 */
import { describe, expect, it } from 'vitest';
import { loadScenarioText, runScenario } from '../src/index.ts';
import { binomialSe, EVENTS_SCENARIO, runYaml, withoutTiming, Z_TOL } from './helpers.ts';

const N = 100_000;

const twoState = (rate: number, horizon = 30) => `
id: two-state
time: { unit: day, dt: 1, horizon: ${horizon} }
tracks:
  x:
    states: [a, b]
    transitions:
      - { from: a, to: b, rate: ${rate} }
metrics:
  left: { expr: 'ever(x, "b")' }
  when_left: { expr: 'first(x, "b")' }
  days_in_a: { expr: 'time_in(x, "a")' }
`;

describe.each([
  ['skipping', false],
  ['stepping', true],
])('a single two-state track (%s)', (_label, stepOnly) => {
  const r = 0.1;
  const result = runYaml(twoState(r), N, 11, stepOnly);

  it('leaves by time t with probability 1 − exp(−r·t)', () => {
    const occupancy = result.tracks.x?.occupancy.b ?? [];
    for (const t of [0, 1, 2, 5, 10, 20, 30]) {
      const p = 1 - Math.exp(-r * t);
      const se = Math.max(binomialSe(p, N), 1e-12);
      expect(Math.abs(occupancy[t]! - p)).toBeLessThanOrEqual(Z_TOL * se);
    }
    expect(result.metrics.left?.probability?.p).toBe(occupancy[30]);
  });

  it('has the geometric first-passage time, censored at the horizon', () => {
    const q = Math.exp(-r); // per-step stay probability
    const censored = q ** 30;
    const m = result.metrics.when_left;
    expect(m?.censored).toBeDefined();
    expect(Math.abs(m!.censored! - censored)).toBeLessThanOrEqual(Z_TOL * binomialSe(censored, N));
    // E[min(T, 30)] with P(T > k) = q^k is the sum of q^k for k = 0..29.
    let mean = 0;
    for (let k = 0; k < 30; k++) mean += q ** k;
    expect(Math.abs(m!.mean - mean)).toBeLessThanOrEqual(Z_TOL * m!.se);
    // time in a equals the censored first-passage time here.
    expect(result.metrics.days_in_a?.mean).toBeCloseTo(m!.mean, 12);
  });
});

describe('per-step probability transitions', () => {
  it('give a geometric first passage with P(T = k) = (1 − p)^(k−1)·p', () => {
    const p = 0.2;
    const result = runYaml(
      `
id: geometric
time: { unit: day, dt: 1, horizon: 50 }
tracks:
  x: { states: [a, b], transitions: [{ from: a, to: b, probability: ${p} }] }
metrics:
  t_b: { expr: 'first(x, "b")' }
`,
      N,
      3,
    );
    const cumulative = result.tracks.x?.firstPassage.b?.cumulative ?? [];
    for (const k of [1, 2, 3, 5, 10]) {
      const expected = 1 - (1 - p) ** k;
      expect(Math.abs(cumulative[k]! - expected)).toBeLessThanOrEqual(Z_TOL * binomialSe(expected, N));
    }
    const mean = (1 - (1 - p) ** 50) / p;
    const m = result.metrics.t_b;
    expect(Math.abs(m!.mean - mean)).toBeLessThanOrEqual(Z_TOL * m!.se);
  });
});

describe("gambler's ruin", () => {
  // States s0..s6 with per-step probabilities up p and down q = 1 − p; absorbing at s0 and s6.
  const gambler = (p: number, start: number) => {
    const states = Array.from({ length: 7 }, (_, i) => `s${i}`);
    const transitions = [];
    for (let i = 1; i < 6; i++) {
      transitions.push(`{ from: s${i}, to: s${i + 1}, probability: ${p} }`, `{ from: s${i}, to: s${i - 1}, probability: ${1 - p} }`);
    }
    return `
id: gamblers-ruin
time: { unit: day, dt: 1, horizon: 600 }
tracks:
  purse:
    states: [${states.join(', ')}]
    initial: s${start}
    transitions: [${transitions.join(', ')}]
metrics:
  win: { expr: 'ever(purse, "s6")' }
  ruin: { expr: 'ever(purse, "s0")' }
`;
  };

  it.each([
    [0.4, 3],
    [0.5, 2],
    [0.55, 1],
  ])('with p = %s from s%s matches (1 − (q/p)^i) / (1 − (q/p)^N)', (p, start) => {
    const result = runYaml(gambler(p, start), N, 5);
    const ratio = (1 - p) / p;
    const win = ratio === 1 ? start / 6 : (1 - ratio ** start) / (1 - ratio ** 6);
    const m = result.metrics.win!.probability!.p;
    expect(Math.abs(m - win)).toBeLessThanOrEqual(Z_TOL * binomialSe(win, N));
    // Absorption is certain for practical purposes within 600 steps.
    expect(result.metrics.ruin!.probability!.p + m).toBeCloseTo(1, 12);
  });
});

describe('flows', () => {
  it('a Poisson flow summed over 40 steps has mean and variance 100', () => {
    const result = runYaml(
      `
id: poisson-flow
time: { unit: day, dt: 1, horizon: 40 }
tracks:
  x: { states: [only] }
variables:
  count: {}
flows:
  - { to: count, amount: poisson(2.5 * dt) }
metrics:
  count: { expr: count }
`,
      N,
      9,
    );
    const m = result.metrics.count;
    expect(Math.abs(m!.mean - 100)).toBeLessThanOrEqual(Z_TOL * m!.se);
    // Var(sample variance) ≈ (μ4 − σ⁴)/n; for Poisson(100), μ4 = 3·100² + 100.
    const varSe = Math.sqrt((3 * 100 ** 2 + 100 - 100 ** 2) / N);
    expect(Math.abs(m!.sd ** 2 - 100)).toBeLessThanOrEqual(Z_TOL * varSe);
  });

  it('a flow that runs only in one state accumulates rate × expected time there', () => {
    const r = 0.1;
    const lambda = 3;
    const result = runYaml(
      `
id: conditional-flow
time: { unit: day, dt: 1, horizon: 30 }
tracks:
  x: { states: [a, b], transitions: [{ from: a, to: b, rate: ${r} }] }
variables:
  total: {}
  steady: {}
flows:
  - { to: total, when: 'x == "a"', amount: poisson(${lambda}) }
  - { to: steady, when: 'x == "a"', amount: 'negbin(${lambda}, 2)' }
metrics:
  total: { expr: total }
  steady: { expr: steady }
`,
      N,
      21,
    );
    let days = 0;
    for (let k = 0; k < 30; k++) days += Math.exp(-r * k);
    for (const name of ['total', 'steady']) {
      const m = result.metrics[name];
      expect(Math.abs(m!.mean - lambda * days)).toBeLessThanOrEqual(Z_TOL * m!.se);
    }
  });
});

describe('competing risks', () => {
  it('split the exits in proportion to the rates', () => {
    const result = runYaml(
      `
id: competing
time: { unit: day, dt: 1, horizon: 200 }
tracks:
  x:
    states: [a, b, c]
    transitions:
      - { from: a, to: b, rate: 0.3 }
      - { from: a, to: c, rate: 0.1 }
`,
      N,
      8,
    );
    const b = result.tracks.x!.final.b!;
    expect(Math.abs(b - 0.75)).toBeLessThanOrEqual(Z_TOL * binomialSe(0.75, N));
  });
});

describe('events', () => {
  it.each([false, true])('apply at their time and on the first time a condition holds (stepOnly %s)', (stepOnly) => {
    const result = runYaml(EVENTS_SCENARIO, 20_000, 4, stepOnly);
    // Nothing can happen before t = 5; at step 5→6 the clash is certain; war follows at rate 0.2 per day.
    // At t = 15 every trial is forced back to calm, so a war entered in the step 14→15 is never recorded
    // (records update after events): war is recorded only for the 8 steps 6→7 … 13→14.
    expect(result.metrics.clash_first?.min).toBe(6);
    expect(result.metrics.clash_first?.max).toBe(6);
    const war = 1 - Math.exp(-0.2 * 8);
    expect(Math.abs(result.metrics.war_by_15!.probability!.p - war)).toBeLessThanOrEqual(Z_TOL * binomialSe(war, 20_000));
    expect(result.metrics.alerts?.mean).toBe(result.metrics.war_by_15?.mean);
    expect(result.tracks.conflict?.final.calm).toBe(1);
    const occ = result.tracks.conflict?.occupancy;
    expect(occ?.calm?.[5]).toBe(1);
    expect(occ?.clash?.[6]).toBe(1);
    expect(occ?.calm?.[15]).toBe(1);
  });
});

describe('uncertain parameters', () => {
  it('are drawn once per trial, so a rate drawn from uniform(0, 0.2) mixes exp(−r·t)', () => {
    const result = runYaml(
      `
id: uncertain
time: { unit: day, dt: 1, horizon: 10 }
parameters:
  r: { default: 0.1, uncertainty: { dist: uniform, min: 0, max: 0.2 } }
tracks:
  x: { states: [a, b], transitions: [{ from: a, to: b, rate: r }] }
`,
      N,
      2,
    );
    // E[1 − exp(−10 r)] for r ~ U(0, 0.2) = 1 − (1 − e^−2)/2.
    const p = 1 - (1 - Math.exp(-2)) / 2;
    expect(Math.abs(result.tracks.x!.final.b! - p)).toBeLessThanOrEqual(Z_TOL * binomialSe(p, N));
  });

  it('are fixed by an override', () => {
    const { scenario } = loadScenarioText(`
id: uncertain
time: { unit: day, dt: 1, horizon: 10 }
parameters:
  r: { default: 0.1, uncertainty: { dist: uniform, min: 0, max: 0.2 } }
tracks:
  x: { states: [a, b], transitions: [{ from: a, to: b, rate: r }] }
`);
    const result = runScenario(scenario, { trials: N, seed: 2, overrides: { r: 0.05 } });
    const p = 1 - Math.exp(-0.5);
    expect(Math.abs(result.tracks.x!.final.b! - p)).toBeLessThanOrEqual(Z_TOL * binomialSe(p, N));
  });
});

describe('rates that read time or variables', () => {
  it('fall back to stepping and follow the integrated hazard', () => {
    // Hazard 0.02·t: P(still in a after n steps) = exp(−Σ_{k<n} 0.02·k·dt).
    const result = runYaml(
      `
id: time-varying
time: { unit: day, dt: 0.5, horizon: 10 }
tracks:
  x: { states: [a, b], transitions: [{ from: a, to: b, rate: 0.02 * t }] }
`,
      N,
      6,
    );
    let h = 0;
    for (let k = 0; k < 20; k++) h += 0.02 * (k * 0.5) * 0.5;
    const p = 1 - Math.exp(-h);
    expect(Math.abs(result.tracks.x!.final.b! - p)).toBeLessThanOrEqual(Z_TOL * binomialSe(p, N));
  });
});

describe('determinism', () => {
  it('gives identical results for the same seed, and different ones for another seed', () => {
    const a = runYaml(twoState(0.1), 5000, 77);
    const b = runYaml(twoState(0.1), 5000, 77);
    const c = runYaml(twoState(0.1), 5000, 78);
    expect(withoutTiming(a)).toEqual(withoutTiming(b));
    expect(a.receipt.outputHash).toBe(b.receipt.outputHash);
    expect(c.receipt.outputHash).not.toBe(a.receipt.outputHash);
  });
});
