/** The server's exact sensitivity points take the library's path on their thread: the same numbers, and answers kept across a stage's points. */
import { describe, expect, it } from 'vitest';
import { planSensitivity, pointOverrides, sensitivity } from '../../packages/engine/src/index.ts';
import runThreadTask, { type ExactMeansOutcome } from '../../packages/node/src/chunk-thread.ts';
import { libraryScenario } from '../helpers/library-scenarios.ts';

const scenario = libraryScenario('scenarios/armenia-azerbaijan-2022.yaml');

describe('exact sensitivity points on a thread', () => {
  it('a war_reached tornado: 73 solves over its 159 points, each mean bit-identical to the library', () => {
    const options = { method: 'tornado' as const, metrics: ['war_reached'] };
    const plan = planSensitivity(scenario, options);
    const library = sensitivity(scenario, options);
    let solved = 0;
    const means = plan.sweep.points.map((_, i) => {
      const task = { kind: 'exact' as const, scenario, overrides: pointOverrides(plan.sweep, i), everyState: false as const };
      const out = runThreadTask({ task, exactMeansOf: plan.sweep.metrics, exactKeep: plan.sweep.fingerprint }) as ExactMeansOutcome;
      solved += out.solved ?? Number.NaN;
      return out.exactMeans[0];
    });
    // The base and both ends of the 39 parameters war_reached reads, less seven ends at their defaults.
    expect(solved).toBe(73);
    expect(Object.is(means[0], library.metrics[0]?.base)).toBe(true);
    for (const bar of library.metrics[0]?.tornado ?? []) {
      const d = plan.sweep.params.findIndex((p) => p.name === bar.param);
      expect(Object.is(means[1 + 2 * d], bar.outputLow)).toBe(true);
      expect(Object.is(means[2 + 2 * d], bar.outputHigh)).toBe(true);
    }
  });
});
