/**
 * An exact sensitivity job (issue 14): each point is solved on a simulation thread, so the event
 * loop is never held by it; measured with monitorEventLoopDelay, never the wall clock.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { type TestApp, testApp } from './helpers.ts';

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t.close());

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls a job until it leaves `running`. */
async function finished(id: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 6000; i++) {
    const job = (await t.app.inject({ method: 'GET', url: `/api/jobs/${id}` })).json();
    if (job.status !== 'running') return job;
    await tick(10);
  }
  throw new Error('job did not finish');
}

/** The job's final state and the longest event-loop delay (ms) from posting it to its end. */
async function heldBy(body: object): Promise<{ job: Record<string, unknown>; ms: number }> {
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  await tick(30);
  const res = await t.app.inject({ method: 'POST', url: '/api/sensitivity', payload: body });
  expect(res.statusCode).toBe(202);
  const job = await finished(res.json().id);
  await tick(30);
  delay.disable();
  return { job, ms: delay.max / 1e6 };
}

describe('an exact tornado job of the 2022 scenario', () => {
  // Six times the horizon makes each point's exact solve take ~0.5 s, well past the bound below
  // when solved on the event loop; metrics with an exact answer, so the solver is exact.
  const text = readFileSync('scenarios/armenia-azerbaijan-2022.yaml', 'utf8').replace(
    'time: { unit: hour, dt: 1, horizon: 720 }',
    'time: { unit: hour, dt: 1, horizon: 4320 }',
  );
  const metrics = ['war_reached', 'total_fatalities', 'hours_to_ceasefire'];
  const vary = [
    { name: 'armenian_fatality_rate', lo: 1.5, hi: 6.5 },
    { name: 'offensive_intensity', lo: 1, hi: 2.5 },
  ];
  const body = { text, method: 'tornado', solver: 'exact', metrics, vary };
  /** The most the job may hold the loop at once, in ms (the target is 50; a busy 2-core machine pre-empts this process now and then). */
  const BOUND = 200;

  it('never holds the event loop long, and gives the CLI’s result', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'georisk-exact-loop-'));
    const file = join(dir, 'long.yaml');
    writeFileSync(file, text);
    const flags = vary.flatMap((v) => ['--vary', `${v.name}=${v.lo}:${v.hi}`]);
    // Solved on the event loop, each point held it ~0.5 s, every try; best of 3 tells that apart
    // from a pre-empted process, so a false alarm needs three tries each pre-empted past 200 ms.
    let best = Number.POSITIVE_INFINITY;
    let job: Record<string, unknown> = {};
    for (let i = 0; i < 3 && best >= BOUND; i++) {
      const tried = await heldBy(body);
      best = Math.min(best, tried.ms);
      job = tried.job;
    }
    expect(job).toMatchObject({ kind: 'sensitivity', status: 'done', error: null });
    expect((job.result as { solver?: unknown }).solver).toBe('exact');
    expect(best).toBeLessThan(BOUND);
    const out = await runCli([
      'sensitivity',
      file,
      '--method',
      'tornado',
      '--solver',
      'exact',
      '--metrics',
      metrics.join(','),
      ...flags,
      '--format',
      'json',
      '--no-progress',
    ]);
    rmSync(dir, { recursive: true, force: true });
    expect(out.status).toBe(0);
    const { timing: _timing, ...expected } = JSON.parse(out.stdout);
    expect(job.result).toEqual(expected);
  }, 180_000);
});
