/**
 * Direction tests for the pipelines-by-geography module (issue 17) on the 2020 war scenario with the
 * module swapped in for its pipeline include (the shipped 2020 file keeps the old module: the new
 * module's strike rate counts the 2020 war, hindsight there), answered by the exact solver: no sampling, so comparisons are exact up to floating-point rounding
 * and no test pins a library outcome.
 */
import { describe, expect, it } from 'vitest';
import type { Overrides, ScenarioDocument } from '../../packages/engine/src/index.ts';
import { exactMean, libraryScenario } from '../helpers/library-scenarios.ts';

const WAR_2020 = 'scenarios/nagorno-karabakh-2020.yaml';

let doc: ScenarioDocument | undefined;

/** The 2020 document with its pipeline include replaced by the pipelines-by-geography module. */
function withGeography(text: string): string {
  const old = /^ {2}- module: modules\/pipeline-disruption\.yaml\n {4}with: \{ sector_distance_km: (\d+) \}\n/m;
  if (!old.test(text)) throw new Error('the 2020 scenario no longer includes the old pipeline module as expected');
  return text.replace(old, '  - module: modules/pipelines-by-geography.yaml\n    with: { sector_distance_km: $1, oil_price_usd: 45 }\n');
}

/** The exact mean of a metric of the 2020 scenario (a probability for a yes/no metric). */
function exact(metric: string, overrides: Overrides = {}): number {
  doc ??= libraryScenario(WAR_2020, withGeography);
  return exactMean(doc, metric, overrides);
}

describe('pipelines by geography', () => {
  it('more distance from the fighting, less stray-fire damage', () => {
    const noStrikes = { deliberate_strike_rate: 0, stray_damage_rate_near: 0.005 };
    const near = exact('pipeline_damaged', { ...noStrikes, sector_distance_km: 15 });
    const mid = exact('pipeline_damaged', { ...noStrikes, sector_distance_km: 50 });
    const far = exact('pipeline_damaged', { ...noStrikes, sector_distance_km: 150 });
    expect(near).toBeGreaterThan(mid + 0.01);
    expect(mid).toBeGreaterThan(far);
    expect(far).toBeLessThan(1e-6);
  });

  it('a deliberate-strike rate of 0 removes strikes: far from the fighting nothing is damaged', () => {
    expect(exact('pipeline_damaged', { sector_distance_km: 300, deliberate_strike_rate: 0 })).toBeLessThan(1e-9);
    expect(exact('pipeline_damaged', { sector_distance_km: 300, deliberate_strike_rate: 0.009 })).toBeGreaterThan(0.1);
  });

  it("the operator's precautionary shutdown stops a line without damaging it", () => {
    const noDamage = { deliberate_strike_rate: 0, stray_damage_rate_near: 0, sector_distance_km: 15 };
    expect(exact('pipeline_damaged', noDamage)).toBe(0);
    expect(exact('pipeline_shut_as_precaution', noDamage)).toBeGreaterThan(0.5);
    expect(exact('pipeline_down_days', noDamage)).toBeGreaterThan(1);
  });

  it('BTC and SCP can fail separately', () => {
    const either = exact('pipeline_disruption');
    const btc = exact('btc_disrupted');
    const scp = exact('scp_disrupted');
    expect(either).toBeGreaterThan(Math.max(btc, scp) + 0.01);
    expect(either).toBeLessThanOrEqual(btc + scp + 1e-12);
  });
});
