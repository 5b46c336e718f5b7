/** The model's read graph: parameters a metric cannot read have exactly zero effect, and exact analyses need not solve their points. */
import { describe, expect, it } from 'vitest';
import { libraryScenario } from '../../../test/helpers/library-scenarios.ts';
import { buildModel, planSensitivity, sensitivity } from '../src/index.ts';
import { paramsReaching } from '../src/sensitivity/parameter-reach.ts';
import { exactPointOutputs } from '../src/sensitivity/point-solver.ts';

const scenario = libraryScenario('scenarios/armenia-azerbaijan-2022.yaml');

describe('parameters a metric reads', () => {
  it('war_reached reads no fatality rate and no pipeline parameter; armenian_fatalities reads armenian_fatality_rate', () => {
    const model = buildModel(scenario, {});
    const war = paramsReaching(model, ['war_reached']);
    for (const p of ['armenian_fatality_rate', 'sector_distance_km', 'fatality_dispersion']) expect(war?.has(p)).toBe(false);
    expect(war?.size).toBeGreaterThan(0);
    expect(paramsReaching(model, ['armenian_fatalities'])?.has('armenian_fatality_rate')).toBe(true);
    expect(paramsReaching(model, ['no_such_metric'])).toBeUndefined();
  });

  it('the exact tornado equals solving every point on its own, bit for bit, and names the unread parameters as exactly 0', () => {
    const options = { method: 'tornado' as const, metrics: ['war_reached'] };
    const r = sensitivity(scenario, options);
    const plan = planSensitivity(scenario, options);
    const direct = plan.sweep.points.map((_, i) => exactPointOutputs(plan.sweep, i).means[0]);
    const bars = r.metrics[0]?.tornado ?? [];
    // Each bar's two ends are two points of the plan; every point's exact answer is among the direct solutions.
    for (const b of bars) {
      expect(direct).toContain(b.outputLow);
      expect(direct).toContain(b.outputHigh);
    }
    const note = r.metrics[0]?.notes.find((n) => n.includes('not read by war_reached')) ?? '';
    expect(note).toMatch(/^\d+ of 79 parameters are not read by war_reached.*exactly 0 by the model's structure \(not estimated\)/);
    const unread = bars.filter((b) => note.includes(b.param));
    expect(unread.length).toBeGreaterThan(10);
    for (const b of unread) expect(b.swing).toBe(0);
    // The read graph's claim checked by solving: every point that moves only an unread parameter has the base's answer.
    const names = plan.sweep.params.map((p) => p.name);
    const base = names.map((n) => scenario.parameters[n]?.default);
    const baseIndex = plan.sweep.points.findIndex((pt) => pt.every((x, j) => x === base[j]));
    expect(baseIndex).toBeGreaterThanOrEqual(0);
    let checked = 0;
    plan.sweep.points.forEach((pt, i) => {
      const moved = names.filter((_, j) => pt[j] !== base[j]);
      if (moved.length === 1 && note.includes(moved[0] ?? '?')) {
        expect(direct[i]).toBe(direct[baseIndex]);
        checked++;
      }
    });
    // Two points per unread parameter, less any end that equals its default (that point is the base itself).
    expect(checked).toBeGreaterThanOrEqual(unread.length);
  }, 300_000); // 137 points solved twice: about 2× the work it had before the 2022 file took the issue-17 modules
});
