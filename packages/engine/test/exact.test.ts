/**
 * Exact analysis against independent calculations (to 1e-9 and 1e-12, no randomness) and the
 * engine's Monte Carlo against exact analysis (statistical; see the header of exact-vs-mc.test.ts).
 */
import { readFileSync } from 'node:fs';
import { identity, inv, type Matrix, matrix, subtract } from 'mathjs';
import { describe, expect, it } from 'vitest';
import { libraryScenario } from '../../../test/helpers/library-scenarios.ts';
import { analyzeExact, GeoriskError, loadScenarioText, runScenario } from '../src/index.ts';
import { EVENTS_SCENARIO } from './helpers.ts';
import { referenceExact, referenceFinalByMatrix } from './reference-exact.ts';

const referenceFile = new URL('../../../scenarios/reference/caucasus-reference.yaml', import.meta.url);
const reference = loadScenarioText(readFileSync(referenceFile, 'utf8')).scenario;
const close = (a: number, b: number, tol: number) => expect(Math.abs(a - b)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b)));

describe('the reference model, solved exactly', () => {
  const exact = analyzeExact(reference);

  it('agrees with an independent hand-written propagation to 1e-9', () => {
    const independent = referenceExact();
    for (const name of ['war_reached', 'intervention', 'fatalities', 'pipeline_down_days', 'oil_lost_mbbl', 'days_to_ceasefire'] as const) {
      close(exact.metrics[name]!.mean, independent[name], 1e-9);
    }
    close(exact.metrics.days_to_ceasefire!.censored!, independent.ceasefire_censored, 1e-9);
    expect(exact.metrics.war_reached?.probability).toBeCloseTo(independent.war_reached, 12);
  });

  it('agrees with dense matrix powers (mathjs) on the final joint distribution to 1e-9', async () => {
    const final = await referenceFinalByMatrix();
    const marginal = (track: 'conflict' | 'alliance' | 'pipeline', i: number) =>
      final.reduce((sum, p, index) => {
        const c = Math.floor(index / 9);
        const a = Math.floor(index / 3) % 3;
        const q = index % 3;
        return sum + ((track === 'conflict' ? c : track === 'alliance' ? a : q) === i ? p : 0);
      }, 0);
    for (const track of ['conflict', 'alliance', 'pipeline'] as const) {
      exact.tracks[track]?.states.forEach((state, i) => close(exact.tracks[track]!.final[state]!, marginal(track, i), 1e-9));
    }
  });

  it('solves tracks that nothing else moves apart, with the answers of the whole chain (to 1e-12)', () => {
    // The same model with the conflict track reading the other two (to no effect): one part of 45 states.
    const coupled = loadScenarioText(
      readFileSync(referenceFile, 'utf8').replace(
        '{ from: skirmish, to: clash, rate: 0.05 }',
        `{ from: skirmish, to: clash, rate: 'alliance == "intervention" and pipeline == "damaged" ? 0.05 : 0.05' }`,
      ),
    ).scenario;
    const whole = analyzeExact(coupled);
    expect(whole.jointStates.largestPart).toBe(45);
    expect(exact.jointStates.largestPart).toBe(15);
    for (const [name, m] of Object.entries(whole.metrics)) close(exact.metrics[name]!.mean, m.mean, 1e-12);
    for (const [track, t] of Object.entries(whole.tracks)) {
      for (const state of t.states) {
        close(exact.tracks[track]!.ever[state]!, t.ever[state]!, 1e-12);
        t.occupancy[state]?.forEach((p, m) => close(exact.tracks[track]!.occupancy[state]![m]!, p, 1e-12));
        t.firstPassage[state]?.cumulative.forEach((p, m) => close(exact.tracks[track]!.firstPassage[state]!.cumulative[m]!, p, 1e-12));
      }
    }
  });

  it('answers "any of these flags" from one first passage, as the chain with every combination of flags does', () => {
    // The second metric tests a final state (to no effect), which forces the propagation of all four flag combinations.
    const text = readFileSync(referenceFile, 'utf8').replace(
      'metrics:\n',
      `metrics:\n  disrupted: { expr: 'ever(pipeline, "shutdown") or ever(pipeline, "damaged")' }\n  disrupted_joint: { expr: '(ever(pipeline, "shutdown") or ever(pipeline, "damaged")) + 0 * (conflict == "war")' }\n`,
    );
    const both = analyzeExact(loadScenarioText(text).scenario);
    const p = both.metrics.disrupted!.probability!;
    expect(p).toBeGreaterThan(0.01);
    close(p, both.metrics.disrupted_joint!.probability!, 1e-12);
  });

  it('reports occupancy over 91 times, first passages, and no caveats', () => {
    expect(exact.tracks.conflict?.occupancy.clash).toHaveLength(91);
    expect(exact.tracks.conflict?.occupancy.clash?.[0]).toBe(1);
    const fp = exact.tracks.conflict?.firstPassage.ceasefire;
    expect(fp?.cumulative[90]).toBeCloseTo(fp!.reached, 15);
    expect(exact.tracks.conflict?.ever.ceasefire).toBeCloseTo(1 - exact.metrics.days_to_ceasefire!.censored!, 12);
    expect(exact.unavailable).toEqual({});
    expect(exact.notes).toEqual([]);
    expect(exact.jointStates).toEqual({ space: 45, largestPart: 15, largestSupport: 15 });
  });
});

describe('textbook absorbing chains', () => {
  const gambler = (p: number, start: number, horizon: number, metrics: string) => {
    const transitions: string[] = [];
    for (let i = 1; i < 6; i++)
      transitions.push(`{ from: s${i}, to: s${i + 1}, probability: ${p} }`, `{ from: s${i}, to: s${i - 1}, probability: ${1 - p} }`);
    return loadScenarioText(`
id: gamblers-ruin
time: { unit: day, dt: 1, horizon: ${horizon} }
tracks:
  purse: { states: [s0, s1, s2, s3, s4, s5, s6], initial: s${start}, transitions: [${transitions.join(', ')}] }
metrics:
${metrics}
`).scenario;
  };

  it.each([
    [0.4, 3],
    [0.5, 2],
    [0.55, 1],
    [0.3, 5],
  ])("gambler's ruin with p = %s from s%s: P(reach s6) = (1 − (q/p)^i) / (1 − (q/p)^6) to 1e-12", (p, start) => {
    const exact = analyzeExact(gambler(p, start, 1000, '  win: { expr: \'ever(purse, "s6")\' }'));
    const r = (1 - p) / p;
    const win = r === 1 ? start / 6 : (1 - r ** start) / (1 - r ** 6);
    close(exact.metrics.win!.probability!, win, 1e-12);
    close(exact.tracks.purse!.final.s6!, win, 1e-12);
  });

  it('expected visits to each transient state equal the fundamental matrix (I − Q)⁻¹ (mathjs) to 1e-12', () => {
    const p = 0.45;
    const metrics = [1, 2, 3, 4, 5].map((j) => `  visits_s${j}: { expr: 'time_in(purse, "s${j}")' }`).join('\n');
    const exact = analyzeExact(gambler(p, 2, 1000, metrics));
    const q: number[][] = Array.from({ length: 5 }, () => new Array<number>(5).fill(0));
    for (let i = 0; i < 5; i++) {
      if (i + 1 < 5) q[i]![i + 1] = p;
      if (i - 1 >= 0) q[i]![i - 1] = 1 - p;
    }
    const fundamental = (inv(subtract(identity(5), matrix(q)) as Matrix) as Matrix).toArray() as number[][];
    for (let j = 0; j < 5; j++) close(exact.metrics[`visits_s${j + 1}`]!.mean, fundamental[1]![j]!, 1e-12);
  });

  it('a time-varying hazard integrates exactly: P(left by t) = 1 − exp(−Σ h(k·dt)·dt)', () => {
    const exact = analyzeExact(
      loadScenarioText(`
id: time-varying
time: { unit: day, dt: 0.5, horizon: 10 }
tracks:
  x: { states: [a, b], transitions: [{ from: a, to: b, rate: 0.02 * t }] }
`).scenario,
    );
    let h = 0;
    for (let k = 0; k < 20; k++) h += 0.02 * k * 0.5 * 0.5;
    close(exact.tracks.x!.final.b!, 1 - Math.exp(-h), 1e-12);
  });
});

describe('events and metrics of several flags', () => {
  it('applies timed events, condition events and forced states exactly', () => {
    const exact = analyzeExact(loadScenarioText(EVENTS_SCENARIO).scenario);
    close(exact.metrics.war_by_15!.probability!, 1 - Math.exp(-0.2 * 8), 1e-12);
    close(exact.metrics.alerts!.mean, 1 - Math.exp(-0.2 * 8), 1e-12);
    expect(exact.metrics.clash_first?.distribution).toEqual({ values: [6], probabilities: [1] });
    expect(exact.tracks.conflict?.final.calm).toBeCloseTo(1, 15);
  });

  it('combines ever() flags: P(war and intervention) = P(intervention), since intervention needs war', () => {
    const withCombined = {
      ...reference,
      metrics: { ...reference.metrics, both: { expr: 'ever(conflict, "war") and ever(alliance, "intervention")' } },
    };
    const exact = analyzeExact(withCombined);
    close(exact.metrics.both!.probability!, exact.metrics.intervention!.probability!, 1e-12);
  });
});

describe('scenarios without an exact answer', () => {
  it('name every expression that reads a variable', () => {
    const scenario = loadScenarioText(`
id: not-markov
time: { unit: day, dt: 1, horizon: 10 }
tracks:
  x: { states: [a, b], transitions: [{ from: a, to: b, rate: 'deaths > 10 ? 0.5 : 0.1' }] }
variables:
  deaths: {}
flows:
  - { to: deaths, amount: poisson(3) }
`).scenario;
    try {
      analyzeExact(scenario);
      expect.unreachable('analyzeExact should refuse');
    } catch (error) {
      expect(error).toBeInstanceOf(GeoriskError);
      const issues = (error as GeoriskError).issues;
      expect(issues.map((i) => [i.code, i.path])).toEqual([['not_markov', 'tracks.x.transitions[0].rate']]);
      expect(issues[0]?.message).toContain('reads variable "deaths"');
    }
  });

  it("refuse probabilities out of a state that add up to more than 1 at the parameters' values, as a run does", () => {
    const scenario = loadScenarioText(`
id: over-one
time: { unit: day, dt: 1, horizon: 10 }
parameters:
  esc: { default: 0.05, range: [0.01, 0.2] }
tracks:
  x:
    states: [a, b, c]
    transitions:
      - { from: a, to: b, probability: 'esc * 10' }
      - { from: a, to: c, probability: 0.6 }
`).scenario;
    for (const solve of [() => analyzeExact(scenario), () => runScenario(scenario, { trials: 10, seed: 1 })]) {
      try {
        solve();
        expect.unreachable('the sum 1.1 should be refused');
      } catch (error) {
        expect(error).toBeInstanceOf(GeoriskError);
        const first = (error as GeoriskError).issues[0]!;
        expect(first.code).toBe('probability_range');
        expect(first.message).toContain('add up to 1.1');
        expect(first.hint).toContain('the probabilities out of a state must add up to at most 1');
      }
    }
  });

  it('say when an uncertain parameter is held at its value', () => {
    const exact = analyzeExact(
      loadScenarioText(`
id: uncertain
time: { unit: day, dt: 1, horizon: 10 }
parameters:
  r: { default: 0.1, uncertainty: { dist: uniform, min: 0, max: 0.2 } }
tracks:
  x: { states: [a, b], transitions: [{ from: a, to: b, rate: r }] }
`).scenario,
    );
    expect(exact.notes[0]).toContain('parameter "r" has an uncertainty distribution');
    close(exact.tracks.x!.final.b!, 1 - Math.exp(-1), 1e-12);
  });
});

describe('solving for some metrics only', () => {
  const scenario = libraryScenario('scenarios/armenia-azerbaijan-2022.yaml');
  const whole = analyzeExact(scenario, {}, { everyState: false });

  it.each([
    [['war_reached'], ['conflict']],
    [
      ['war_reached', 'ceasefire_by_day_2', 'csto_deployment'],
      ['alliance', 'conflict'],
    ],
    [
      ['btc_disrupted', 'oil_lost_mbbl', 'war_over_7_days'],
      ['btc', 'conflict'],
    ],
  ])('%j gives the whole analysis’s answers, bit for bit, solving only the tracks they read', (names, tracks) => {
    const some = analyzeExact(scenario, {}, { metrics: names });
    for (const name of names) {
      // toEqual compares numbers with Object.is: the same bits.
      if (name in whole.metrics) expect(some.metrics[name], name).toEqual(whole.metrics[name]);
      else expect(some.unavailable[name], name).toBe(whole.unavailable[name]);
    }
    expect([...Object.keys(some.metrics), ...Object.keys(some.unavailable)].sort()).toEqual([...names].sort());
    expect(Object.keys(some.tracks).sort()).toEqual(expect.arrayContaining(tracks));
    expect(Object.keys(some.tracks).length).toBeLessThan(Object.keys(whole.tracks).length);
    expect(some.notes.at(-1)).toMatch(/^solved for the metrics? .* only/);
  });
});
