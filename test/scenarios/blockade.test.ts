/**
 * Direction tests for the blockade and exodus module (issue 17) on the 2023 scenario, answered by the
 * exact solver: no sampling, so comparisons are exact up to floating-point rounding (equalities to
 * 1e-9 relative), and no test pins a library outcome. Each solve is for the metrics its test reads
 * (`analyzeExact`'s `metrics` option: the same numbers, bit for bit, as a whole analysis gives,
 * without the first passages and parts of the chain they cannot read; a whole analysis of 2023
 * takes about 10 s on a 2-core machine).
 */
import { describe, expect, it } from 'vitest';
import { analyzeExact, type Overrides, type ScenarioDocument } from '../../packages/engine/src/index.ts';
import { libraryScenario } from '../helpers/library-scenarios.ts';

const FILE = 'scenarios/karabakh-2023.yaml';
const CLOSED = 'force: { corridor: closed }';

/** The 2023 scenario with the road forced to `state` at the start (it starts closed). */
const road = (state: 'open' | 'closed'): ScenarioDocument =>
  libraryScenario(FILE, (text) => {
    if (!text.includes(CLOSED)) throw new Error('karabakh-2023.yaml no longer forces the road closed at the start');
    return text.replace(CLOSED, `force: { corridor: ${state} }`);
  });

/** The exact means of `metrics` of `doc` under `overrides`, solved once for those metrics only. */
function means(doc: ScenarioDocument, metrics: readonly string[], overrides: Overrides = {}): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, m] of Object.entries(analyzeExact(doc, overrides, { metrics }).metrics)) out[name] = m.mean;
  return out;
}

const get = (m: Record<string, number>, name: string): number => {
  const v = m[name];
  if (v === undefined) throw new Error(`no exact answer for ${name}`);
  return v;
};

const same = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(a)));

describe('the blockade and the exodus (karabakh-2023, exact)', () => {
  const read = ['fighting_days', 'exodus', 'closure_days'];
  const closed = means(road('closed'), read);
  const open = means(road('open'), read);

  it('a closed road means more days of fighting (clashes turn into offensives); a factor of 1 removes the difference', () => {
    expect(get(closed, 'fighting_days')).toBeGreaterThan(get(open, 'fighting_days') + 0.01);
    same(
      get(means(road('closed'), ['fighting_days'], { blockade_offensive_factor: 1 }), 'fighting_days'),
      get(means(road('open'), ['fighting_days'], { blockade_offensive_factor: 1 }), 'fighting_days'),
    );
  });

  it('a closed road makes an exodus likelier and keeps the road shut longer', () => {
    expect(get(closed, 'exodus')).toBeGreaterThan(get(open, 'exodus') + 0.02);
    expect(get(closed, 'closure_days')).toBeGreaterThan(get(open, 'closure_days') + 1);
    expect(get(open, 'closure_days')).toBeGreaterThanOrEqual(0);
  });

  it('the offensive triggers the exodus: without the threat it sets off, nobody leaves', () => {
    const none = means(road('closed'), ['exodus', 'displaced_people'], { threat_rate: 0 });
    expect(get(none, 'exodus')).toBe(0);
    expect(get(none, 'displaced_people')).toBe(0);
    expect(get(closed, 'exodus')).toBeGreaterThan(0.1);
  });

  it('peacekeepers present make an exodus less likely and aid get through sooner', () => {
    const without = means(road('closed'), ['exodus', 'closure_days'], { peacekeepers_present: 0 });
    expect(get(closed, 'exodus')).toBeLessThan(get(without, 'exodus') - 0.01);
    expect(get(closed, 'closure_days')).toBeLessThan(get(without, 'closure_days'));
  });

  it('people displaced = chance of an exodus × population × share leaving', () => {
    const cut = { population: 80000, leaving_share: 0.5 };
    const m = means(road('closed'), ['exodus', 'displaced_people'], cut);
    same(get(m, 'displaced_people'), get(m, 'exodus') * 80000 * 0.5);
    // The population and share change how many leave, not whether an exodus starts.
    same(get(m, 'exodus'), get(closed, 'exodus'));
  });
});
