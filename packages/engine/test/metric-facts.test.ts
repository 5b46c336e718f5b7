/**
 * A metric's 95% interval ends at the least value the metric can take, where the model shows one:
 * a mean cannot lie below it, so the cut part held no possible mean. A rare count's normal interval
 * (mean − 1.96 se) reached below 0 in runs and in sweep rows.
 */
import { describe, expect, it } from 'vitest';
import { buildModel, loadScenarioText, planSweep, runSweepPoint, sweepRow } from '../src/index.ts';
import { metricFacts } from '../src/model/metric-facts.ts';
import { runYaml } from './helpers.ts';

const RARE = `id: rare-deaths
time: { unit: day, dt: 1, horizon: 30 }
parameters:
  shock: { default: 0.001, range: [0.0005, 0.004], assumption: test }
tracks:
  x: { states: [calm, clash], transitions: [{ from: calm, to: clash, rate: shock }, { from: clash, to: calm, rate: 0.5 }] }
variables:
  deaths: {}
  drift: {}
  scored: {}
flows:
  - { to: deaths, when: 'x == "clash"', amount: 'poisson(20)' }
  - { to: drift, amount: 'normal(0, 1)' }
  - { to: scored, when: 'x == "clash"', amount: 'poisson(1)' }
events:
  - { at: 10, add: { scored: -1 } }
metrics:
  deaths: { expr: deaths, unit: deaths }
  drift: { expr: drift }
  scored: { expr: scored }
  clash_days: { expr: 'time_in(x, "clash")', unit: day }
  first_clash: { expr: 'first(x, "clash")', unit: day }
  doubled: { expr: 'deaths * 2', unit: deaths }
`;

describe('metric floors', () => {
  it('are 0 for time_in, first and a variable only non-negative flows feed; none where the model cannot tell', () => {
    const model = buildModel(loadScenarioText(RARE).scenario);
    // drift takes normal draws; scored is also set by an event; doubled is an expression, not a read.
    expect(metricFacts(model).map((f) => f.floor)).toEqual([0, undefined, undefined, 0, 0, undefined]);
  });

  it("end a rare count's interval at 0 in a run and in a sweep row, and leave others as they were", () => {
    const r = runYaml(RARE, 100, 3);
    for (const name of ['deaths', 'clash_days']) {
      const m = r.metrics[name]!;
      expect(m.mean - 1.959963984540054 * m.se, `${name}: a normal interval would reach below 0`).toBeLessThan(0);
      expect(m.ci95[0], name).toBe(0);
      expect(m.ci95[1], name).toBeCloseTo(m.mean + 1.959963984540054 * m.se, 12);
    }
    const drift = r.metrics.drift!;
    expect(drift.ci95[0]).toBeCloseTo(drift.mean - 1.959963984540054 * drift.se, 12);
    const plan = planSweep(loadScenarioText(RARE).scenario, {
      design: { method: 'grid', vary: [{ name: 'shock', lo: 0.0005, hi: 0.001, n: 2 }] },
      trials: 100,
      metrics: ['deaths'],
    });
    for (const point of [0, 1]) {
      const row = sweepRow(plan, point, runSweepPoint(plan, point));
      const [mean, se, lo] = ['deaths.mean', 'deaths.se', 'deaths.lo'].map((c) => row[plan.columns.indexOf(c)]!);
      expect(lo).toBe(Math.max(0, mean! - 1.959963984540054 * se!));
    }
  });
});
