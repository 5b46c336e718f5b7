/**
 * The benchmark's hand-written loop with records (test/bench/reference-recorded-loop.ts) is the
 * engine's work on the reference model, bit for bit: its summary of a run (final and visited
 * states, occupancy over time, first entries, each metric's whole distribution) is the engine's for
 * the same seed, daily and hourly. That is what lets `pnpm bench` read the engine's speed against it
 * as the price of generality alone. It fails if the engine changes a draw or a record the loop does
 * not follow, or the loop stops doing the engine's work (tried: a target drawn where a state has one
 * declared way out, the fatality flow's old stream key, the alliance's zero-rate transitions left out).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildModel, loadScenarioText, simulate } from '../../packages/engine/src/index.ts';
import { referenceRecordedLoop } from '../bench/reference-recorded-loop.ts';

const reference = loadScenarioText(
  readFileSync(new URL('../../scenarios/reference/caucasus-reference.yaml', import.meta.url), 'utf8'),
).scenario;

describe("the benchmark's loop with records gives the engine's summary", () => {
  for (const [label, dt, trials, seed] of [
    ['daily', 1, 20_000, 7],
    ['hourly', 1 / 24, 5_000, 11],
  ] as const) {
    it(`${label}: ${trials.toLocaleString('en-US')} trials, seed ${seed}`, () => {
      const model = buildModel({ ...reference, time: { ...reference.time, dt } });
      const engine = simulate(model, { seed, firstTrial: 0, trials });
      const loop = referenceRecordedLoop(trials, seed, dt);
      expect(loop.trials).toBe(engine.trials);
      expect(loop.trialSteps).toBe(engine.trialSteps);
      for (const field of ['final', 'ever', 'occupancy', 'firstAt'] as const) expect([field, loop[field]]).toEqual([field, engine[field]]);
      model.metrics.forEach((metric, j) => {
        expect([metric.name, loop.metrics[j]]).toEqual([metric.name, engine.metrics[j]]);
      });
      // Not a trivial agreement: the trials differ, and the distributions are not degenerate.
      expect(engine.metrics[0]!.intSum).toBeGreaterThan(trials * 0.1);
      expect(engine.metrics[4]!.exact.size).toBeGreaterThan(10);
    });
  }
});
