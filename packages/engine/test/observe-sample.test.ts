/**
 * Conditioning by sampling: against exact conditioning on a Markov chain, against rejection
 * sampling on a chain whose rates read a variable, determinism, and the collapse warning.
 * Statistical checks use fixed seeds and |z| < 4.5 per comparison (two-sided false alarm about
 * 7e-6 each; 15 comparisons, about 1e-4 for the file).
 */
import { describe, expect, it } from 'vitest';
import {
  buildAugmentedModel,
  buildModel,
  conditionExact,
  conditionSample,
  finishUpdate,
  loadScenarioText,
  mergeSummaries,
  mergeWeights,
  readObservations,
  replayTrials,
  resampleTrials,
  runScenario,
  simulate,
  updateScenario,
  weighTrials,
} from '../src/index.ts';
import { TrialStream, trialSeed } from '../src/rng.ts';
import { FILTER_SCENARIO } from './observe-helpers.ts';

const NON_MARKOV = `
id: smc-small
time: { unit: hour, dt: 1, horizon: 12 }
tracks:
  conflict:
    states: [clash, war, truce]
    initial: clash
    transitions:
      - { from: clash, to: war, rate: 'deaths > 6 ? 0.3 : 0.05' }
      - { from: clash, to: truce, rate: 0.1 }
      - { from: war, to: truce, rate: 0.05 }
variables:
  deaths: {}
flows:
  - { to: deaths, amount: 'poisson(conflict == "war" ? 3 : 1)', when: 'conflict != "truce"' }
metrics:
  deaths: { expr: deaths }
  war: { expr: 'ever(conflict, "war")' }
`;

const NON_MARKOV_OBSERVED = `
observations:
  - { at: 4, track: conflict, state: [clash, war] }
  - { at: 6, variable: deaths, reported: 10, error: { dist: normal, sd: 3 } }
`;

const z = (a: number, b: number, se: number) => Math.abs(a - b) / se;

describe('conditioning by sampling', () => {
  it('agrees with exact conditioning on a Markov chain within 4.5 SE', () => {
    const model = buildModel(loadScenarioText(FILTER_SCENARIO).scenario);
    const observed = readObservations(
      'observations:\n  - { at: 2, track: conflict, state: [clash, war] }\n  - { at: 3, event: mediators, happened: false }\n  - { at: 4, track: ally, state: engaged }\n',
      model,
    );
    const exact = conditionExact(model, observed);
    const n = 20_000;
    const sampled = conditionSample(model, observed, { trials: n, seed: 11 });
    const m = sampled.conditioning.effectiveSampleSize;
    expect(Math.abs(sampled.conditioning.evidence - exact.evidence)).toBeLessThan(
      4.5 * Math.sqrt((exact.evidence * (1 - exact.evidence)) / n),
    );
    for (const track of ['conflict', 'ally']) {
      for (const [state, p] of Object.entries(exact.tracks[track]!.final)) {
        // Resampling adds the noise of n multinomial draws to that of the m matching trials.
        const se = Math.sqrt(p * (1 - p) * (1 / m + 1 / n)) + 1e-9;
        expect(z(sampled.tracks[track]!.final[state]!, p, se)).toBeLessThan(4.5);
        const ever = exact.tracks[track]!.ever[state]!;
        expect(z(sampled.tracks[track]!.ever[state]!, ever, Math.sqrt(ever * (1 - ever) * (1 / m + 1 / n)) + 1e-9)).toBeLessThan(4.5);
      }
    }
  });

  it('gives intervals as wide as the resampled trials are worth: 95% of them cover the exact conditional', () => {
    // The reviewer's case: 5,000 trials worth about 830 after two observations. With the trials
    // counted as independent, about half of these intervals missed the exact answer.
    const doc = loadScenarioText(`
id: border-dispute
time: { unit: day, dt: 1, horizon: 30 }
tracks:
  conflict:
    states: [tension, clash, war]
    transitions:
      - { from: tension, to: clash, rate: 0.05 }
      - { from: clash, to: war, rate: 0.1 }
metrics:
  war: { expr: 'ever(conflict, "war")' }
`).scenario;
    const text = 'observations:\n  - { at: 5, track: conflict, state: tension }\n  - { at: 12, track: conflict, state: clash }\n';
    let covered = 0;
    let trackCovered = 0;
    let squares = 0;
    const seeds = 60;
    for (let seed = 1; seed <= seeds; seed++) {
      const answer = updateScenario(doc, text, { trials: 5000, seed });
      const exact = answer.exact?.metrics.war?.mean ?? Number.NaN;
      const war = answer.metrics.war!;
      expect(war.effectiveN).toBeCloseTo(answer.conditioning.effectiveSampleSize, 9);
      const [lo, hi] = war.probability!.ci95;
      if (lo <= exact && exact <= hi) covered++;
      const [tlo, thi] = answer.tracks.conflict!.everCi95.war!;
      if (tlo <= exact && exact <= thi) trackCovered++;
      squares += ((war.mean - exact) / war.se) ** 2;
    }
    // P(Binomial(60, 0.95) <= 50) = 7e-4: the false-alarm rate of each count at these fixed seeds.
    expect(covered).toBeGreaterThanOrEqual(51);
    expect(trackCovered).toBeGreaterThanOrEqual(51);
    // The errors in standard errors have sd 1 (0.94 measured); counted as 5,000 trials, 2.4.
    expect(Math.sqrt(squares / seeds)).toBeGreaterThan(0.7);
    expect(Math.sqrt(squares / seeds)).toBeLessThan(1.3);
  });

  it('agrees with rejection sampling where rates read a variable (reporting error as likelihood) within 4.5 SE', () => {
    const model = buildModel(loadScenarioText(NON_MARKOV).scenario);
    const observed = readObservations(NON_MARKOV_OBSERVED, model);
    const n = 20_000;
    const sampled = conditionSample(model, observed, { trials: n, seed: 3 });
    // Rejection: a trial of the prior is kept with probability equal to its likelihood (at most 1).
    const { model: plain, snapshots } = buildAugmentedModel(model, observed.list);
    const [inWar, reported] = snapshots;
    const accept = new TrialStream(trialSeed(99, 0, 5));
    const war = plain.tracks[0]!.stateOffset + 1;
    let kept = 0;
    let warKept = 0;
    let deaths = 0;
    let deathsSq = 0;
    simulate(plain, {
      seed: 99,
      firstTrial: 0,
      trials: 200_000,
      onTrialEnd: (_, s) => {
        const l = s.v[inWar!]! * Math.exp(-0.5 * ((10 - s.v[reported!]!) / 3) ** 2);
        if (accept.uniform() >= l) return;
        kept++;
        if (s.ever[war]) warKept++;
        deaths += s.v[plain.vars.names.indexOf('deaths')]!;
        deathsSq += s.v[plain.vars.names.indexOf('deaths')]! ** 2;
      },
    });
    const m = sampled.conditioning.effectiveSampleSize;
    const pWar = warKept / kept;
    const seWar = Math.sqrt(pWar * (1 - pWar) * (1 / kept + 1 / m + 1 / n));
    expect(z(sampled.metrics.war!.mean, pWar, seWar)).toBeLessThan(4.5);
    const mean = deaths / kept;
    const sd = Math.sqrt(deathsSq / kept - mean * mean);
    expect(z(sampled.metrics.deaths!.mean, mean, sd * Math.sqrt(1 / kept + 1 / m + 1 / n))).toBeLessThan(4.5);
    // The observations moved the forecast: the prior mean is far from the conditioned one.
    const prior = runScenario(model.scenario, { trials: 5000, seed: 5 });
    expect(Math.abs(prior.metrics.deaths!.mean - mean)).toBeGreaterThan(2);
    expect(sampled.conditioning.observations.map((o) => o.t)).toEqual([4, 6]);
  });

  it('is the same for the same seed, differs for another, and carries the observations hash in its receipt', () => {
    const model = buildModel(loadScenarioText(NON_MARKOV).scenario);
    const observed = readObservations(NON_MARKOV_OBSERVED, model);
    const a = conditionSample(model, observed, { trials: 2000, seed: 8 });
    const b = conditionSample(model, observed, { trials: 2000, seed: 8 });
    const c = conditionSample(model, observed, { trials: 2000, seed: 9 });
    expect(a.receipt.outputHash).toBe(b.receipt.outputHash);
    expect(a.receipt.outputHash).not.toBe(c.receipt.outputHash);
    expect(a.receipt.observationsHash).toBe(observed.hash);
    expect(a.receipt.scenarioHash).toBe(a.scenario.hash);
  });

  it('gives the same result however the trials are split into chunks (any worker count)', () => {
    const model = buildModel(loadScenarioText(NON_MARKOV).scenario);
    const observed = readObservations(NON_MARKOV_OBSERVED, model);
    const whole = conditionSample(model, observed, { trials: 3000, seed: 6 });
    const chunk = (first: number, count: number) => weighTrials(model, observed, { seed: 6, overrides: {}, first, count });
    // Weighed in three uneven chunks handed back out of order, replayed in two pieces.
    const weights = mergeWeights([chunk(1700, 1300), chunk(0, 700), chunk(700, 1000)]);
    const list = resampleTrials(observed, weights, 6);
    const replay = (part: Int32Array) => replayTrials(model, observed, { seed: 6, overrides: {}, list: part });
    const summary = mergeSummaries(replay(list.subarray(1234)), replay(list.subarray(0, 1234)));
    const split = finishUpdate(model, observed, weights, summary, { seed: 6, overrides: {}, seconds: 0, workers: 3 });
    expect(split.receipt.outputHash).toBe(whole.receipt.outputHash);
    expect(split.conditioning).toEqual(whole.conditioning);
  });

  it('warns when the effective sample size collapses', () => {
    const model = buildModel(loadScenarioText(NON_MARKOV).scenario);
    const rare = readObservations('observations:\n  - { at: 12, variable: deaths, reported: 40, error: { dist: normal, sd: 1 } }\n', model);
    const update = conditionSample(model, rare, { trials: 2000, seed: 1 });
    expect(update.conditioning.effectiveSampleSize).toBeLessThan(100);
    expect(update.conditioning.warnings.join(' ')).toMatch(/effective sample size collapsed/);
    const fine = conditionSample(model, readObservations(NON_MARKOV_OBSERVED, model), { trials: 2000, seed: 1 });
    expect(fine.conditioning.warnings).toEqual([]);
  });

  it('refuses to condition on the weight of about one trial, whose copies would give every interval a width of 0', () => {
    const model = buildModel(loadScenarioText(NON_MARKOV).scenario);
    const rarer = readObservations(
      'observations:\n  - { at: 12, variable: deaths, reported: 60, error: { dist: normal, sd: 1 } }\n',
      model,
    );
    expect(() => conditionSample(model, rarer, { trials: 2000, seed: 1 })).toThrow(
      /matched too few trials to estimate anything: their weight is that of 1\.\d trials of 2000 \(an interval needs at least 2\)/,
    );
  });

  it('counts both passes against the budget and quotes the budget that was set', () => {
    const model = buildModel(loadScenarioText(NON_MARKOV).scenario);
    const observed = readObservations(NON_MARKOV_OBSERVED, model);
    // 12 steps a trial, weighed then replayed: 24 trial-steps a trial; 1,000 of them fit in 24,000.
    expect(() => conditionSample(model, observed, { trials: 1000, seed: 1, budget: 24_000 })).not.toThrow();
    let message = '';
    try {
      conditionSample(model, observed, { trials: 1001, seed: 1, budget: 24_000 });
    } catch (error) {
      message = JSON.stringify((error as { issues?: unknown }).issues);
    }
    expect(message).toContain('1001 trials × 12 steps × 2 passes = 2.40e+4 trial-steps exceeds the budget of 2.40e+4');
    expect(message).toContain('use at most 1000 trials');
  });
});

describe("an update's grids (a classroom scores quantity forecasts on them)", () => {
  it("gives each listed metric's conditioned distribution as 200 equally likely values: its mean the run's, its median the best point forecast", () => {
    const doc = loadScenarioText(NON_MARKOV).scenario;
    const answer = updateScenario(doc, NON_MARKOV_OBSERVED, { trials: 4000, seed: 3, grids: ['deaths'] });
    const grid = answer.grids?.deaths;
    if (grid === undefined) throw new Error('a grid');
    expect(grid).toHaveLength(200);
    const metric = answer.metrics.deaths!;
    // The slices' means average to the replayed trials' mean (the same values, another order of adding).
    expect(grid.reduce((s, x) => s + x, 0) / grid.length).toBeCloseTo(metric.mean, 9);
    // Expected absolute error is smallest at the median: no point of the range does better.
    const eae = (x: number) => grid.reduce((s, y) => s + Math.abs(x - y), 0) / grid.length;
    for (let x = metric.min; x <= metric.max; x += 0.5) expect(eae(metric.quantiles.p50)).toBeLessThanOrEqual(eae(x) + 1e-12);
    expect(updateScenario(doc, NON_MARKOV_OBSERVED, { trials: 4000, seed: 3 }).grids).toBeUndefined();
    expect(() => updateScenario(doc, NON_MARKOV_OBSERVED, { trials: 100, seed: 3, grids: ['nope'] })).toThrow(/no metric "nope"/);
  });
});
