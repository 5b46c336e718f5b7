/** `georisk run` warns on stderr when the result would be larger than the API accepts, and runs it anyway. */
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, scratchDir } from '../helpers/cli.ts';

/** A track of `states` states over `steps` hourly steps. */
function wideScenario(states: number, steps: number): string {
  const names = Array.from({ length: states }, (_, i) => `s${i}`);
  return `id: wide\ntime: { unit: hour, dt: 1, horizon: ${steps} }\ntracks:\n  war:\n    states: [${names.join(', ')}]\n    initial: s0\n    transitions:\n      - { from: s0, to: s1, rate: 0.01 }\n`;
}

describe('georisk run: result size', () => {
  const scratch = scratchDir();
  afterAll(() => scratch.remove());

  it('warns about a result over the API limit (12 states × 100,001 time points × 2 series) and still runs', async () => {
    const file = scratch.write('wide.yaml', wideScenario(12, 100_000));
    const res = await runCli(['run', file, '--trials', '1', '--format', 'table']);
    expect(res.status).toBe(0);
    expect(res.stderr).toMatch(/warning: the result will hold 2\.40e\+6 numbers \(12 states × 100001 time points × 2 series/);
    expect(res.stderr).toMatch(/coarser dt/);
  });

  it('says nothing for a result within the limit', async () => {
    const file = scratch.write('narrow.yaml', wideScenario(12, 1000));
    const res = await runCli(['run', file, '--trials', '1', '--format', 'table']);
    expect(res.status).toBe(0);
    expect(res.stderr).not.toMatch(/warning: the result/);
  });
});
