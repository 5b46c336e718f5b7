/** What a state diagram shows of each track: values at the parameters given, split by the other tracks' states they read. */
import { describe, expect, it } from 'vitest';
import { buildModel, loadScenarioText, trackDiagrams } from '../src/index.ts';

const TEXT = `
id: diagram-test
time: { unit: day, dt: 0.5, horizon: 10 }
parameters:
  a: { default: 0.2, range: [0, 1] }
  b: { default: 0.3, range: [0, 1] }
  gate: { default: 0, range: [0, 1] }
tracks:
  weather:
    states: [dry, wet, storm]
    transitions:
      - { from: dry, to: wet, rate: a }
      - { from: wet, to: storm, rate: b }
  road:
    states: [open, closed]
    initial: open
    transitions:
      - { from: open, to: closed, rate: 'weather == "storm" ? 2 * a : is(weather, "wet") ? a : 0', description: floods }
      - { from: open, to: closed, probability: gate * b }
      - { from: closed, to: open, rate: 'b + (weather == "dry" ? 1 : 0) * 0' }
events:
  - { at: 5, set: { gate: 1 } }
`;

describe('trackDiagrams', () => {
  const { scenario } = loadScenarioText(TEXT);

  it('evaluates each transition at the parameter values, and splits it by the states of the tracks it reads', () => {
    const [weather, road] = trackDiagrams(buildModel(scenario, { a: 0.4 }));
    expect(weather?.edges.map((e) => [e.from, e.to, e.terms[0]?.cases])).toEqual([
      ['dry', 'wet', [{ value: 0.4 }]],
      ['wet', 'storm', [{ value: 0.3 }]],
    ]);
    expect(road?.initial).toBe('open');
    const closing = road?.edges.find((e) => e.from === 'open' && e.to === 'closed');
    // Two transitions share the arrow; the guard on weather reads in words, in state order, 0 last as "otherwise".
    expect(closing?.terms[0]).toMatchObject({
      kind: 'rate',
      description: 'floods',
      cases: [
        { value: 0.4, when: 'while weather is wet' },
        { value: 0.8, when: 'while weather is storm' },
        { value: 0, when: 'otherwise' },
      ],
    });
    // A parameter that an event changes is said to change; its value is the one set now.
    expect(closing?.terms[1]).toMatchObject({
      kind: 'probability',
      cases: [{ value: 0 }],
      note: 'gate is changed by an event during the run',
    });
    // An expression whose value does not depend on the track it reads has one case.
    expect(road?.edges.find((e) => e.from === 'closed')?.terms[0]?.cases).toEqual([{ value: 0.3 }]);
  });
});
