/**
 * The same seed gives the same numbers: run twice, and on 1, 2 and 4 worker threads. 50,000
 * trials (4.5 million trial-steps, above the in-process limit) make four 16,384-trial chunks, so
 * the workers really split the run and merge in whatever order they finish.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, REFERENCE, runCli, withoutTiming } from '../helpers/cli.ts';

const TRIALS = '50000';
const run = (seed: number, workers: number) =>
  runCli(['run', REFERENCE, '--trials', TRIALS, '--seed', String(seed), '--workers', String(workers), '--format', 'json']);

let runs: Record<'first' | 'again' | 'workers2' | 'workers4' | 'otherSeed', CliResult>;

beforeAll(async () => {
  const [first, again, workers2, workers4, otherSeed] = await Promise.all([run(7, 1), run(7, 1), run(7, 2), run(7, 4), run(8, 1)]);
  runs = { first, again, workers2, workers4, otherSeed } as typeof runs;
  for (const [name, r] of Object.entries(runs)) {
    if (r.status !== 0) throw new Error(`${name} failed (${r.status}): ${r.stderr}`);
  }
});

describe('georisk run determinism', () => {
  it('two runs with the same seed print the same JSON (timing aside)', () => {
    expect(withoutTiming(runs.again.stdout)).toEqual(withoutTiming(runs.first.stdout));
  });

  it('1, 2 and 4 workers print the same JSON (timing aside)', () => {
    const one = withoutTiming(runs.first.stdout);
    expect(withoutTiming(runs.workers2.stdout)).toEqual(one);
    expect(withoutTiming(runs.workers4.stdout)).toEqual(one);
  });

  it('reports the threads it used', () => {
    const workers = (r: CliResult) => (JSON.parse(r.stdout) as { timing: { workers: number } }).timing.workers;
    expect([workers(runs.first), workers(runs.workers2), workers(runs.workers4)]).toEqual([1, 2, 4]);
  });

  it('another seed gives other numbers and another output hash', () => {
    const a = JSON.parse(runs.first.stdout) as { metrics: unknown; receipt: { outputHash: string; seed: number } };
    const b = JSON.parse(runs.otherSeed.stdout) as { metrics: unknown; receipt: { outputHash: string; seed: number } };
    expect(b.receipt.seed).toBe(8);
    expect(b.receipt.outputHash).not.toBe(a.receipt.outputHash);
    expect(b.metrics).not.toEqual(a.metrics);
  });

  it('multi-worker runs keep stderr empty in a pipe', () => {
    for (const r of Object.values(runs)) expect(r.stderr).toBe('');
  });
});
