/**
 * The founding 2022 scenario with the issue-17 mechanisms (issue 17): the daily modules converted to
 * its hourly steps, and the third parties as they stood at onset moving the war the right way, all
 * with the exact solver (no sampling noise in any comparison below). Each answer is solved for its
 * metric alone (`analyzeExact`'s `metrics` option: the same number, bit for bit, as a whole analysis
 * gives, without solving the parts of the chain the metric cannot read).
 */
import { describe, expect, it } from 'vitest';
import { loadScenarioText, type ScenarioDocument } from '../../packages/engine/src/index.ts';
import { resolveRanges } from '../../packages/engine/src/sweep.ts';
import { exactMean, libraryScenario, resolveModule, SCENARIOS } from '../helpers/library-scenarios.ts';

const FILE = 'scenarios/armenia-azerbaijan-2022.yaml';

/** A clash on its own with the three fighting modules, counted in days or in hours over the same 30 days. */
function clashAlone(unit: 'day' | 'hour', perDay = unit === 'day' ? 1 : 24): ScenarioDocument {
  const steps = unit === 'day' ? 30 : 720;
  return loadScenarioText(
    [
      'id: clash-alone',
      'start: "2022-09-13T00:05:00+04:00"',
      `time: { unit: ${unit}, dt: 1, horizon: ${steps} }`,
      'include:',
      `  - { module: modules/attacker-objectives.yaml, with: { units_per_day: ${perDay} } }`,
      '  - { module: modules/unmediated-truces.yaml }',
      '  - { module: modules/offensive-season.yaml }',
      'tracks: { conflict: { states: [calm, clash, offensive, war, ceasefire], initial: offensive } }',
      'metrics:',
      '  ceasefire: { expr: \'ever(conflict, "ceasefire")\' }',
      '  calm_again: { expr: \'ever(conflict, "calm")\' }',
    ].join('\n'),
    { file: `${SCENARIOS}/clash-alone.yaml`, resolveModule },
  ).scenario;
}

describe('daily modules in an hourly scenario', () => {
  const day = clashAlone('day');
  const hour = clashAlone('hour');

  it('give the same 30-day answers counted in days or in hours, within 0.03 (the daily step lumps up to a day of competing hazards)', () => {
    for (const metric of ['aims_secured', 'unilateral_halts', 'ceasefire', 'calm_again', 'petered_out', 'planned_offensives']) {
      const d = exactMean(day, metric);
      const h = exactMean(hour, metric);
      expect(Math.abs(d - h), `${metric}: day ${d}, hour ${h}`).toBeLessThan(0.03);
    }
  });

  it('the conversion matters: the same modules in hours left at units_per_day 1 give a different answer', () => {
    const d = exactMean(day, 'planned_offensives');
    expect(Math.abs(exactMean(clashAlone('hour', 1), 'planned_offensives') - d)).toBeGreaterThan(0.1);
  });

  it('the 2022 file takes them with units_per_day 24, shared by the two it includes', () => {
    expect(libraryScenario(FILE).parameters?.units_per_day?.default).toBe(24);
  });
});

describe('third parties in 2022, as at 00:05 on 13 Sep 2022', () => {
  const doc = libraryScenario(FILE);
  const war = (overrides: Record<string, number>) => exactMean(doc, 'war_reached', overrides);

  it('Turkey backing, Iran red line on; peacekeepers and EU monitors off', () => {
    const p = doc.parameters ?? {};
    expect([p.turkey_backing?.default, p.iran_red_line?.default]).toEqual([1, 1]);
    expect([p.peacekeepers_present?.default, p.eu_monitors_present?.default]).toEqual([0, 0]);
  });

  it("turning Turkey's backing off lowers the chance of war; turning Iran's red line off raises it", () => {
    const base = war({});
    expect(war({ turkey_backing: 0 })).toBeLessThan(base);
    expect(war({ iran_red_line: 0 })).toBeGreaterThan(base);
  });

  it('monitors switched on (as from October 2022) never lengthen the fighting', () => {
    const fighting = (o: Record<string, number>) => exactMean(doc, 'fighting_hours', o);
    expect(fighting({ eu_monitors_present: 1 })).toBeLessThanOrEqual(fighting({}));
  });
});

describe('CSTO and Russia in 2022, grounded as at 13 Sep 2022', () => {
  const doc = libraryScenario(FILE);
  const troops = (overrides: Record<string, number>) => exactMean(doc, 'csto_deployment', overrides);

  it('takes the csto-russia module: Article 4 applies, the Russia–Azerbaijan declaration in force, Armenia not frozen out', () => {
    const p = doc.parameters ?? {};
    expect([p.sovereign_territory?.default, p.russia_azerbaijan_declaration?.default, p.armenia_csto_frozen?.default]).toEqual([1, 1, 0]);
    expect([p.russia_bandwidth?.default, p.ties_to_attacker?.default, p.russia_armenia_treaty?.default]).toEqual([0.5, 0.5, 1]);
  });

  it('the declaration and a weak consensus lower the chance of troops; a freeze or no request removes it', () => {
    const base = troops({});
    expect(troops({ russia_azerbaijan_declaration: 0 })).toBeGreaterThan(base);
    expect(troops({ csto_consensus: 0.1 })).toBeLessThan(base);
    expect(troops({ armenia_csto_frozen: 1 })).toBe(0);
    expect(troops({ article4_request_rate: 0 })).toBe(0);
  });

  it('the alliance does not feed back into the fighting here: war and deaths do not move with any CSTO setting', () => {
    const base = { war: exactMean(doc, 'war_reached'), deaths: exactMean(doc, 'armenian_fatalities') };
    for (const o of [{ russia_azerbaijan_declaration: 0 }, { p_deploy_unconstrained: 0.4 }, { ties_to_attacker: 0 }]) {
      expect({ war: exactMean(doc, 'war_reached', o), deaths: exactMean(doc, 'armenian_fatalities', o) }).toEqual(base);
    }
  });

  it('no screen varies units_per_day, a unit conversion and not an assumption about the world', () => {
    expect(doc.parameters?.units_per_day?.range).toBeUndefined();
    expect(resolveRanges(doc, undefined).map((r) => r.name)).not.toContain('units_per_day');
  });
});
