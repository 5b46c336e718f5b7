/**
 * The exact answer averaged over declared priors, against a closed form and against Monte Carlo: a plain
 * run draws uncertain parameters every trial, so it estimates this average and not the exact answer at
 * the parameters' values (Jensen's inequality: 1 − e^(−10r) is concave in r).
 */
import { describe, expect, it } from 'vitest';
import type { ExactTask } from '../src/chunks/chunk-task.ts';
import { ModelCache } from '../src/chunks/model-cache.ts';
import { exactHereLane } from '../src/chunks/run-chunk-task.ts';
import { analyzeExact, exactOverPriors, GeoriskError, loadScenarioText, MAX_EXACT_DRAWS, runScenario } from '../src/index.ts';

// r ~ uniform(0, 0.2) per day over 10 days: P(reached) = 1 − e^(−10r); at r = 0.1 it is 1 − e^(−1) ≈ 0.632,
// averaged over the prior E[1 − e^(−10r)] = 1 − (1 − e^(−2)) / 2 ≈ 0.568.
const scenario = loadScenarioText(`
id: uncertain
time: { unit: day, dt: 1, horizon: 10 }
parameters:
  r: { default: 0.1, uncertainty: { dist: uniform, min: 0, max: 0.2 } }
tracks:
  x: { states: [a, b], transitions: [{ from: a, to: b, rate: r }] }
metrics:
  reached: { expr: 'ever(x, "b")' }
`).scenario;
const atValue = 1 - Math.exp(-1);
const overPrior = 1 - (1 - Math.exp(-2)) / 2;

describe('exactOverPriors', () => {
  it('averages the exact answer over the declared prior (closed form, to 1e-4)', async () => {
    const averaged = await exactOverPriors(scenario, {}, 256, 1);
    expect(averaged.drawn).toEqual(['r']);
    expect(Math.abs(averaged.metrics.reached!.mean - overPrior)).toBeLessThanOrEqual(1e-4);
    expect(averaged.metrics.reached!.se).toBeGreaterThan(0);
    expect(Math.abs(analyzeExact(scenario).metrics.reached!.mean - atValue)).toBeLessThanOrEqual(1e-12);
  });

  it('is what Monte Carlo estimates, not the answer at the value (seed 1, 4 SE: false alarm about 6e-5)', async () => {
    const run = runScenario(scenario, { trials: 20_000, seed: 1 }).metrics.reached!;
    const averaged = (await exactOverPriors(scenario, {}, 64, 1)).metrics.reached!;
    expect(Math.abs(run.mean - averaged.mean)).toBeLessThanOrEqual(4 * Math.hypot(run.se, averaged.se));
    // The gap to the answer at the value is about 18 SE here.
    expect(Math.abs(run.mean - atValue)).toBeGreaterThan(4 * run.se);
  });

  it('is the exact answer when an override fixes every uncertain parameter', async () => {
    const fixed = await exactOverPriors(scenario, { r: 0.1 }, 64, 1);
    expect(fixed.drawn).toEqual([]);
    expect(fixed.metrics.reached).toEqual({ mean: analyzeExact(scenario, { r: 0.1 }).metrics.reached!.mean, se: 0 });
    const run = runScenario(scenario, { trials: 20_000, seed: 1, overrides: { r: 0.1 } }).metrics.reached!;
    expect(Math.abs(run.mean - atValue)).toBeLessThanOrEqual(4 * run.se);
  });

  it('refuses fewer than two draws', async () => {
    await expect(exactOverPriors(scenario, {}, 1)).rejects.toThrow(GeoriskError);
  });

  it('refuses more draws than a two-level run solves exactly (MAX_EXACT_DRAWS), before solving any', async () => {
    const solved: unknown[] = [];
    const lane = {
      run: async (task: ExactTask) => {
        solved.push(task);
        return exactHereLane(new ModelCache()).run(task);
      },
    };
    const refused = exactOverPriors(scenario, {}, MAX_EXACT_DRAWS + 1, 1, { exactLanes: [lane] });
    await expect(refused).rejects.toMatchObject({
      issues: [
        {
          code: 'budget_exceeded',
          path: 'draws',
          message: `at most ${MAX_EXACT_DRAWS} draws are solved exactly, got ${MAX_EXACT_DRAWS + 1}`,
        },
      ],
    });
    expect(solved).toEqual([]);
  });

  it('reports each draw solved, in draw order', async () => {
    const done: number[] = [];
    await exactOverPriors(scenario, {}, 6, 1, { onDraw: (n) => done.push(n) });
    expect(done).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('gives the same bits on any lanes: three lanes that finish out of order, against the calling thread', async () => {
    const here = await exactOverPriors(scenario, {}, 24, 7);
    const cache = new ModelCache();
    // Each lane answers after a delay that differs by task, so the draws finish out of draw order.
    const lanes = [0, 1, 2].map((lane) => ({
      run: async (task: ExactTask) => {
        await new Promise((go) => setTimeout(go, ((lane * 7 + Number(task.overrides.r) * 1e3) % 5) + 1));
        return exactHereLane(cache).run(task);
      },
    }));
    const spread = await exactOverPriors(scenario, {}, 24, 7, { exactLanes: lanes });
    expect(spread).toEqual(here);
    for (const [name, m] of Object.entries(here.metrics)) expect(Object.is(spread.metrics[name]!.mean, m.mean)).toBe(true);
  });
});
