/**
 * Direction tests for the third-party, peace-track, alliance-feedback and CSTO-grounding mechanisms
 * (issue 17), answered by the exact solver: no sampling, so every comparison is exact up to
 * floating-point rounding (equalities to 1e-12), and no test pins a library outcome. Each answer is
 * solved for its metric alone (`analyzeExact`'s `metrics` option: the same number, bit for bit, as a
 * whole analysis gives, without solving the parts of the chain the metric cannot read).
 */
import { describe, expect, it } from 'vitest';
import type { Overrides } from '../../packages/engine/src/index.ts';
import { exactMean, libraryScenario } from '../helpers/library-scenarios.ts';

const PRESENT = 'scenarios/armenia-azerbaijan-present.yaml';
const GALWAN = 'scenarios/india-china-galwan-2020.yaml';

const load = libraryScenario;

/** The exact mean of a metric (a probability for a yes/no metric), solved for that metric only. */
const exact = (file: string, metric: string, overrides: Overrides = {}): number => exactMean(load(file), metric, overrides);

const same = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(a)));

describe('third parties as starting conditions', () => {
  it('EU monitors lower the chance of a deadly incident or clash; a multiplier of 1 changes nothing', () => {
    const on = exact(PRESENT, 'deadly_incident_within_12_months', { eu_monitors_present: 1 });
    const off = exact(PRESENT, 'deadly_incident_within_12_months', { eu_monitors_present: 0 });
    expect(on).toBeLessThan(off - 0.01);
    same(exact(PRESENT, 'deadly_incident_within_12_months', { eu_monitors_present: 1, monitor_incident_factor: 1 }), off);
  });

  it('peacekeepers lower the chance of a new clash', () => {
    const on = exact(PRESENT, 'clash_within_12_months', { peacekeepers_present: 1 });
    const off = exact(PRESENT, 'clash_within_12_months', { peacekeepers_present: 0 });
    expect(on).toBeLessThan(off);
  });

  it("Turkey's backing raises the chance that a clash becomes an offensive; Iran's red line lowers it", () => {
    const base = exact(GALWAN, 'offensive_reached');
    expect(exact(GALWAN, 'offensive_reached', { turkey_backing: 1 })).toBeGreaterThan(base + 0.005);
    expect(exact(GALWAN, 'offensive_reached', { iran_red_line: 1 })).toBeLessThan(base - 0.005);
    same(exact(GALWAN, 'offensive_reached', { turkey_backing: 1, turkey_offensive_factor: 1 }), base);
  });

  it('with every condition off, the modules run at the border-clash rates (the switches are neutral)', () => {
    same(
      exact(GALWAN, 'clash_reached', { monitor_incident_factor: 0.3, peacekeeper_incident_factor: 0.4, turkey_offensive_factor: 2 }),
      exact(GALWAN, 'clash_reached'),
    );
  });
});

describe('the alliance track feeding back into the fighting', () => {
  // A CSTO member attacked on its territory, participation not frozen, Russia free to act.
  const open: Overrides = {
    armenia_csto_frozen: 0,
    russia_azerbaijan_declaration: 0,
    csto_consensus: 1,
    russia_bandwidth: 1,
    ties_to_attacker: 0,
  };

  it('feedback 0: how likely troops are does not change the fighting at all', () => {
    const rare = exact(PRESENT, 'fighting_days', { ...open, alliance_feedback: 0, p_deploy_unconstrained: 0.04 });
    const often = exact(PRESENT, 'fighting_days', { ...open, alliance_feedback: 0, p_deploy_unconstrained: 0.4 });
    expect(exact(PRESENT, 'csto_deployment', { ...open, alliance_feedback: 0, p_deploy_unconstrained: 0.4 })).toBeGreaterThan(
      exact(PRESENT, 'csto_deployment', { ...open, alliance_feedback: 0, p_deploy_unconstrained: 0.04 }),
    );
    same(often, rare);
  });

  it('feedback 1: likelier troops mean fewer days of fighting', () => {
    const rare = exact(PRESENT, 'fighting_days', { ...open, alliance_feedback: 1, p_deploy_unconstrained: 0.04 });
    const often = exact(PRESENT, 'fighting_days', { ...open, alliance_feedback: 1, p_deploy_unconstrained: 0.4 });
    expect(often).toBeLessThan(rare);
  });
});

describe('CSTO and Russia grounded', () => {
  const open: Overrides = { armenia_csto_frozen: 0, russia_azerbaijan_declaration: 0, csto_consensus: 1 };

  it("Armenia's freeze means no Article 4 request and no CSTO troops", () => {
    expect(exact(PRESENT, 'article4_invoked', open)).toBeGreaterThan(0);
    expect(exact(PRESENT, 'article4_invoked', { ...open, armenia_csto_frozen: 1 })).toBe(0);
    expect(exact(PRESENT, 'csto_deployment', { ...open, armenia_csto_frozen: 1 })).toBe(0);
  });

  it('the 2022 declaration and a weaker consensus each lower the chance of CSTO troops', () => {
    const base = exact(PRESENT, 'csto_deployment', open);
    expect(exact(PRESENT, 'csto_deployment', { ...open, russia_azerbaijan_declaration: 1 })).toBeLessThan(base);
    expect(exact(PRESENT, 'csto_deployment', { ...open, csto_consensus: 0.5 })).toBeLessThan(base);
    same(exact(PRESENT, 'csto_deployment', { ...open, russia_azerbaijan_declaration: 1, declaration_ties: 0 }), base);
  });

  it('without the 1997 treaty Russia never acts militarily for Armenia', () => {
    expect(exact(PRESENT, 'russian_kinetic', { russia_armenia_treaty: 1 })).toBeGreaterThan(0);
    expect(exact(PRESENT, 'russian_kinetic', { russia_armenia_treaty: 0 })).toBe(0);
  });
});

describe('the peace-talk and route tracks', () => {
  it('more clashes make signing the treaty and starting the route less likely', () => {
    const calm = { calm_clash_rate: 0.0001 };
    const hot = { calm_clash_rate: 0.007 };
    expect(exact(PRESENT, 'treaty_signed', hot)).toBeLessThan(exact(PRESENT, 'treaty_signed', calm));
    expect(exact(PRESENT, 'route_construction_started', hot)).toBeLessThan(exact(PRESENT, 'route_construction_started', calm));
  });

  it('ratification never comes before signing, and the route never opens before it is built', () => {
    expect(exact(PRESENT, 'treaty_ratified')).toBeLessThanOrEqual(exact(PRESENT, 'treaty_signed'));
    expect(exact(PRESENT, 'treaty_ratified', { signing_rate: 0.0002, ratification_rate: 0.02 })).toBeLessThan(
      exact(PRESENT, 'treaty_signed', { signing_rate: 0.0002 }),
    );
    expect(exact(PRESENT, 'route_opened')).toBeLessThan(exact(PRESENT, 'route_construction_started'));
  });
});

describe('the new scenarios', () => {
  it('give every parameter a label, a unit, a provenance and a source or an assumption', () => {
    for (const file of [PRESENT, GALWAN]) {
      for (const [name, p] of Object.entries(load(file).parameters)) {
        expect(p.label, `${file}: ${name} label`).toBeTruthy();
        expect(p.unit, `${file}: ${name} unit`).toBeTruthy();
        expect(p.provenance, `${file}: ${name} provenance`).toBeDefined();
        expect(
          (p.sources?.length ?? 0) > 0 || (p.assumption ?? '') !== '' || p.provenance?.kind === 'setting',
          `${file}: ${name} source`,
        ).toBe(true);
      }
    }
  });
});
