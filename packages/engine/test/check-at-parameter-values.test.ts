/**
 * A scenario whose rate or probability is wrong at its parameters' values is refused when it is
 * built (by `validate`, the editor and every run), not found at t = 0 of the first trial: it would
 * fail every trial that reaches the state.
 */
import { describe, expect, it } from 'vitest';
import { buildModel, loadScenarioText, runScenario } from '../src/index.ts';
import { issuesOf } from './helpers.ts';

const scenario = (parameters: string, transitions: string) =>
  loadScenarioText(
    `id: x\ntime: { unit: day, dt: 1, horizon: 10 }\nparameters:\n${parameters}\ntracks:\n  front:\n    states: [calm, clash, war]\n    transitions:\n${transitions}\n  ally:\n    states: [out, in]\n    transitions:\n      - { from: out, to: in, rate: 'front == "war" ? 0.2 : 0' }\nmetrics:\n  m: { expr: 'ever(front, "clash")' }\n`,
  ).scenario;

describe('rates and probabilities at the parameters’ values', () => {
  it('refuses a rate divided by a parameter that is 0, a negative rate and a probability over 1, each at its place', () => {
    const issues = issuesOf(() =>
      buildModel(
        scenario(
          '  k: { default: 0 }\n  r: { default: -0.1, range: [-1, 1] }\n  p: { default: 1.5 }',
          "      - { from: calm, to: clash, rate: '0.1 / k' }\n      - { from: clash, to: war, rate: r }\n      - { from: war, to: calm, probability: p }",
        ),
      ),
    );
    expect(issues.map((i) => [i.code, i.path])).toEqual([
      ['runtime_value', 'tracks.front.transitions[0].rate'],
      ['runtime_value', 'tracks.front.transitions[1].rate'],
      ['probability_range', 'tracks.front.transitions[2].probability'],
    ]);
    expect(issues[0]?.message).toBe(
      `the rate evaluates to Infinity at the parameters' values, in "calm"; rates must be finite and >= 0; it reads k = 0`,
    );
    expect(issues[1]?.hint).toContain('r is within its declared range');
    expect(issues[2]?.message).toContain('the probability evaluates to 1.5');
  });

  it('names the states of the tracks a value reads where it goes wrong, and refuses a --set that makes it so', () => {
    const text = scenario(
      '  boost: { default: 1, range: [0, 10] }',
      '      - { from: calm, to: clash, rate: \'front == "calm" and ally == "in" ? 0.1 - boost : 0.1\' }',
    );
    expect(() => buildModel(text)).toThrow(/evaluates to -0\.9 at the parameters' values, in "calm" \(with ally = "in"\)/);
    expect(() => buildModel(text, { boost: 0 })).not.toThrow();
    expect(() => runScenario(text, { trials: 10, seed: 1, overrides: { boost: 0.05 } })).not.toThrow();
  });

  it('leaves values that read time or variables to the run, and passes every valid one', () => {
    const timed = scenario('  k: { default: 0 }', "      - { from: calm, to: clash, rate: 't > 5 ? 0.1 / k : 0.1' }");
    expect(() => buildModel(timed)).not.toThrow();
    expect(() => runScenario(timed, { trials: 10, seed: 1 })).toThrow(/the rate evaluated to Infinity/);
  });
});
