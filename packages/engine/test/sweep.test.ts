/** Sweep plans: grid order, designs within their ranges, common random numbers, and bad input. */
import { describe, expect, it } from 'vitest';
import {
  buildModel,
  formatSweepHeader,
  formatSweepRow,
  loadScenarioText,
  planSweep,
  runSweepPoint,
  simulate,
  sweep,
  sweepRow,
  withParameterValues,
} from '../src/index.ts';

const SCENARIO = `id: sweep-test
time: { unit: day, dt: 1, horizon: 30 }
parameters:
  war_rate: { default: 0.02, range: [0, 0.1] }
  ceasefire_rate: { default: 0.1, range: [0.05, 0.5], uncertainty: { dist: uniform, min: 0.05, max: 0.5 } }
  unranged: { default: 1 }
tracks:
  conflict:
    states: [clash, war, ceasefire]
    transitions:
      - { from: clash, to: war, rate: war_rate * unranged }
      - { from: clash, to: ceasefire, rate: ceasefire_rate }
      - { from: war, to: ceasefire, rate: 0.05 }
metrics:
  war_reached: { expr: 'ever(conflict, "war")' }
  days_to_ceasefire: { expr: 'first(conflict, "ceasefire")' }
`;
const { scenario } = loadScenarioText(SCENARIO);
const names = Object.keys(scenario.parameters);
const ranged = names.filter((n) => {
  const r = scenario.parameters[n]?.range;
  return r !== undefined && r[0] < r[1];
});
const [p1, p2] = ranged as [string, string];
const r1 = scenario.parameters[p1]?.range as [number, number];
const r2 = scenario.parameters[p2]?.range as [number, number];

describe('sweep plans', () => {
  it('grid values carry no float noise: 0.1 to 0.5 in 5 steps is 0.1, 0.2, 0.3, 0.4, 0.5 exactly', () => {
    const plan = planSweep(scenario, { design: { method: 'grid', vary: [{ name: 'war_rate', lo: 0.01, hi: 0.05, n: 5 }] }, trials: 10 });
    expect(plan.points).toEqual([[0.01], [0.02], [0.03], [0.04], [0.05]]);
    const tenths = planSweep(scenario, {
      design: { method: 'grid', vary: [{ name: 'ceasefire_rate', lo: 0.1, hi: 0.5, n: 5 }] },
      trials: 10,
    });
    expect(tenths.points.map(([v]) => String(v))).toEqual(['0.1', '0.2', '0.3', '0.4', '0.5']);
  });

  it('a grid lists every combination, the last parameter varying fastest', () => {
    const plan = planSweep(scenario, {
      design: {
        method: 'grid',
        vary: [
          { name: p1, lo: r1[0], hi: r1[1], n: 2 },
          { name: p2, lo: r2[0], hi: r2[1], n: 3 },
        ],
      },
      trials: 10,
    });
    expect(plan.points).toEqual([
      [r1[0], r2[0]],
      [r1[0], (r2[0] + r2[1]) / 2],
      [r1[0], r2[1]],
      [r1[1], r2[0]],
      [r1[1], (r2[0] + r2[1]) / 2],
      [r1[1], r2[1]],
    ]);
    expect(plan.columns.slice(0, 3)).toEqual(['point', p1, p2]);
  });

  it('Latin hypercube and Sobol points stay inside the ranges', () => {
    for (const method of ['lhs', 'sobol'] as const) {
      const plan = planSweep(scenario, { design: { method, samples: 50, vary: [{ name: p1 }, { name: p2 }] }, trials: 10 });
      expect(plan.points.length).toBe(50);
      for (const [a, b] of plan.points as [number, number][]) {
        expect(a >= r1[0] && a <= r1[1] && b >= r2[0] && b <= r2[1]).toBe(true);
      }
    }
  });

  it('refuses a design whose points would not fit in memory, before building any, saying how many would', () => {
    // 10,000,000 points of 10 parameters took 6.3 GB before the first row; the limit is on points × parameters.
    const params = Array.from({ length: 30 }, (_, i) => `  q${i}: { default: 0.1, range: [0, 1] }`).join('\n');
    const wide = loadScenarioText(
      `id: wide\ntime: { unit: day, dt: 1, horizon: 5 }\nparameters:\n${params}\ntracks:\n  c: { states: [a, b], transitions: [{ from: a, to: b, rate: q0 }] }\nmetrics:\n  m: { expr: 'ever(c, "b")' }\n`,
    ).scenario;
    let message = '';
    try {
      planSweep(wide, { design: { method: 'lhs', samples: 1_000_000, vary: [] }, trials: 2 });
    } catch (error) {
      message = JSON.stringify((error as { issues?: unknown }).issues);
    }
    expect(message).toContain('1000000 points of 30 parameters make 30000000 values, more than the 20000000 one plan may hold in memory');
    expect(message).toContain('use at most 666666 points with 30 parameters, or vary fewer parameters');
    expect(planSweep(wide, { design: { method: 'lhs', samples: 1000, vary: [] }, trials: 2 }).points).toHaveLength(1000);
  });

  it('every point runs the same trial streams (common random numbers): equal values give equal rows', () => {
    const plan = planSweep(scenario, { design: { method: 'points', params: [p1], points: [[r1[0]], [r1[1]], [r1[0]]] }, trials: 200 });
    const rows = [0, 1, 2].map((i) => sweepRow(plan, i, runSweepPoint(plan, i)));
    expect(rows[2]?.slice(2)).toEqual(rows[0]?.slice(2));
    expect(rows[1]?.slice(2)).not.toEqual(rows[0]?.slice(2));
  });

  it('setting values on a compiled model runs exactly as compiling with overrides (uncertainty replaced too)', () => {
    const overrides = { [p1]: r1[1] * 0.7, [p2]: r2[0] * 1.5 };
    const a = simulate(buildModel(scenario, overrides), { seed: 3, firstTrial: 0, trials: 3000 });
    const b = simulate(withParameterValues(buildModel(scenario), overrides), { seed: 3, firstTrial: 0, trials: 3000 });
    expect(b).toEqual(a);
    const c = simulate(buildModel(scenario), { seed: 3, firstTrial: 0, trials: 3000 });
    expect(c).not.toEqual(a);
  });

  it('rows format as CSV and JSON Lines with the same columns', () => {
    const r = sweep(scenario, {
      design: { method: 'grid', vary: [{ name: p1, lo: r1[0], hi: r1[1], n: 2 }] },
      trials: 20,
      metrics: ['war_reached'],
    });
    expect(r.columns).toEqual([
      'point',
      p1,
      'war_reached.mean',
      'war_reached.se',
      'war_reached.lo',
      'war_reached.hi',
      'war_reached.p5',
      'war_reached.p50',
      'war_reached.p95',
    ]);
    const plan = planSweep(scenario, {
      design: { method: 'grid', vary: [{ name: p1, lo: r1[0], hi: r1[1], n: 2 }] },
      trials: 20,
      metrics: ['war_reached'],
    });
    expect(formatSweepHeader(plan, 'csv')).toBe(`${r.columns.join(',')}\n`);
    const line = formatSweepRow(plan, r.rows[0]!, 'jsonl');
    expect(Object.keys(JSON.parse(line))).toEqual(r.columns);
    expect(formatSweepRow(plan, r.rows[0]!, 'csv').split(',').map(Number)).toEqual(r.rows[0]);
  });

  it('refuses unknown parameters, ranges outside the declared bounds, n < 2 and empty ranges, all at once', () => {
    const attempt = () =>
      planSweep(scenario, {
        design: {
          method: 'grid',
          vary: [
            { name: 'no_such_param', lo: 0, hi: 1, n: 3 },
            { name: p1, lo: r1[0] - 1, hi: r1[1], n: 3 },
            { name: p2, lo: r2[0], hi: r2[1], n: 1 },
          ],
        },
      });
    expect(attempt).toThrow(/no parameter "no_such_param"/);
    expect(attempt).toThrow(/outside its declared range/);
    expect(attempt).toThrow(/at least 2 levels/);
    expect(() => planSweep(scenario, { design: { method: 'lhs', samples: 1 } })).toThrow(/at least 2 samples/);
    expect(() => planSweep(scenario, { design: { method: 'lhs', samples: 10, vary: [{ name: p1, lo: 1, hi: 1 }] } })).toThrow(/empty/);
    expect(() => planSweep(scenario, { design: { method: 'lhs', samples: 10 }, metrics: ['war_reachd'] })).toThrow(
      /no metric "war_reachd"/,
    );
  });
});
