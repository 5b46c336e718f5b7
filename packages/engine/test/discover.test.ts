/** PRIM recovers a planted box; the outcome parser and binomial tail behave. */
import { describe, expect, it } from 'vitest';
import { binomialUpperTail, parseOutcome, prim } from '../src/discover.ts';
import { analyseDiscover, discover, loadScenarioText, planDiscover } from '../src/index.ts';

const SCENARIO = `id: planted-box
time: { unit: day, dt: 1, horizon: 1 }
parameters:
  x1: { default: 0.5, range: [0, 1] }
  x2: { default: 0.5, range: [0, 1] }
  x3: { default: 0.5, range: [0, 1] }
  x4: { default: 0.5, range: [0, 1] }
tracks:
  track:
    states: [a, b]
    transitions:
      - { from: a, to: b, rate: 0 }
metrics:
  hit: { expr: 'x1 > 0.6 and x2 < 0.3' }
`;

describe('PRIM', () => {
  it('recovers a planted box x1 > 0.6, x2 < 0.3 within 0.05, leaves x3 and x4 free, and finds it significant', () => {
    const r = discover(loadScenarioText(SCENARIO).scenario, { outcome: 'hit > 0', samples: 1000, trials: 1, seed: 3 });
    expect(r.modelRuns).toBe(1000);
    expect(r.baseDensity).toBeCloseTo(0.12, 1);
    expect(r.box.density).toBeGreaterThan(0.95);
    expect(r.box.coverage).toBeGreaterThan(0.9);
    const byParam = new Map(r.restrictions.map((x) => [x.param, x]));
    expect([...byParam.keys()].sort()).toEqual(['x1', 'x2']);
    expect(Math.abs(byParam.get('x1')!.lo - 0.6)).toBeLessThan(0.05);
    expect(Math.abs(byParam.get('x2')!.hi - 0.3)).toBeLessThan(0.05);
    for (const x of r.restrictions) expect(x.pValue).toBeLessThan(1e-6);
    expect(r.pValue).toBeLessThan(1e-20);
    // The trajectory starts with the whole space and never loses density.
    expect(r.trajectory[0]?.coverage).toBe(1);
    expect(r.trajectory[0]?.mass).toBe(1);
  });

  it('finds nothing significant in pure noise', () => {
    const x = Array.from({ length: 400 }, (_, i) => [((i * 37) % 400) / 400, ((i * 91) % 400) / 400]);
    const y = x.map((_, i) => ((i * 2654435761) >>> 0) % 2);
    const r = prim(x, y, ['a', 'b']);
    expect(r.box.density).toBeLessThan(0.8);
  });

  it('parses outcomes and refuses unknown metrics with a suggestion', () => {
    expect(parseOutcome('war_reached > 0', ['war_reached'])).toEqual({ metric: 'war_reached', op: '>', value: 0 });
    expect(parseOutcome(' deaths>=1e3 ', ['deaths'])).toEqual({ metric: 'deaths', op: '>=', value: 1000 });
    expect(() => parseOutcome('war_reachd > 0', ['war_reached'])).toThrow(/no metric "war_reachd"[\s\S]*war_reached/);
    expect(() => parseOutcome('war_reached', ['war_reached'])).toThrow(/cannot read the outcome/);
  });

  it('binomial upper tail matches small exact sums', () => {
    expect(binomialUpperTail(0, 10, 0.3)).toBe(1);
    expect(binomialUpperTail(10, 10, 0.5)).toBeCloseTo(1 / 1024, 12);
    expect(binomialUpperTail(9, 10, 0.5)).toBeCloseTo(11 / 1024, 12);
  });
});

describe('PRIM when the whole space is chosen', () => {
  // 2,000 points on [0, 1]²: the outcome has density 75% where x1 > 0.94 (6% of the points) and 20% elsewhere,
  // so the small dense box loses to the whole space on the harmonic mean of coverage and density.
  const x = Array.from({ length: 2000 }, (_, i) => [(i + 0.5) / 2000, ((i * 7919) % 2000) / 2000]);
  const y = x.map(([x1], i) => {
    const u = (((i * 2654435761) >>> 0) % 1000) / 1000;
    return u < ((x1 ?? 0) > 0.94 ? 0.75 : 0.2) ? 1 : 0;
  });

  it('says so, and names the densest box on the trajectory with its density and coverage', () => {
    const r = prim(x, y, ['x1', 'x2']);
    expect(r.wholeSpace).toBe(true);
    expect(r.restrictions).toEqual([]);
    expect(r.densest).toBeGreaterThan(0);
    const best = r.trajectory[r.densest]!;
    expect(best.density).toBeGreaterThan(2 * r.baseDensity);
    expect(best.limits.find((l) => l.param === 'x1')?.lo).toBeGreaterThan(0.85);
  });

  it('refuses more samples than a sweep may have with bad_run_options, before building the design', () => {
    const scenario = loadScenarioText(SCENARIO).scenario;
    // 1e10 points cannot even be allocated: without the check this fails at once, as an internal error.
    expect(() => planDiscover(scenario, { outcome: 'hit > 0', samples: 1e10 })).toThrow(
      /samples: error \[bad_run_options\] discovery is limited to 10000000 samples \(as a sweep's Latin hypercube is\), got 10000000000/,
    );
  });

  it('a discovery notes the whole-space choice and, with few trials per point, the shared random numbers', () => {
    const scenario = loadScenarioText(SCENARIO).scenario;
    const plan = planDiscover(scenario, { outcome: 'hit > 0', samples: 2000, trials: 50, vary: [{ name: 'x1' }, { name: 'x2' }] });
    // Each point's share without noise: 75% where x1 > 0.95, 20% elsewhere.
    const shares = plan.sweep.points.map(([x1]) => ((x1 ?? 0) > 0.95 ? 0.75 : 0.2));
    const r = analyseDiscover(plan, shares);
    expect(r.wholeSpace).toBe(true);
    const notes = r.notes.join('\n');
    expect(notes).toMatch(
      /the chosen box is the whole space: .* densest box on the trajectory \(step \d+\) has density \d+\.\d% against 2\d\.\d% overall, with coverage/,
    );
    expect(notes).toMatch(/only 50 trials.*reuses the same trial random numbers/);
    const many = analyseDiscover(planDiscover(scenario, { outcome: 'hit > 0', samples: 100, trials: 1000 }), new Array(100).fill(0.5));
    expect(many.notes.join('\n')).not.toMatch(/trial random numbers/);
  });
});
