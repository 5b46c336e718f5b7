/**
 * Quiet-step skipping must sample the same distribution as stepping one step at a time. On the
 * reference model, every reported probability and mean from the two paths must agree within 4.5
 * combined standard errors, and each path's metric means must agree with exact values computed
 * independently (reference-exact.ts) within 4.5 of their standard errors. Two-sided false alarm
 * ≈ 6.8e-6 per check; about 175 checks here, so ≈ 1.2e-3 for the file (seeds are fixed, so the
 * outcome is deterministic: the rate says how unlucky a seed would have to be).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadScenarioText, runScenario } from '../src/index.ts';
import { Z_TOL } from './helpers.ts';
import { referenceExact } from './reference-exact.ts';

const file = new URL('../../../scenarios/reference/caucasus-reference.yaml', import.meta.url);
const { scenario } = loadScenarioText(readFileSync(file, 'utf8'));
const N = 100_000;
const skipped = runScenario(scenario, { trials: N, seed: 101 });
const stepped = runScenario(scenario, { trials: N, seed: 202, stepOnly: true });

function agree(a: number, b: number, seA: number, seB: number): void {
  const se = Math.sqrt(seA ** 2 + seB ** 2);
  if (se === 0) expect(a).toBe(b);
  else expect(Math.abs(a - b)).toBeLessThanOrEqual(Z_TOL * se);
}

const pSe = (p: number) => Math.sqrt((p * (1 - p)) / N);

describe('skipping and stepping agree on the reference model', () => {
  it.each(Object.keys(skipped.metrics))('metric %s', (name) => {
    const a = skipped.metrics[name];
    const b = stepped.metrics[name];
    if (!a || !b) throw new Error(`missing metric ${name}`);
    agree(a.mean, b.mean, a.se, b.se);
    if (a.censored !== undefined && b.censored !== undefined) agree(a.censored, b.censored, pSe(a.censored), pSe(b.censored));
  });

  it.each(Object.keys(skipped.tracks))('track %s: final, ever and occupancy', (name) => {
    const a = skipped.tracks[name];
    const b = stepped.tracks[name];
    if (!a || !b) throw new Error(`missing track ${name}`);
    for (const state of a.states) {
      for (const kind of ['final', 'ever'] as const) {
        const pa = a[kind][state]!;
        const pb = b[kind][state]!;
        agree(pa, pb, pSe(pa), pSe(pb));
      }
      for (const t of [1, 5, 10, 30, 60]) {
        const pa = a.occupancy[state]![t]!;
        const pb = b.occupancy[state]![t]!;
        agree(pa, pb, pSe(pa), pSe(pb));
      }
    }
  });

  it.each([
    ['skipping', skipped],
    ['stepping', stepped],
  ])('%s matches the exact means of an independent calculation', (_label, result) => {
    const exact = referenceExact();
    expect(exact.war_reached).toBeCloseTo(0.13517690429, 9);
    for (const [name, value] of Object.entries(exact)) {
      if (name === 'ceasefire_censored') {
        const c = result.metrics.days_to_ceasefire!.censored!;
        agree(c, value, pSe(value), 0);
        continue;
      }
      const m = result.metrics[name];
      if (!m) throw new Error(`missing metric ${name}`);
      agree(m.mean, value, m.se, 0);
    }
  });

  it('reports the reference contract: 91 occupancy points and the six metrics', () => {
    expect(Object.keys(skipped.metrics).sort()).toEqual(
      ['days_to_ceasefire', 'fatalities', 'intervention', 'oil_lost_mbbl', 'pipeline_down_days', 'war_reached'].sort(),
    );
    expect(skipped.tracks.conflict?.occupancy.clash).toHaveLength(91);
    expect(skipped.tracks.conflict?.occupancy.clash?.[0]).toBe(1);
    expect(skipped.tracks.alliance?.occupancy.uninvolved?.[0]).toBe(1);
  });

  it('keeps the variables consistent with each other in every trial', () => {
    // oil lost is 0.6 per day down, in every trial, so the means are exactly proportional.
    expect(skipped.metrics.oil_lost_mbbl?.mean).toBeCloseTo(0.6 * skipped.metrics.pipeline_down_days!.mean, 10);
    expect(skipped.metrics.oil_lost_mbbl?.max).toBeCloseTo(0.6 * skipped.metrics.pipeline_down_days!.max, 10);
  });
});
