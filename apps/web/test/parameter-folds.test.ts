import { loadScenarioText } from '@georisk/engine';
import { describe, expect, it } from 'vitest';
import { parameterFolds, startsOpen } from '../src/scenario/parameter-folds.ts';

const TEXT = `
id: folds
time: { unit: day, dt: 1, horizon: 5 }
parameters:
  a: { default: 0.1, group: Declared }
  b: { default: 0.2 }
  c: { default: 0.3 }
  d: { default: 1 }
  unused: { default: 0 }
  gate: { default: 0 }
tracks:
  road:
    states: [x, y]
    transitions:
      - { from: x, to: y, rate: a + b }
variables:
  v: { initial: 0 }
flows:
  - { to: v, amount: c }
events:
  - { at: 2, set: { gate: d } }
`;

describe('parameter folds', () => {
  it('folds by declared group, else by module, else by the part of the model that reads the parameter', () => {
    const { scenario } = loadScenarioText(TEXT);
    expect(parameterFolds(scenario, { c: 'some-module' })).toEqual([
      { title: 'Declared', names: ['a'] },
      { title: 'How road moves', names: ['b'] },
      { title: 'Module some-module', names: ['c'] },
      { title: 'Events', names: ['d'] },
      { title: 'Read by nothing in the model', names: ['unused', 'gate'] },
    ]);
    expect(parameterFolds(scenario, {}).find((f) => f.names.includes('c'))?.title).toBe('What adds up each step (flows)');
  });

  it('opens small folds, every fold of a small scenario, and a fold holding a changed value', () => {
    expect(startsOpen(6, 47, false)).toBe(true);
    expect(startsOpen(7, 47, false)).toBe(false);
    expect(startsOpen(7, 47, true)).toBe(true);
    expect(startsOpen(8, 12, false)).toBe(true);
    expect(startsOpen(8, 13, false)).toBe(false);
  });
});
