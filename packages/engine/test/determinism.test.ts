import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildModel, ENGINE_VERSION, finalizeResult, loadScenarioText, mergeSummaries, runScenario, simulate } from '../src/index.ts';
import { withoutTiming } from './helpers.ts';

const file = new URL('../../../scenarios/reference/caucasus-reference.yaml', import.meta.url);
const { scenario } = loadScenarioText(readFileSync(file, 'utf8'));
const model = buildModel(scenario);
const run = { seed: 9, overrides: {}, seconds: 1, workers: 1 };

describe('splitting trials', () => {
  const whole = finalizeResult(model, simulate(model, { seed: 9, firstTrial: 0, trials: 30_000 }), run);

  it.each([[[15_000, 15_000]], [[10_001, 9_999, 10_000]], [[4096, 4096, 4096, 17_712]], [[1, 29_998, 1]]])(
    'into chunks %j gives bit-identical results, merged in any order',
    (sizes) => {
      let first = 0;
      const parts = sizes.map((trials) => {
        const part = simulate(model, { seed: 9, firstTrial: first, trials });
        first += trials;
        return part;
      });
      const forward = parts.reduce((a, b) => mergeSummaries(a, b));
      expect(withoutTiming(finalizeResult(model, forward, run))).toEqual(withoutTiming(whole));
      const again = sizes.map((trials, i) =>
        simulate(model, { seed: 9, firstTrial: sizes.slice(0, i).reduce((a, b) => a + b, 0), trials }),
      );
      const backward = again.reverse().reduce((a, b) => mergeSummaries(a, b));
      expect(finalizeResult(model, backward, run).receipt.outputHash).toBe(whole.receipt.outputHash);
    },
  );
});

describe('receipts', () => {
  it('pin the scenario, engine, seed, trials and overrides', () => {
    const r = runScenario(scenario, { trials: 2000, seed: 5, overrides: {} });
    expect(r.receipt).toMatchObject({
      scenarioId: 'caucasus-reference',
      engineVersion: ENGINE_VERSION,
      seed: 5,
      trials: 2000,
      overrides: {},
    });
    expect(r.receipt.scenarioHash).toMatch(/^[0-9a-f]{64}$/);
    expect(r.receipt.outputHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('change when the scenario changes, even by one rate', () => {
    const changed = loadScenarioText(readFileSync(file, 'utf8').replace('rate: 0.05 }', 'rate: 0.06 }')).scenario;
    const a = runScenario(scenario, { trials: 100, seed: 1 });
    const b = runScenario(changed, { trials: 100, seed: 1 });
    expect(a.receipt.scenarioHash).not.toBe(b.receipt.scenarioHash);
  });

  it('engine version matches package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(ENGINE_VERSION).toBe(pkg.version);
  });
});
