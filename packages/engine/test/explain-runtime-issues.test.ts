/** A run that fails on a value a parameter gave names the parameter, its value and its range, in Monte Carlo and in the exact solver. */
import { describe, expect, it } from 'vitest';
import { analyzeExact, GeoriskError, loadScenarioText, runScenario } from '../src/index.ts';

const { scenario } = loadScenarioText(`id: x
time: { unit: day, dt: 1, horizon: 10 }
parameters:
  p_hold: { default: 0.3, range: [0.1, 0.5] }
  scale: { default: 1, range: [0.5, 2] }
tracks:
  c:
    states: [a, b]
    transitions:
      - { from: a, to: b, probability: p_hold * scale }
metrics:
  reached: { expr: 'ever(c, "b")' }
`);

function issuesOf(fn: () => unknown) {
  try {
    fn();
  } catch (error) {
    if (error instanceof GeoriskError) return error.issues;
    throw error;
  }
  throw new Error('did not fail');
}

describe('a run-time failure names the parameters behind it', () => {
  it('Monte Carlo: the probability 7 comes from p_hold = 7, outside its range', () => {
    const [i] = issuesOf(() => runScenario(scenario, { trials: 10, seed: 1, overrides: { p_hold: 7 } }));
    expect(i?.code).toBe('probability_range');
    expect(i?.message).toContain('it reads p_hold = 7 (range 0.1 to 0.5, outside it), scale = 1 (range 0.5 to 2)');
    expect(i?.hint).toBe('set p_hold to a value within its declared range');
  });

  it('the exact solver says the same', () => {
    const [i] = issuesOf(() => analyzeExact(scenario, { p_hold: 7 }));
    expect(i?.message).toContain('it reads p_hold = 7 (range 0.1 to 0.5, outside it)');
    expect(i?.hint).toBe('set p_hold to a value within its declared range');
  });

  it('when every value is within range (the product leaves [0, 1]), both are named', () => {
    const wide = loadScenarioText(
      `id: y\ntime: { unit: day, dt: 1, horizon: 10 }\nparameters:\n  p: { default: 0.6, range: [0, 1] }\n  k: { default: 2, range: [1, 3] }\ntracks:\n  c:\n    states: [a, b]\n    transitions:\n      - { from: a, to: b, probability: p * k }\nmetrics:\n  m: { expr: 'ever(c, "b")' }\n`,
    ).scenario;
    const [i] = issuesOf(() => runScenario(wide, { trials: 10, seed: 1 }));
    // Both are inside their ranges, so setting them "within their range" would not help: the ranges allow the fault.
    expect(i?.hint).toBe(
      'p, k are within their declared range, which allows values this expression cannot take (a probability must lie between 0 and 1): narrow the range and move the default into it, or change the expression',
    );
  });

  it('a negative rate from a parameter whose range allows it says the range is what to narrow', () => {
    const negative = loadScenarioText(
      `id: z\ntime: { unit: day, dt: 1, horizon: 10 }\nparameters:\n  r: { default: -0.05, range: [-1, 1] }\ntracks:\n  c:\n    states: [a, b]\n    transitions:\n      - { from: a, to: b, rate: r }\nmetrics:\n  m: { expr: 'ever(c, "b")' }\n`,
    ).scenario;
    const [i] = issuesOf(() => runScenario(negative, { trials: 10, seed: 1 }));
    expect(i?.message).toContain('it reads r = -0.05 (range -1 to 1)');
    expect(i?.hint).toBe(
      'r is within its declared range, which allows values this expression cannot take (a rate must be finite and >= 0): narrow the range and move the default into it, or change the expression',
    );
  });

  it('names the value the failing trial drew from a prior, not the default, and says the prior is what to mend', () => {
    const drawn = loadScenarioText(
      `id: d\ntime: { unit: day, dt: 1, horizon: 10 }\nparameters:\n  p: { default: 0.5, uncertainty: { dist: gamma, shape: 2, scale: 0.25 } }\ntracks:\n  c:\n    states: [a, b]\n    transitions:\n      - { from: a, to: b, probability: p }\nmetrics:\n  m: { expr: 'ever(c, "b")' }\n`,
    ).scenario;
    const [i] = issuesOf(() => runScenario(drawn, { trials: 2000, seed: 1 }));
    const value = Number(/it reads p = ([\d.e+-]+)/.exec(i?.message ?? '')?.[1]);
    expect(value).toBeGreaterThan(1);
    expect(i?.message).toContain('(drawn from its prior in this trial)');
    expect(i?.hint).toBe(
      'the prior of p draws values this expression cannot take (a probability must lie between 0 and 1): narrow the prior, or change the expression',
    );
  });

  it('does not call a parameter without a range "within its declared range"', () => {
    const bare = loadScenarioText(
      `id: e\ntime: { unit: day, dt: 1, horizon: 10 }\nparameters:\n  r: { default: -0.1 }\ntracks:\n  c:\n    states: [a, b]\n    transitions:\n      - { from: a, to: b, rate: r }\nmetrics:\n  m: { expr: 'ever(c, "b")' }\n`,
    ).scenario;
    const [i] = issuesOf(() => runScenario(bare, { trials: 10, seed: 1 }));
    expect(i?.hint).toBe(
      'r has a value this expression cannot take (a rate must be finite and >= 0) and no declared range: change the value, or the expression',
    );
  });
});
