/**
 * Two-level runs against a case with a known answer: war in one step with probability q, q ~
 * uniform(0.2, 0.6). Then Var(E[Y|q]) = Var(q) = 0.4²/12 = 0.01333, E[Var(Y|q)] = E[q(1-q)] =
 * 0.22667, the overall answer is 0.4 and the 5–95% band [0.22, 0.58]. The exact path must give
 * these up to the Latin hypercube's error; the sampled path the same within its stated noise; any
 * number of lanes the same bits.
 */
import { describe, expect, it } from 'vitest';
import { type ExactTask, type Lane, ModelCache, runChunkTask, type SweepPointChunkTask } from '../src/chunks/index.ts';
import type { ExactResult } from '../src/exact/index.ts';
import {
  FEW_DRAWS,
  GeoriskError,
  loadScenarioText,
  noisyBand,
  planUncertainty,
  type RunSummary,
  runUncertainty,
  runUncertaintyPlan,
  type UncertaintyOptions,
} from '../src/index.ts';

const KNOWN = loadScenarioText(`id: band-test
time: { unit: day, dt: 1, horizon: 1 }
parameters:
  q: { default: 0.4, range: [0.2, 0.6], uncertainty: { dist: uniform, min: 0.2, max: 0.6 }, assumption: test }
  idle: { default: 1, range: [0, 2], assumption: read by nothing the metric sees }
  sw: { default: 1, range: [0, 1], provenance: { kind: setting } }
variables:
  unused: { initial: 0 }
flows:
  - { to: unused, amount: idle * sw }
tracks:
  conflict:
    states: [calm, war]
    initial: calm
    transitions:
      - { from: calm, to: war, probability: q }
metrics:
  war: { expr: 'ever(conflict, "war")' }
`).scenario;

const DRAWS = 256;
const VAR_Q = 0.04 / 3;
const CHANCE = 0.4 - (VAR_Q + 0.16);

async function run(options: Partial<UncertaintyOptions>) {
  return runUncertainty(KNOWN, { draws: DRAWS, seed: 11, ...options });
}

function issuesOf(fn: () => unknown): { code: string; path: string; message: string; hint?: string }[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof GeoriskError) return error.issues;
    throw error;
  }
  throw new Error('expected a GeoriskError');
}

describe('runUncertainty on a case with a known answer', () => {
  it('solves each draw exactly: the overall answer, the band, the variance split and the driver', async () => {
    const r = await run({ method: 'auto' });
    expect(r.method).toBe('exact');
    expect(r.uncertain.map((p) => [p.name, p.source])).toEqual([
      ['q', 'declared'],
      ['idle', 'default'],
    ]);
    const war = r.metrics.war!;
    expect(war.probability).toBe(true);
    expect(war.drawNoiseSd).toBe(0);
    // A Latin hypercube of 256 puts one draw in each 1/256 stratum of q: the mean is within 0.4/256 of 0.4.
    expect(Math.abs(war.overall.mean - 0.4)).toBeLessThan(0.4 / DRAWS);
    expect(Math.abs(war.band.p5 - 0.22)).toBeLessThan(0.4 / DRAWS + 1e-9);
    expect(Math.abs(war.band.p95 - 0.58)).toBeLessThan(0.4 / DRAWS + 1e-9);
    expect(Math.abs(war.variance.parameters - VAR_Q) / VAR_Q).toBeLessThan(0.01);
    expect(Math.abs(war.variance.chance - CHANCE)).toBeLessThan(1e-3);
    expect(war.variance.parameterShare + war.variance.chanceShare).toBeCloseTo(1, 12);
    // q alone makes the band: its index is 1 up to the binning (16 bins leave 1/16² of the variance within bins).
    expect(war.drivers[0]?.name).toBe('q');
    expect(war.drivers[0]?.s1).toBeGreaterThan(0.99);
    const idle = war.drivers.find((d) => d.name === 'idle');
    expect(idle?.s1).toBeLessThan(0.02);
  });

  it('samples each draw to the same answer within its stated noise (the same draws: only the trials differ)', async () => {
    const exact = (await run({ method: 'exact' })).metrics.war!;
    const sampled = (await run({ method: 'sample', trialsPerDraw: 2000 })).metrics.war!;
    expect(sampled.drawNoiseSd).toBeCloseTo(Math.sqrt(sampled.variance.chance / 2000), 12);
    // The means differ by the inner noise alone, sd √(E[Var]/(T·N)) = 0.00067: 4.5 sd is a false alarm of 7e-6.
    const sd = Math.sqrt(CHANCE / (2000 * DRAWS));
    expect(Math.abs(sampled.overall.mean - exact.overall.mean)).toBeLessThan(4.5 * sd);
    expect(Math.abs(sampled.variance.chance - exact.variance.chance)).toBeLessThan(0.002);
    // The noise-corrected spread: its own sd is about √(2/N)·Var(q) ≈ 9% of it; 35% is ~4 sd.
    expect(Math.abs(sampled.variance.parameters - VAR_Q) / VAR_Q).toBeLessThan(0.35);
    expect(sampled.drivers[0]?.name).toBe('q');
  });

  it("draws from a Sobol' sequence as well: 256 points fill every 1/256 stratum of q once", async () => {
    const war = (await run({ design: 'sobol' })).metrics.war!;
    expect(Math.abs(war.overall.mean - 0.4)).toBeLessThan(0.4 / DRAWS);
    expect(Math.abs(war.variance.parameters - VAR_Q) / VAR_Q).toBeLessThan(0.01);
  });

  it('takes a fixed parameter out of the band and lists it', async () => {
    const r = await run({ overrides: { q: 0.3 } });
    expect(r.uncertain.map((p) => p.name)).toEqual(['idle']);
    expect(r.fixed).toEqual({ q: 0.3 });
    const war = r.metrics.war!;
    expect(war.band.p5).toBeCloseTo(0.3, 12);
    expect(war.band.p95).toBeCloseTo(0.3, 12);
    expect(war.variance.parameters).toBeCloseTo(0, 12);
  });

  it('gives the same bits on one lane and on three lanes that finish out of order', async () => {
    const plan = planUncertainty(KNOWN, { draws: 24, seed: 5, method: 'sample', trialsPerDraw: 5000 });
    expect(plan.chunks.length).toBe(2);
    const lane = (delay: number): Lane<SweepPointChunkTask, RunSummary> => {
      const cache = new ModelCache();
      return {
        run: async (task) => {
          await new Promise((go) => setTimeout(go, (task.point * 7 + delay) % 5));
          return runChunkTask(cache, task);
        },
      };
    };
    const one = await runUncertaintyPlan(plan, { lanes: [lane(0)] });
    const three = await runUncertaintyPlan(plan, { lanes: [lane(0), lane(1), lane(3)] });
    expect(JSON.stringify(three.metrics)).toBe(JSON.stringify(one.metrics));
    const exactPlan = planUncertainty(KNOWN, { draws: 24, seed: 5 });
    const exactLane = (): Lane<ExactTask, ExactResult> => {
      const cache = new ModelCache();
      return {
        run: async (task) => {
          const outcome = runChunkTask(cache, task);
          return 'exact' in outcome ? { summary: outcome.exact } : outcome;
        },
      };
    };
    const exactOne = await runUncertaintyPlan(exactPlan, { exactLanes: [exactLane()] });
    const exactTwo = await runUncertaintyPlan(exactPlan, { exactLanes: [exactLane(), exactLane()] });
    expect(JSON.stringify(exactTwo.metrics)).toBe(JSON.stringify(exactOne.metrics));
  });
});

describe("the band's drivers", () => {
  const LINEAR = loadScenarioText(`id: linear
time: { unit: day, dt: 1, horizon: 1 }
parameters:
  a: { default: 0.5, range: [0, 1], uncertainty: { dist: uniform, min: 0, max: 1 }, assumption: test }
  b: { default: 0.5, range: [0, 1], uncertainty: { dist: uniform, min: 0, max: 1 }, assumption: test }
  c: { default: 0.5, range: [0, 1], uncertainty: { dist: uniform, min: 0, max: 1 }, assumption: test }
tracks:
  conflict: { states: [calm, war], initial: calm, transitions: [{ from: calm, to: war, probability: 'c * 0' }] }
metrics:
  lin: { expr: 'a + 2 * b' }
`).scenario;

  it('recover the first-order indices of a + 2b (0.2 and 0.8; 0 for c) within 3 stated errors, seed after seed', async () => {
    // Binning into 16 bins loses 1/16² of a linear effect (0.004): inside the 0.01 allowance.
    const truth: Record<string, number> = { a: 0.2, b: 0.8, c: 0 };
    for (const seed of [1, 2, 3, 4, 5]) {
      const r = await runUncertainty(LINEAR, { draws: 256, seed });
      expect(r.method).toBe('exact');
      const drivers = r.metrics.lin!.drivers;
      expect(drivers.map((d) => d.name)).toEqual(['b', 'a', 'c']);
      for (const d of drivers) {
        expect(d.se).toBeLessThan(0.06);
        expect(Math.abs(d.s1 - (truth[d.name] ?? Number.NaN)), `${d.name} at seed ${seed}`).toBeLessThanOrEqual(3 * d.se + 0.01);
      }
    }
  });
});

describe('a band that sampling noise would pass for uncertainty', () => {
  it('needs 2 trials a draw, notes few draws, and notes a band whose spread is mostly noise', async () => {
    const [one] = issuesOf(() => planUncertainty(KNOWN, { draws: 50, method: 'sample', trialsPerDraw: 1 }));
    expect(one).toMatchObject({ code: 'bad_run_options', path: 'trialsPerDraw' });
    expect(one?.message).toContain('at least 2 trials');
    expect(planUncertainty(KNOWN, { draws: 5 }).notes.join(' ')).toContain('only 5 draws');
    expect(planUncertainty(KNOWN, { draws: FEW_DRAWS }).notes.join(' ')).not.toContain('draws: its ends');
    // q spreads P(war) over 0.2–0.6 (variance 0.0133); 2 trials a draw add noise of about 0.12: mostly noise.
    const noisy = await runUncertainty(KNOWN, { draws: 200, method: 'sample', trialsPerDraw: 2, seed: 3 });
    expect(noisyBand(noisy.metrics.war!)).toBe(true);
    expect(noisy.notes.join(' ')).toContain('the band of war is wider than our uncertainty');
    const settled = await runUncertainty(KNOWN, { draws: 200, method: 'sample', trialsPerDraw: 2000, seed: 3 });
    expect(noisyBand(settled.metrics.war!)).toBe(false);
    expect(settled.notes.join(' ')).not.toContain('wider than our uncertainty');
  });
});

describe('planUncertainty refuses bad input with a path and a fix', () => {
  it('too few or too many draws, a run over the budget, a method the scenario cannot take', () => {
    const [few] = issuesOf(() => planUncertainty(KNOWN, { draws: 0 }));
    expect(few).toMatchObject({ code: 'bad_run_options', path: 'draws' });
    expect(few?.message).toContain('>= 2, got 0');
    expect(issuesOf(() => planUncertainty(KNOWN, { draws: 1e9 }))[0]).toMatchObject({ code: 'bad_run_options', path: 'draws' });
    const [budget] = issuesOf(() => planUncertainty(KNOWN, { draws: 1000, method: 'sample', trialsPerDraw: 1e6, budget: 1e8 }));
    expect(budget).toMatchObject({ code: 'budget_exceeded', path: 'draws' });
    expect(budget?.hint).toBe('use at most 100 draws (`draws`) or fewer trials per draw (`trialsPerDraw`), or raise `budget`');
    // One draw's trials over the budget given (not only over the default): refused as `trialsPerDraw`, with what fits.
    const [perDraw] = issuesOf(() => planUncertainty(KNOWN, { draws: 4, method: 'sample', trialsPerDraw: 1e6, budget: 1e5 }));
    expect(perDraw).toMatchObject({
      code: 'budget_exceeded',
      path: 'trialsPerDraw',
      message: '1000000 trials × 1 steps = 1.00e+6 trial-steps exceeds the budget of 1.00e+5',
      hint: 'use at most 100000 trials (`trialsPerDraw`) or a larger dt, or raise `budget`',
    });
    expect(issuesOf(() => planUncertainty(KNOWN, { draws: 4, method: 'sample', trialsPerDraw: 0 }))[0]).toMatchObject({
      code: 'bad_run_options',
      path: 'trialsPerDraw',
    });
    const negbin = loadScenarioText(`id: not-markov
time: { unit: day, dt: 1, horizon: 3 }
parameters:
  m: { default: 2, range: [1, 3], assumption: test }
variables:
  deaths: { initial: 0 }
flows:
  - { to: deaths, amount: 'poisson(m)' }
tracks:
  conflict:
    states: [calm, war]
    initial: calm
    transitions:
      - { from: calm, to: war, rate: 'deaths > 3 ? 1 : 0' }
metrics:
  war: { expr: 'ever(conflict, "war")' }
`).scenario;
    expect(issuesOf(() => planUncertainty(negbin, { draws: 10, method: 'exact' }))[0]).toMatchObject({
      code: 'bad_run_options',
      path: 'method',
    });
    expect(planUncertainty(negbin, { draws: 10 }).method).toBe('sample');
  });

  it('a prior that contradicts its range, and no uncertain parameter at all', () => {
    /** One parameter q in [0.2, 0.6] with a uniform prior over [min, max]. */
    const withPrior = (min: number, max: number) =>
      loadScenarioText(`id: prior-test
time: { unit: day, dt: 1, horizon: 1 }
parameters:
  q: { default: 0.4, range: [0.2, 0.6], uncertainty: { dist: uniform, min: ${min}, max: ${max} }, assumption: test }
tracks:
  conflict: { states: [calm, war], initial: calm, transitions: [{ from: calm, to: war, probability: q }] }
metrics:
  war: { expr: 'ever(conflict, "war")' }
`).scenario;
    const bad = withPrior(0.1, 0.9);
    const [issue] = issuesOf(() => planUncertainty(bad, { draws: 10 }));
    expect(issue).toMatchObject({ code: 'bad_prior', path: 'parameters.q.uncertainty' });
    // The document is wrong whatever the run fixes: fixing q still names the prior to mend.
    const [still] = issuesOf(() => planUncertainty(bad, { draws: 10, overrides: { q: 0.3 } }));
    expect(still).toMatchObject({ code: 'bad_prior', path: 'parameters.q.uncertainty' });
    // A fixed parameter leaves the band; with nothing else uncertain, there is no band to draw.
    const [none] = issuesOf(() => planUncertainty(withPrior(0.3, 0.5), { draws: 10, overrides: { q: 0.3 } }));
    expect(none?.message).toContain('no parameter is uncertain');
  });
});
