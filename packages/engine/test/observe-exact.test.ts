/**
 * Exact conditioning against an independent calculation: every path of a small chain enumerated
 * with its probability, the observations checked on each, then Bayes' rule (to 1e-9, no randomness).
 */
import { describe, expect, it } from 'vitest';
import { buildModel, conditionExact, loadScenarioText, readObservations } from '../src/index.ts';
import { FILTER_SCENARIO } from './observe-helpers.ts';

const OBSERVED = `
observations:
  - { at: 2, track: conflict, state: [clash, war] }
  - { at: 3, event: mediators, happened: false }
  - { at: 4, track: ally, state: engaged, label: the ally is engaged }
`;

/** State (conflict, ally, fired, ever-mask over the 6 (track, state) slots) → unnormalized mass, path by path. */
function enumerate(observe: (m: number, c: number, a: number, fired: number) => boolean) {
  const steps = 8;
  const leaveConflict = (c: number, a: number, m: number): [number, number][] => {
    const esc = m >= 3 ? 0.9 : 0.4;
    if (c === 0) return [[1, 1 - Math.exp(-esc)]];
    if (c === 1) {
      const w = a === 1 ? 0.5 : 0.2;
      const leave = 1 - Math.exp(-(w + 0.3));
      return [
        [2, (leave * w) / (w + 0.3)],
        [3, (leave * 0.3) / (w + 0.3)],
      ];
    }
    if (c === 2) return [[3, 0.1]];
    return [[1, 1 - Math.exp(-0.15)]];
  };
  const leaveAlly = (c: number, a: number): [number, number][] => (a === 1 ? [] : [[1, 1 - Math.exp(-(c === 2 ? 0.6 : 0.05))]]);
  const withStay = (moves: [number, number][], from: number): [number, number][] => [
    [from, 1 - moves.reduce((s, [, p]) => s + p, 0)],
    ...moves,
  ];
  type Path = { c: number; a: number; fired: number; ever: number; ok: boolean; p: number };
  let paths: Path[] = [{ c: 0, a: 0, fired: 0, ever: 1 | (1 << 4), ok: observe(0, 0, 0, 0), p: 1 }];
  const occupancy: Path[][] = [paths];
  for (let m = 0; m < steps; m++) {
    const next: Path[] = [];
    for (const x of paths) {
      for (const [c, pc] of withStay(leaveConflict(x.c, x.a, m), x.c)) {
        for (const [a0, pa] of withStay(leaveAlly(x.c, x.a), x.a)) {
          let a = a0;
          let fired = x.fired;
          if (fired === 0 && c === 2) {
            fired = 1;
            a = 1;
          }
          const ever = x.ever | (1 << c) | (1 << (4 + a));
          next.push({ c, a, fired, ever, ok: x.ok && observe(m + 1, c, a, fired), p: x.p * pc * pa });
        }
      }
    }
    paths = next;
    occupancy.push(paths);
  }
  const evidence = paths.reduce((s, x) => s + (x.ok ? x.p : 0), 0);
  const given = (list: Path[], test: (x: Path) => boolean) => list.reduce((s, x) => s + (x.ok && test(x) ? x.p : 0), 0) / evidence;
  return { evidence, paths, occupancy, given };
}

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
