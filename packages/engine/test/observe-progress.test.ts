/** An update's progress reports: trials run of both passes, in order, ending at twice the trials, without changing the numbers. */
import { describe, expect, it } from 'vitest';
import { loadScenarioText, updateScenario } from '../src/index.ts';
import { FILTER_SCENARIO } from './observe-helpers.ts';

const OBSERVED = 'observations:\n  - { at: 2, track: conflict, state: [clash, war] }\n';

describe('update progress', () => {
  it('reports the trials run of the weighing and replaying passes, and gives the same bits as without reports', () => {
    const { scenario } = loadScenarioText(FILTER_SCENARIO);
    const seen: [number, number][] = [];
    const options = { trials: 5000, seed: 2, method: 'smc' as const };
    const reported = updateScenario(scenario, OBSERVED, { ...options, onProgress: (done, total) => seen.push([done, total]) });
    const plain = updateScenario(scenario, OBSERVED, options);
    expect(reported.receipt.outputHash).toBe(plain.receipt.outputHash);
    expect(seen.every(([, total]) => total === 10_000)).toBe(true);
    const done = seen.map(([d]) => d);
    expect(done).toEqual([...done].sort((a, b) => a - b));
    // Every 2,000 trials of each pass, the end of the first pass, and the end.
    expect(done).toContain(2000);
    expect(done).toContain(5000);
    expect(done).toContain(7000);
    expect(done[done.length - 1]).toBe(10_000);
  });
});
