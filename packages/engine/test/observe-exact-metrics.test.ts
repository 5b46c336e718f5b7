/**
 * The metrics of an exact conditional against an independent calculation: every path of a small
 * chain enumerated by hand, its metric values read off the path, then Bayes' rule (to 1e-9).
 */
import { describe, expect, it } from 'vitest';
import { analyzeExact, buildModel, conditionExact, loadScenarioText, readObservations } from '../src/index.ts';
import { enumerateFilterPaths, FILTER_SCENARIO, type FilterPath } from './observe-helpers.ts';

/** One metric of every kind the exact solver answers: final states, ever flags (alone, any, combined), first passage, time in states. */
const METRICS_SCENARIO = `${FILTER_SCENARIO}  engaged_at_end: { expr: 'ally == "engaged"' }
  war_or_truce: { expr: 'ever(conflict, "war") or ever(conflict, "truce")' }
  war_and_engaged: { expr: 'ever(conflict, "war") and ally == "engaged"' }
  two_flags: { expr: 'ever(conflict, "war") + 2 * ever(conflict, "truce")' }
  truce_by_5: { expr: 'first(conflict, "truce") <= 5' }
  clash_time: { expr: 'first(conflict, "clash")' }
  war_hours: { expr: 'time_in(conflict, "war")' }
  fighting: { expr: 'time_in(conflict, "clash") + 2 * time_in(conflict, "war")' }
`;

const HORIZON = 8;
/** A first-passage time as the engine reports it: censored at the horizon when never entered. */
const firstOf = (x: FilterPath, slot: number) => (Number.isNaN(x.first[slot]!) ? HORIZON : x.first[slot]!);

/** Each metric's value on a path, read off by hand. */
const VALUES: Record<string, (x: FilterPath) => number> = {
  war: (x) => Number((x.ever & 4) !== 0),
  engaged_at_end: (x) => Number(x.a === 1),
  war_or_truce: (x) => Number((x.ever & 12) !== 0),
  war_and_engaged: (x) => Number((x.ever & 4) !== 0 && x.a === 1),
  two_flags: (x) => Number((x.ever & 4) !== 0) + 2 * Number((x.ever & 8) !== 0),
  truce_by_5: (x) => Number(firstOf(x, 3) <= 5),
  clash_time: (x) => firstOf(x, 1),
  war_hours: (x) => x.timeIn[2]!,
  fighting: (x) => x.timeIn[1]! + 2 * x.timeIn[2]!,
};

const OBSERVED = `
observations:
  - { at: 2, track: conflict, state: [clash, war] }
  - { at: 3, event: mediators, happened: false }
  - { at: 5, track: ally, state: engaged }
`;
const onPath = (m: number, c: number, a: number, fired: number) =>
  (m !== 2 || c === 1 || c === 2) && (m !== 3 || fired === 0) && (m !== 5 || a === 1);

describe('metrics of the exact conditional', () => {
  const { scenario } = loadScenarioText(METRICS_SCENARIO);
  const model = buildModel(scenario);

  it('without observations, the enumeration reproduces georisk exact (the reference is right)', () => {
    const exact = analyzeExact(scenario);
    const reference = enumerateFilterPaths(() => true);
    for (const [name, value] of Object.entries(VALUES)) {
      expect(Math.abs(exact.metrics[name]!.mean - reference.given(reference.paths, value)), name).toBeLessThan(1e-9);
    }
  });

  it('every metric georisk exact answers equals Bayes over the enumerated paths to 1e-9: mean, and the distribution', () => {
    const update = conditionExact(model, readObservations(OBSERVED, model));
    const reference = enumerateFilterPaths(onPath);
    const prior = enumerateFilterPaths(() => true);
    expect(Object.keys(update.unavailable)).toEqual([]);
    expect(Object.keys(update.metrics).sort()).toEqual(Object.keys(VALUES).sort());
    for (const [name, value] of Object.entries(VALUES)) {
      const metric = update.metrics[name]!;
      expect(Math.abs(metric.mean - reference.given(reference.paths, value)), name).toBeLessThan(1e-9);
      const distribution = metric.distribution;
      if (distribution === undefined) continue;
      distribution.values.forEach((v, i) => {
        const p = reference.given(reference.paths, (x) => value(x) === v);
        expect(Math.abs(distribution.probabilities[i]! - p), `${name} = ${v}`).toBeLessThan(1e-9);
      });
    }
    // The observations move these metrics: a test that would pass on the prior proves nothing.
    for (const name of ['war', 'clash_time', 'war_hours', 'engaged_at_end']) {
      const value = VALUES[name]!;
      expect(Math.abs(reference.given(reference.paths, value) - prior.given(prior.paths, value)), name).toBeGreaterThan(0.01);
    }
  });

  it('names the metrics it cannot condition exactly, with the reason', () => {
    const withVariable = METRICS_SCENARIO.replace(
      'metrics:',
      'variables:\n  cost: {}\nflows:\n  - { to: cost, when: \'conflict == "war"\', amount: 2 }\nmetrics:\n  cost_mean: { expr: cost }',
    );
    const m = buildModel(loadScenarioText(withVariable).scenario);
    const update = conditionExact(m, readObservations(OBSERVED, m));
    expect(update.unavailable.cost_mean).toMatch(/sampled update/);
    expect(update.metrics.war).toBeDefined();
  });
});
