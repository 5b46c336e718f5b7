/** Exact sensitivity points solve only what a point changes, and give `analyzeExact`'s answers bit for bit. */
import { describe, expect, it } from 'vitest';
import { libraryScenario } from '../../../test/helpers/library-scenarios.ts';
import {
  analyzeExact,
  buildModel,
  ExactPoints,
  exactPlanOutputs,
  planSensitivity,
  type ScenarioDocument,
  sensitivity,
} from '../src/index.ts';
import { paramsReaching } from '../src/sensitivity/parameter-reach.ts';
import { planModel, pointOverrides, withParameterValues } from '../src/sweep.ts';

const load = (name: string): ScenarioDocument => libraryScenario(`scenarios/${name}`);
const conflict2022 = load('armenia-azerbaijan-2022.yaml');

describe('exact sensitivity points', () => {
  it.each([
    // Every 12th point (14 of 159, each parameter's two ends apart): each whole solve of the 2022 scenario with
    // pipelines by geography takes about a second; the alliance scenario below checks every point.
    ['armenia-azerbaijan-2022.yaml', 12],
    ['teaching/alliance-dilemma.yaml', 1],
  ])('%s: every metric at every tornado point (every %i-th) equals analyzeExact, bit for bit', (file, every) => {
    const scenario = load(file);
    const plan = planSensitivity(scenario, { method: 'tornado' });
    const outputs = exactPlanOutputs(plan.sweep);
    const compared: number[] = [];
    for (let i = 0; i < plan.sweep.points.length; i += every) {
      const full = analyzeExact(scenario, pointOverrides(plan.sweep, i), { everyState: false });
      const means = outputs.at(i).means;
      plan.sweep.metrics.forEach((m, k) => {
        // Object.is: the same number, to the last bit (and NaN only where analyzeExact has no answer either).
        expect(Object.is(means[k], full.metrics[m]?.mean ?? Number.NaN), `${m} at point ${i}`).toBe(true);
        compared.push(k);
      });
    }
    expect(compared.length).toBeGreaterThan(100);
  });

  it('a war_reached tornado over the 2022 scenario solves the base and the two ends of each parameter war_reached reads, nothing more', () => {
    const plan = planSensitivity(conflict2022, { method: 'tornado', metrics: ['war_reached'] });
    const outputs = exactPlanOutputs(plan.sweep);
    for (let i = 0; i < plan.sweep.points.length; i++) outputs.at(i);
    const reads = paramsReaching(buildModel(conflict2022), ['war_reached']) as Set<string>;
    const read = plan.sweep.params.filter((p) => reads.has(p.name));
    expect(read.length).toBe(39);
    // An end equal to the parameter's default is the base point itself.
    const ends = read.flatMap((p) => [p.lo, p.hi].filter((v) => v !== conflict2022.parameters[p.name]?.default)).length;
    expect(outputs.solves).toBe(1 + ends);
    expect(plan.sweep.points.length).toBe(159);
  });

  it('answers are kept across designs: moving a parameter war_reached cannot read solves nothing again; one it reads solves again', () => {
    const metrics = ['war_reached'];
    const planOf = (overrides: Record<string, number>) => {
      const scenario = structuredClone(conflict2022);
      for (const [n, v] of Object.entries(overrides)) (scenario.parameters[n] as { default: number }).default = v;
      return planSensitivity(scenario, { method: 'tornado', metrics });
    };
    const first = planOf({});
    const points = new ExactPoints(planModel(first.sweep), metrics);
    const run = (plan: typeof first) => {
      const before = points.solves;
      const out = exactPlanOutputs(plan.sweep, points);
      const means = plan.sweep.points.map((_, i) => out.at(i).means[0]);
      return { solved: points.solves - before, means };
    };
    // The base and both ends of the 39 parameters war_reached reads, less seven ends at their defaults.
    expect(run(first).solved).toBe(73);
    const unread = planOf({ armenian_fatality_rate: 0.9 * (conflict2022.parameters.armenian_fatality_rate?.default ?? 0) });
    const again = run(unread);
    expect(again.solved).toBe(0);
    const moved = planOf({ offensive_escalation_rate: 1.1 * (conflict2022.parameters.offensive_escalation_rate?.default ?? 0) });
    const fresh = run(moved);
    expect(fresh.solved).toBeGreaterThan(20);
    // Kept or solved, the answers are those of a fresh solve of each point.
    const direct = new ExactPoints(planModel(moved.sweep), metrics);
    moved.sweep.points.forEach((_, i) => {
      const model = withParameterValues(planModel(moved.sweep), pointOverrides(moved.sweep, i));
      expect(Object.is(fresh.means[i], direct.means(model)[0])).toBe(true);
    });
  });
});

describe('the exact tornado names each parameter once', () => {
  it('war_reached: the not-read note lists 40, the no-effect note only the 5 that are read yet have no effect', () => {
    const r = sensitivity(conflict2022, { method: 'tornado', metrics: ['war_reached'] });
    const m = r.metrics[0];
    const names = (note: string | undefined) => (note?.slice(note.lastIndexOf(': ') + 2).split(', ') ?? []).sort();
    const unread = names(m?.notes.find((n) => n.includes('are not read by war_reached')));
    const noEffect = m?.notes.find((n) => n.includes('have no effect'));
    expect(noEffect).toMatch(/^5 of the 39 parameters war_reached reads have no effect \(exactly 0\): /);
    expect(unread).toHaveLength(40);
    expect(names(noEffect).filter((p) => unread.includes(p))).toEqual([]);
    // Between them the two notes name every zero bar, each once.
    const zero = (m?.tornado ?? []).filter((b) => b.swing === 0).map((b) => b.param);
    expect([...unread, ...names(noEffect)].sort()).toEqual([...zero].sort());
  });

  it('Morris, exact: the no-effect note leaves out the parameters the metric cannot read', () => {
    const r = sensitivity(conflict2022, { method: 'morris', samples: 2, metrics: ['war_reached'] });
    const notes = r.metrics[0]?.notes ?? [];
    const unread = notes.find((n) => n.includes('are not read by'));
    const noEffect = notes.find((n) => n.includes('have no effect'));
    expect(unread).toBeDefined();
    for (const p of noEffect?.slice(noEffect.lastIndexOf(': ') + 2).split(', ') ?? []) expect(unread).not.toContain(p);
  });
});
