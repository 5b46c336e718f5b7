/** A sweep point's chunks merged by runChunkedPoints (the server's path, with no model on its thread) equal runSweepPoint's. */

import { describe, expect, it } from 'vitest';
import { ModelCache, runChunkedPoints, runChunkTask, type SweepPointChunkTask } from '../../packages/engine/src/chunks/index.ts';
import { loadScenarioText, planSweep, type RunSummary, runSweepPoint } from '../../packages/engine/src/index.ts';
import { SMALL_SCENARIO } from './helpers.ts';

describe('runChunkedPoints', () => {
  it('merges a point of several chunks into the same summary as runSweepPoint', async () => {
    const scenario = loadScenarioText(SMALL_SCENARIO).scenario;
    const plan = planSweep(scenario, { design: { method: 'grid', vary: [{ name: 'war_rate', n: 2 }] }, trials: 9000, seed: 3 });
    expect(plan.chunks.length).toBeGreaterThan(1);
    const cache = new ModelCache();
    const got: RunSummary[] = [];
    await runChunkedPoints(plan, {
      lanes: [{ run: async (task: SweepPointChunkTask) => runChunkTask(cache, task) }],
      onPoint: (index, summary) => {
        got[index] = summary;
      },
    });
    expect(got).toEqual(plan.points.map((_, i) => runSweepPoint(plan, i)));
  });
});
