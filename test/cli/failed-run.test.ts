/**
 * A scenario that validates but fails while running (a rate that turns negative on day 2) exits 1
 * with a located runtime_value message, the same on any number of workers, and never leaves a
 * half-written output file.
 */
import { existsSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { runCli, type Scratch, scratchDir, stackLines } from '../helpers/cli.ts';
import { NEGATIVE_RATE_SCENARIO, positionOf } from '../helpers/scenarios.ts';

let scratch: Scratch;
let scenario: string;
beforeAll(() => {
  scratch = scratchDir();
  scenario = scratch.write('negative-rate.yaml', NEGATIVE_RATE_SCENARIO);
});
afterAll(() => scratch.remove());

describe.concurrent('a run that fails at run time', () => {
  it('validates: the problem only shows while running', async ({ expect }) => {
    const r = await runCli(['validate', scenario]);
    expect(r.status).toBe(0);
  });

  it('exits 1 with a runtime_value message at the rate, and --out leaves nothing behind', async ({ expect }) => {
    const out = scratch.path('one-worker.json');
    const r = await runCli(['run', scenario, '--trials', '100', '--workers', '1', '--format', 'json', '--out', out]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    const at = positionOf(NEGATIVE_RATE_SCENARIO, '1 - t');
    expect(r.stderr).toContain(`${scenario}:${at.line}:${at.column} tracks.conflict.transitions[0].rate: error [runtime_value]`);
    expect(r.stderr).toMatch(/the rate evaluated to -1/);
    expect(r.stderr).not.toContain('internal error');
    expect(stackLines(r.stderr)).toEqual([]);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(scratch.dir).filter((f) => f.startsWith('one-worker'))).toEqual([]);
  });

  it('reports the same error from worker threads as from one thread, and writes nothing', async ({ expect }) => {
    const out = (w: number) => scratch.path(`workers-${w}.json`);
    const [one, two] = await Promise.all(
      // 1,000,000 trials × 5 steps is above the in-process limit, so two workers really start; every
      // trial fails on day 2, so the run still ends at once.
      [1, 2].map((w) => runCli(['run', scenario, '--trials', '1000000', '--workers', String(w), '--format', 'json', '--out', out(w)])),
    );
    expect(one?.status).toBe(1);
    expect(two?.status).toBe(1);
    expect(two?.stderr).toContain('[runtime_value]');
    expect(two?.stderr).not.toContain('internal error');
    // The earliest failing trial is reported whichever thread finished first.
    expect(two?.stderr).toBe(one?.stderr);
    expect(readdirSync(scratch.dir).filter((f) => f.startsWith('workers-'))).toEqual([]);
  });
});
