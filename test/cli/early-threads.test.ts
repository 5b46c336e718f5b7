/**
 * `georisk run` starts its worker threads before it builds the model (issue 19: their start-up
 * overlaps the calling thread's work); the count it starts them with, from the scenario alone,
 * must be the count the run then uses, or the early threads would be thrown away.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../apps/cli/src/load.ts';
import { stepsOf, threadsFor, threadsForSteps } from '../../apps/cli/src/parallel.ts';
import { buildModel, loadScenarioText } from '../../packages/engine/src/index.ts';
import { ROOT, runCli, stackLines } from '../helpers/cli.ts';

const scenarios = ['scenarios/reference/caucasus-reference.yaml', 'scenarios/armenia-azerbaijan-2022.yaml'].map(
  (file) => loadScenarioFile(`${ROOT}/${file}`).scenario,
);
// An awkward step: a horizon that is not a whole number of steps in floating point.
const odd = loadScenarioText(
  readFileSync(`${ROOT}/scenarios/reference/caucasus-reference.yaml`, 'utf8').replace(/dt: [^,}\n]+/, 'dt: 0.1'),
).scenario;

describe('threads chosen before the model is built', () => {
  it('equal the threads the run uses, for every size and worker count', () => {
    for (const scenario of [...scenarios, odd]) {
      const model = buildModel(scenario);
      expect(stepsOf(scenario)).toBe(model.steps);
      for (const trials of [1, 1000, 20_000, 44_444, 50_000, 1_000_000, 4_000_000]) {
        for (const workers of [1, 2, 3, 16, 64]) {
          expect(threadsForSteps(stepsOf(scenario), trials, workers)).toBe(threadsFor(model, trials, workers));
        }
      }
    }
  });
});

describe('a trial count far over the budget', () => {
  it('is refused at once with budget_exceeded, exit 2, no threads started and no chunk list built', async () => {
    const huge = await runCli(['run', 'scenarios/teaching/two-state-border-dispute.yaml', '--trials', '1000000000000000']);
    expect(huge.status).toBe(2);
    expect(huge.stderr).toMatch(/^--trials: error \[budget_exceeded\] 1000000000000000 trials × 90 steps/m);
    expect(huge.stderr).toContain('hint: use at most 111111111 trials (--trials) or a larger dt, or raise --budget');
    expect(stackLines(huge.stderr)).toEqual([]);
  });

  it('says what one trial costs when the budget is below it', async () => {
    const tiny = await runCli(['run', 'scenarios/teaching/two-state-border-dispute.yaml', '--budget', '10']);
    expect(tiny.status).toBe(2);
    expect(tiny.stderr).toContain('hint: one trial takes 90 trial-steps, more than the whole budget: use a larger dt, or raise --budget');
  });
});
