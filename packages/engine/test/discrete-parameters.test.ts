/**
 * Switches and choices (issue 18): the schema refuses a default, range or prior that contradicts
 * them, overrides must name one of their values, every design samples only those values, and a
 * prior never draws them (they are settings, fixed at their value).
 */
import { describe, expect, it } from 'vitest';
import { libraryScenario } from '../../../test/helpers/library-scenarios.ts';
import {
  buildModel,
  GeoriskError,
  loadScenarioText,
  parameterPrior,
  planDiscover,
  planSensitivity,
  planSweep,
  type ScenarioDocument,
  uncertainParameters,
} from '../src/index.ts';

const SCENARIO = `id: discrete
time: { unit: day, dt: 1, horizon: 1 }
parameters:
  x: { default: 0.5, range: [0, 1] }
  s: { default: 0, kind: switch, provenance: { kind: assumed } }
  c: { default: 2, choices: [1, 2, 5], choice_labels: [low, middle, high], provenance: { kind: assumed } }
tracks:
  track:
    states: [a, b]
    transitions:
      - { from: a, to: b, rate: 0 }
metrics:
  y: { expr: 'x + s * c' }
`;

const load = (text: string): ScenarioDocument => loadScenarioText(text).scenario;

/** The issues a scenario text is refused with. */
function refusal(text: string): { path: string; message: string }[] {
  try {
    load(text);
  } catch (error) {
    if (error instanceof GeoriskError) return error.issues.map((i) => ({ path: i.path, message: i.message }));
    throw error;
  }
  throw new Error('the scenario was accepted');
}

/** Each design point's values of s and c (and x), checked against the allowed values. */
function expectAllowed(params: readonly { name: string }[], points: readonly (readonly number[])[]): void {
  const s = params.findIndex((p) => p.name === 's');
  const c = params.findIndex((p) => p.name === 'c');
  expect(s).toBeGreaterThanOrEqual(0);
  expect(c).toBeGreaterThanOrEqual(0);
  expect(points.length).toBeGreaterThan(0);
  for (const row of points) {
    expect([0, 1]).toContain(row[s]);
    expect([1, 2, 5]).toContain(row[c]);
  }
}

describe('the scenario language', () => {
  it('refuses a default, a range or a prior that contradicts a switch or choice, at its path', () => {
    const withParam = (p: string) =>
      SCENARIO.replace('  x: { default: 0.5, range: [0, 1] }', `  x: { default: 0.5, range: [0, 1] }\n  bad: ${p}`);
    const cases: [string, string, RegExp][] = [
      ['{ default: 3, choices: [1, 2, 5] }', 'parameters.bad.default', /default of a choice must be one of its values, 1, 2 or 5, got 3/],
      ['{ default: 0.5, kind: switch }', 'parameters.bad.default', /default of a switch must be one of its values, 0 or 1, got 0.5/],
      ['{ default: 1, kind: switch, range: [0, 2] }', 'parameters.bad.range', /contradicts its values 0 or 1.*range: \[0, 1\]/],
      ['{ default: 1, choices: [1, 2], range: [0, 2] }', 'parameters.bad.range', /contradicts/],
      ['{ default: 1, kind: switch, uncertainty: { dist: uniform, min: 0, max: 1 } }', 'parameters.bad.uncertainty', /setting.*drop it/],
      [
        '{ default: 1, choices: [1, 2], choice_labels: [one] }',
        'parameters.bad.choice_labels',
        /one label per choice: 2 choices, 1 labels/,
      ],
      ['{ default: 1, kind: switch, choices: [0, 1] }', 'parameters.bad.choices', /drop `choices`/],
      ['{ default: 1, choices: [1, 1] }', 'parameters.bad.choices', /listed once/],
    ];
    for (const [param, path, message] of cases) {
      const issues = refusal(withParam(param));
      expect(
        issues.some((i) => i.path === path && message.test(i.message)),
        `${param}: ${JSON.stringify(issues)}`,
      ).toBe(true);
    }
  });

  it('refuses an override that is not one of the values, naming the parameter; accepts one that is', () => {
    const scenario = load(SCENARIO);
    for (const [name, value, says] of [
      ['s', 0.5, /"s" is a switch: it takes 0 or 1, not 0.5/],
      ['c', 3, /"c" is a choice: it takes 1, 2 or 5, not 3/],
    ] as const) {
      let thrown: unknown;
      try {
        buildModel(scenario, { [name]: value });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(GeoriskError);
      const issue = (thrown as GeoriskError).issues[0];
      expect(issue?.path).toBe(`overrides.${name}`);
      expect(issue?.message).toMatch(says);
    }
    expect(() => buildModel(scenario, { s: 1, c: 5 })).not.toThrow();
  });
});

describe('designs', () => {
  const scenario = load(SCENARIO);

  it('a Latin hypercube gives each value an equal share and keeps x continuous', () => {
    const plan = planSweep(scenario, { design: { method: 'lhs', samples: 30 }, trials: 1, seed: 4 });
    expectAllowed(plan.params, plan.points);
    const col = (name: string) => plan.points.map((row) => row[plan.params.findIndex((p) => p.name === name)] as number);
    // Stratified: u in [i/30, (i+1)/30) maps to floor(2u) and floor(3u), so the shares are exact.
    expect(col('s').filter((v) => v === 1)).toHaveLength(15);
    for (const v of [1, 2, 5]) expect(col('c').filter((x) => x === v)).toHaveLength(10);
    expect(new Set(col('x')).size).toBe(30);
  });

  it("a grid runs every value once, whatever n; Sobol', Morris, tornado and discover sample only the values", () => {
    const grid = planSweep(scenario, {
      design: { method: 'grid', vary: [{ name: 's' }, { name: 'c', n: 9 }, { name: 'x', n: 2 }] },
      trials: 1,
    });
    expect(grid.points).toHaveLength(2 * 3 * 2);
    expectAllowed(grid.params, grid.points);
    const sobolSweep = planSweep(scenario, { design: { method: 'sobol', samples: 16 }, trials: 1 });
    expectAllowed(sobolSweep.params, sobolSweep.points);
    for (const method of ['sobol', 'morris', 'tornado'] as const) {
      const plan = planSensitivity(scenario, { method, trials: 1, seed: 2, ...(method === 'sobol' ? { samples: 32 } : {}) });
      expectAllowed(plan.sweep.params, plan.sweep.points);
      if (method === 'morris') {
        // Every Morris step of s moves it between 0 and 1: the elementary effect is never zero by construction.
        const moves = plan.morris?.moves.flat().filter((m) => m.dim === plan.sweep.params.findIndex((p) => p.name === 's'));
        expect(moves?.length).toBeGreaterThan(0);
      }
    }
    const tornado = planSensitivity(scenario, { method: 'tornado', trials: 1, percentiles: [10, 90] });
    const c = tornado.sweep.params.findIndex((p) => p.name === 'c');
    expect(new Set(tornado.sweep.points.map((row) => row[c]))).toEqual(new Set([2, 1, 5]));
    const found = planDiscover(scenario, { outcome: 'y > 1', samples: 40, trials: 1, seed: 3 });
    expectAllowed(found.sweep.params, found.sweep.points);
  });

  it('refuses to vary a choice over a range that holds fewer than 2 of its values', () => {
    expect(() => planSweep(scenario, { design: { method: 'lhs', samples: 4, vary: [{ name: 'c', lo: 1, hi: 1.5 }] } })).toThrow(
      /range 1:1.5 of "c" holds fewer than 2 of its values 1, 2 or 5/,
    );
  });
});

describe('priors', () => {
  it('a switch or choice has no prior: it stays at its value in an uncertainty analysis', () => {
    const scenario = load(SCENARIO);
    expect(parameterPrior({ default: 0, range: [0, 1], kind: 'switch' })).toBeUndefined();
    expect(parameterPrior({ default: 2, choices: [1, 2, 5] })).toBeUndefined();
    expect(uncertainParameters(scenario, {}).map((p) => p.name)).toEqual(['x']);
  });

  it("the library's switches sample only 0 and 1 in an LHS over all of the 2022 scenario's ranges", () => {
    const lib = libraryScenario('scenarios/armenia-azerbaijan-2022.yaml');
    const plan = planSweep(lib, { design: { method: 'lhs', samples: 20 }, trials: 1 });
    for (const name of ['replay_calendar', 'truce_call']) {
      const d = plan.params.findIndex((p) => p.name === name);
      expect(d, name).toBeGreaterThanOrEqual(0);
      expect(new Set(plan.points.map((row) => row[d]))).toEqual(new Set([0, 1]));
    }
  });
});
