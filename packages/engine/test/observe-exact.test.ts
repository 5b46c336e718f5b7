/**
 * Exact conditioning against an independent calculation: every path of a small chain enumerated
 * with its probability, the observations checked on each, then Bayes' rule (to 1e-9, no randomness).
 */
import { describe, expect, it } from 'vitest';
import { buildModel, conditionExact, loadScenarioText, readObservations } from '../src/index.ts';
import { enumerateFilterPaths as enumerate, FILTER_SCENARIO } from './observe-helpers.ts';

const OBSERVED = `
observations:
  - { at: 2, track: conflict, state: [clash, war] }
  - { at: 3, event: mediators, happened: false }
  - { at: 4, track: ally, state: engaged, label: the ally is engaged }
`;

describe('exact conditioning (forward filtering)', () => {
  const { scenario } = loadScenarioText(FILTER_SCENARIO);
  const model = buildModel(scenario);

  it('equals Bayes over every enumerated path to 1e-9: final, ever, occupancy after as_of, evidence', () => {
    const update = conditionExact(model, readObservations(OBSERVED, model));
    const reference = enumerate((m, c, a, fired) => (m !== 2 || c === 1 || c === 2) && (m !== 3 || fired === 0) && (m !== 4 || a === 1));
    expect(update.asOf).toBe(4);
    expect(Math.abs(update.evidence - reference.evidence)).toBeLessThan(1e-12);
    expect(reference.evidence).toBeGreaterThan(0.01);
    const conflict = update.tracks.conflict!;
    const ally = update.tracks.ally!;
    conflict.states.forEach((state, c) => {
      expect(Math.abs(conflict.final[state]! - reference.given(reference.paths, (x) => x.c === c))).toBeLessThan(1e-9);
      expect(Math.abs(conflict.ever[state]! - reference.given(reference.paths, (x) => (x.ever & (1 << c)) !== 0))).toBeLessThan(1e-9);
      for (let m = 4; m <= 8; m++) {
        const p = reference.given(reference.occupancy[m]!, (x) => x.c === c);
        expect(Math.abs(conflict.occupancy[state]![m]! - p)).toBeLessThan(1e-9);
      }
    });
    expect(Math.abs(ally.final.engaged! - reference.given(reference.paths, (x) => x.a === 1))).toBeLessThan(1e-9);
    // The conditional differs from the prior: the observations carry information.
    const prior = enumerate(() => true);
    expect(Math.abs(conflict.final.war! - prior.given(prior.paths, (x) => x.c === 2))).toBeGreaterThan(0.01);
  });

  it('reports each observation probability given the ones before, multiplying to the evidence', () => {
    const update = conditionExact(model, readObservations(OBSERVED, model));
    expect(update.observations.map((o) => o.name)).toEqual([
      'observations[0] (conflict in clash|war at t = 2)',
      'observations[1] (mediators had not happened by t = 3)',
      'observations[2] (the ally is engaged)',
    ]);
    const product = update.observations.reduce((p, o) => p * o.probability, 1);
    expect(Math.abs(product - update.evidence)).toBeLessThan(1e-12);
  });

  it('names an observation with probability zero under the model', () => {
    const impossible = `observations:\n  - { at: 2, track: conflict, state: clash }\n  - { at: 3, track: conflict, state: calm }\n`;
    expect(() => conditionExact(model, readObservations(impossible, model))).toThrow(
      /observations\[1\] \(conflict in calm at t = 3\) has probability zero/,
    );
  });
});
