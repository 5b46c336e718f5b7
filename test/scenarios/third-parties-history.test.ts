/**
 * The historical scenarios include the third-party and alliance-feedback modules (issue 17) with the
 * conditions known at each start; their direction is checked with the exact solver (no sampling, so
 * every comparison is exact up to floating-point rounding) and no test pins a library outcome. Each
 * answer is solved for its metric alone (`analyzeExact`'s `metrics` option: the same number, bit for
 * bit, as a whole analysis gives, without solving the parts of the chain the metric cannot read; a
 * whole analysis of 2023 with its blockade tracks takes about 10 s on a 2-core machine, its
 * fighting_days alone a fraction of a second).
 */
import { describe, expect, it } from 'vitest';
import type { Overrides } from '../../packages/engine/src/index.ts';
import { exactMean, libraryScenario } from '../helpers/library-scenarios.ts';

const Y2016 = 'scenarios/four-day-war-2016.yaml';
const Y2020 = 'scenarios/nagorno-karabakh-2020.yaml';
const Y2023 = 'scenarios/karabakh-2023.yaml';

const load = libraryScenario;

/** The exact mean of a metric (a probability for a yes/no metric), solved for that metric only. */
const exact = (file: string, metric: string, overrides: Overrides = {}): number => exactMean(load(file), metric, overrides);

const same = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(a)));

/** The default of a parameter as the loaded scenario (its includes' `with` applied) has it. */
const setting = (file: string, name: string) => load(file).parameters[name]?.default;

describe('third parties as known at each historical start', () => {
  it('sets each switch to what was true before the start', () => {
    expect(
      [Y2016, Y2020, Y2023].map((f) =>
        ['turkey_backing', 'peacekeepers_present', 'eu_monitors_present', 'iran_red_line'].map((n) => setting(f, n)),
      ),
    ).toEqual([
      [0, 0, 0, 0],
      [1, 0, 0, 0],
      [1, 1, 0, 0],
    ]);
    for (const f of [Y2016, Y2020, Y2023]) expect(setting(f, 'alliance_feedback')).toBeGreaterThan(0);
  });

  it('2023: without the peacekeepers there is more fighting; a factor of 1 makes them do nothing', () => {
    const on = exact(Y2023, 'fighting_days');
    const off = exact(Y2023, 'fighting_days', { peacekeepers_present: 0 });
    expect(off).toBeGreaterThan(on + 0.01);
    expect(exact(Y2023, 'fighting_at_end', { peacekeepers_present: 0 })).toBeGreaterThan(exact(Y2023, 'fighting_at_end'));
    // The blockade module gives the peacekeepers a second way to the fighting: aid through a closed road sooner.
    same(exact(Y2023, 'fighting_days', { peacekeeper_incident_factor: 1, peacekeeper_reopen_factor: 1 }), off);
  });

  it("2020: Turkey's backing makes a clash likelier to become an offensive", () => {
    const on = exact(Y2020, 'offensive_reached');
    const off = exact(Y2020, 'offensive_reached', { turkey_backing: 0 });
    expect(on).toBeGreaterThan(off + 0.005);
    same(exact(Y2020, 'offensive_reached', { turkey_offensive_factor: 1 }), off);
  });

  it('2016: every condition off; switching one on moves the fighting its way', () => {
    const base = exact(Y2016, 'fighting_days');
    expect(exact(Y2016, 'fighting_days', { turkey_backing: 1 })).toBeGreaterThan(base + 0.05);
    expect(exact(Y2016, 'fighting_days', { peacekeepers_present: 1 })).toBeLessThan(base - 0.01);
    expect(exact(Y2016, 'fighting_days', { eu_monitors_present: 1 })).toBeLessThan(base - 0.01);
  });

  it('the alliance feedback never lengthens the fighting', () => {
    for (const f of [Y2016, Y2020, Y2023])
      expect(exact(f, 'fighting_days')).toBeLessThanOrEqual(exact(f, 'fighting_days', { alliance_feedback: 0 }) + 1e-9);
  });
});
