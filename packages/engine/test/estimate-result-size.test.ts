/** estimateResultSize and checkResultSize: the result's numbers counted from the model, and the refusal at the limit. */
import { describe, expect, it } from 'vitest';
import {
  buildModel,
  checkResultSize,
  checkRunOptions,
  estimateResultSize,
  GeoriskError,
  loadScenarioText,
  runScenario,
} from '../src/index.ts';

const TEXT = `id: size
time: { unit: day, dt: 1, horizon: 50 }
tracks:
  war:
    states: [peace, clash, war]
    initial: peace
    transitions:
      - { from: peace, to: clash, rate: 0.1 }
metrics:
  clash: { expr: 'ever(war, "clash")' }
`;

describe('estimateResultSize', () => {
  const model = buildModel(loadScenarioText(TEXT).scenario, {});

  it('counts states × time points × 2 series, plus per-state and per-metric summaries, whatever the trials', () => {
    const size = estimateResultSize(model);
    expect(size).toMatchObject({ states: 3, steps: 50, series: 2, metrics: 1 });
    expect(size.values).toBe(3 * 51 * 2 + 3 * 8 + 120);
    // The series a run's result really holds.
    const result = runScenario(loadScenarioText(TEXT).scenario, { trials: 20, seed: 1 });
    const seriesNumbers = Object.values(result.tracks).reduce(
      (n, t) => n + Object.values(t.occupancy).flat().length + Object.values(t.firstPassage).flatMap((f) => f.cumulative).length,
      0,
    );
    expect(seriesNumbers).toBe(3 * 51 * 2);
    // An upper bound on the JSON: the whole result of this small run is smaller.
    expect(JSON.stringify(result).length).toBeLessThan(size.maxBytes);
  });

  it('refuses one number over the limit with result_too_large at time.dt, and accepts the limit itself', () => {
    const { values } = estimateResultSize(model);
    expect(checkResultSize(model, values).values).toBe(values);
    expect(() => checkRunOptions(model, { trials: 10, maxResultValues: values })).not.toThrow();
    let caught: unknown;
    try {
      checkRunOptions(model, { trials: 10, maxResultValues: values - 1 });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(GeoriskError);
    const issue = (caught as GeoriskError).issues[0];
    expect(issue).toMatchObject({ code: 'result_too_large', path: 'time.dt' });
    expect(issue?.hint).toMatch(/use at most \d+ steps/);
    // Without a limit (the CLI), nothing is refused.
    expect(() => checkRunOptions(model, { trials: 10 })).not.toThrow();
  });
});
