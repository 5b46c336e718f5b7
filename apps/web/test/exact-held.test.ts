/** The words beside the exact column: which uncertain parameters it holds at their values while Monte Carlo draws them. */
import { loadScenarioText } from '@georisk/engine';
import { describe, expect, it } from 'vitest';
import { exactHeldSentence, heldUncertain } from '../src/scenario/exact-held.ts';

const scenario = loadScenarioText(`
id: held
time: { unit: day, dt: 1, horizon: 10 }
parameters:
  r: { default: 0.1, uncertainty: { dist: uniform, min: 0, max: 0.2 } }
  s: { default: 0.2, uncertainty: { dist: uniform, min: 0.1, max: 0.3 } }
  t: { default: 0.3 }
tracks:
  x: { states: [a, b, c], transitions: [{ from: a, to: b, rate: r * t }, { from: b, to: c, rate: s }] }
`).scenario;

describe('heldUncertain', () => {
  it('names the parameters with a prior that no input fixes', () => {
    expect(heldUncertain(scenario, {})).toEqual(['r', 's']);
    expect(heldUncertain(scenario, { r: 0.15, t: 0.4 })).toEqual(['s']);
    expect(heldUncertain(scenario, { r: 0.15, s: 0.2 })).toEqual([]);
  });

  it('says the exact column is the answer at the values and Monte Carlo the average over the priors', () => {
    expect(exactHeldSentence([])).toBe('');
    expect(exactHeldSentence(['s'])).toContain(
      'holds the one parameter with a declared prior at its value; Monte Carlo draws it from its prior',
    );
    expect(exactHeldSentence(['r', 's'])).toContain('holds the 2 parameters with a declared prior at their values');
    expect(exactHeldSentence(['r', 's'])).not.toMatch(/--set|georisk /);
  });
});
