/**
 * The fighting side's mechanisms (issue 17): the attacker's limited aims and its own halt, truces
 * without a mediator, fighting that peters out, and the offensive season. Each is tested for its
 * direction with the exact solver on the library scenarios that use it, the 2022 scenario (in hours)
 * among them, so no tolerance below is sampling noise. Each solve is for the metrics its test reads
 * (`analyzeExact`'s `metrics` option: the same numbers, bit for bit, as a whole analysis gives,
 * without the first passages and parts of the chain they cannot read; a whole analysis of 2023
 * takes about 10 s on a 2-core machine).
 */
import { describe, expect, it } from 'vitest';
import {
  analyzeExact,
  type ExactResult,
  loadScenarioText,
  type Overrides,
  type ScenarioDocument,
} from '../../packages/engine/src/index.ts';
import { libraryScenario, resolveModule, SCENARIOS } from '../helpers/library-scenarios.ts';

const load = (name: string) => libraryScenario(`scenarios/${name}`);

const mean = (r: ExactResult, metric: string) => r.metrics[metric]?.mean ?? Number.NaN;
/** The exact answers of `metrics` alone; a metric left out reads as NaN, which fails every comparison below. */
const exact = (s: ScenarioDocument, metrics: readonly string[], overrides: Overrides = {}) => analyzeExact(s, overrides, { metrics });

describe('attacker objectives: aims taken or out of reach stop the attacker', () => {
  const s2023 = load('karabakh-2023.yaml');
  const read = ['aims_secured', 'unilateral_halts', 'fighting_days'];
  const slow = exact(s2023, read, { aims_capture_rate: 0.2 });
  const fast = exact(s2023, read, { aims_capture_rate: 4 });

  it('taking the aims sooner makes the attacker halt more often and the fighting shorter', () => {
    expect(mean(fast, 'aims_secured')).toBeGreaterThan(mean(slow, 'aims_secured') + 0.2);
    expect(mean(fast, 'unilateral_halts')).toBeGreaterThan(mean(slow, 'unilateral_halts'));
    expect(mean(fast, 'fighting_days')).toBeLessThan(mean(slow, 'fighting_days'));
  });

  it('aims slipping out of reach in a clash also stop an attacker that has not taken them', () => {
    const read = ['aims_out_of_reach', 'unilateral_halts'];
    const held = exact(s2023, read, { aims_capture_rate: 0.2, aims_denial_rate: 0.05 });
    const denied = exact(s2023, read, { aims_capture_rate: 0.2, aims_denial_rate: 1.5 });
    expect(mean(denied, 'aims_out_of_reach')).toBeGreaterThan(mean(held, 'aims_out_of_reach'));
    expect(mean(denied, 'unilateral_halts')).toBeGreaterThan(mean(held, 'unilateral_halts'));
  });

  it('an attacker whose own halts never hold never ends the fighting by halting', () => {
    expect(mean(exact(s2023, ['unilateral_halts'], { p_hold_unilateral: 0 }), 'unilateral_halts')).toBe(0);
  });
});

describe('truces without a mediator', () => {
  // No mediator ever starts, no truce call, no truce in war: without this module no ceasefire could come.
  const alone = { patron_mediation_rate: 0, international_mediation_rate: 0, war_attempt_rate: 0 };
  const kt = load('kyrgyz-tajik-2022.yaml');

  it('a bilateral truce rate of 0 leaves no way to a ceasefire without a mediator; above 0 the two sides can agree one', () => {
    const read = ['ceasefire_within_7_days', 'bilateral_truces'];
    const none = exact(kt, read, { ...alone, bilateral_truce_rate: 0 });
    const direct = exact(kt, read, alone);
    expect(mean(none, 'ceasefire_within_7_days')).toBe(0);
    expect(mean(none, 'bilateral_truces')).toBe(0);
    expect(mean(direct, 'ceasefire_within_7_days')).toBeGreaterThan(0.3);
    expect(mean(direct, 'bilateral_truces')).toBeGreaterThan(0.3);
  });

  it('fighting that can peter out lasts less, and returns to calm with no truce', () => {
    const read = ['petered_out', 'fighting_days', 'ceasefire_within_7_days'];
    const never = exact(kt, read, { ...alone, bilateral_truce_rate: 0, peter_out_rate: 0.02 });
    const often = exact(kt, read, { ...alone, bilateral_truce_rate: 0, peter_out_rate: 0.4 });
    expect(mean(often, 'petered_out')).toBeGreaterThan(mean(never, 'petered_out'));
    expect(mean(often, 'fighting_days')).toBeLessThan(mean(never, 'fighting_days'));
    expect(mean(often, 'ceasefire_within_7_days')).toBe(0);
  });
});

describe('the offensive season', () => {
  const s2023 = load('karabakh-2023.yaml');
  const march = { ...s2023, start: '2023-03-19T13:00:00+04:00' };

  it('a September start meets a higher planned-offensive hazard than a March one; a factor of 1 makes them equal', () => {
    const offensives = (s: ScenarioDocument, overrides: Overrides = {}) =>
      mean(exact(s, ['planned_offensives'], overrides), 'planned_offensives');
    const sep = offensives(s2023);
    const mar = offensives(march);
    expect(sep).toBeGreaterThan(2 * mar);
    const flatSep = offensives(s2023, { season_factor: 1 });
    const flatMar = offensives(march, { season_factor: 1 });
    expect(flatSep).toBeGreaterThan(0);
    expect(Math.abs(flatSep - flatMar) / flatSep).toBeLessThan(0.01);
    expect(sep).toBeGreaterThan(flatSep);
    expect(mar).toBeLessThan(flatMar);
  });

  it('keeps the yearly average: over a year from calm the season only moves offensives between months', () => {
    const year = (factor: number) =>
      analyzeExact(
        loadScenarioText(
          [
            'id: season-year',
            'start: "2023-01-01"',
            'time: { unit: day, dt: 1, horizon: 365 }',
            'include: [{ module: modules/offensive-season.yaml }]',
            'tracks: { conflict: { states: [calm, offensive, ceasefire], initial: calm } }',
          ].join('\n'),
          { file: `${SCENARIOS}/season-year.yaml`, resolveModule },
        ).scenario,
        { season_factor: factor },
      );
    // Rare enough that the expected count is the yearly hazard integrated over 365 days, to 1e-3 relative.
    const flat = mean(year(1), 'planned_offensives');
    expect(flat).toBeCloseTo(1 - Math.exp(-0.00082 * 365), 6);
    expect(Math.abs(mean(year(4), 'planned_offensives') - flat) / flat).toBeLessThan(2e-3);
  });
});

describe('the exact solver still covers the scenarios that use the modules', () => {
  it.each(['nagorno-karabakh-2020.yaml', 'karabakh-2023.yaml', 'kyrgyz-tajik-2022.yaml', 'armenia-azerbaijan-2022.yaml'])(
    '%s: every new metric has an exact answer',
    (name) => {
      // The 2022 file leaves the season out (its 30 days lie wholly in the season; see its include comment).
      const season = name === 'armenia-azerbaijan-2022.yaml' ? [] : ['planned_offensives'];
      const attacker = name === 'kyrgyz-tajik-2022.yaml' ? [] : ['aims_secured', 'aims_out_of_reach', 'unilateral_halts', ...season];
      const metrics = ['bilateral_truces', 'petered_out', ...attacker];
      const r = exact(load(name), metrics);
      for (const m of metrics) expect(r.metrics[m]?.mean, m).toBeGreaterThan(0);
    },
  );

  it('the 2022 scenario counted in hours takes the modules with units_per_day 24, and its aims stop the attacker', () => {
    const s = load('armenia-azerbaijan-2022.yaml');
    const read = ['aims_secured', 'ceasefire_by_day_2', 'fighting_hours'];
    const r = exact(s, read);
    const off = exact(s, read, { p_hold_unilateral: 0, bilateral_truce_rate: 0, peter_out_rate: 0.02 });
    expect(mean(r, 'aims_secured')).toBeGreaterThan(0.2);
    expect(mean(r, 'ceasefire_by_day_2')).toBeGreaterThan(mean(off, 'ceasefire_by_day_2'));
    expect(mean(r, 'fighting_hours')).toBeLessThan(mean(off, 'fighting_hours'));
  }, 60_000);
});
