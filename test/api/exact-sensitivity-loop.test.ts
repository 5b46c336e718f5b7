/**
 * Sensitivity jobs (issue 14): an exact job's points are solved on a simulation thread and every job's
 * analysis runs on a document thread, so the event loop is never held; measured with monitorEventLoopDelay, never the wall clock.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { SMALL_SCENARIO, type TestApp, testApp } from './helpers.ts';

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t.close());

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits for a job's end on its event stream (the answer ends with the job), then reads it once. Polling
 * would measure reading the job back as well (its rows; tested on its own below), not the job.
 */
async function finished(id: string): Promise<Record<string, unknown>> {
  await t.app.inject({ method: 'GET', url: `/api/jobs/${id}/events` });
  return (await t.app.inject({ method: 'GET', url: `/api/jobs/${id}` })).json();
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
    { name: 'armenian_fatality_rate', lo: 1.5, hi: 3.5 },
    { name: 'offensive_intensity', lo: 1, hi: 2.5 },
  ];
  const body = { text, method: 'tornado', solver: 'exact', metrics, vary };
  /** The most the job may hold the loop at once, in ms (the target is 50; a busy 2-core machine pre-empts this process now and then). */
  const BOUND = 200;

  it('never holds the event loop long, and gives the CLI’s result', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'georisk-exact-loop-'));
    const file = join(dir, 'long.yaml');
    writeFileSync(file, text);
    // The scenario includes library modules by paths relative to itself.
    cpSync('scenarios/modules', join(dir, 'modules'), { recursive: true });
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

describe('a Morris job with many trajectories', () => {
  // 1,024 trajectories of three parameters (4,096 points) with 2,000 bootstrap resamples: the
  // analysis alone took ~450 ms when it ran on the event loop as the job finished.
  const text = SMALL_SCENARIO.replace(
    'war_rate: { default: 0.01, range: [0, 1], unit: per day }',
    `war_rate: { default: 0.01, range: [0, 1], unit: per day }
  cease_rate: { default: 0.1, range: [0.01, 0.5], unit: per day }
  end_rate: { default: 0.05, range: [0.01, 0.5], unit: per day }`,
  )
    .replace('rate: 0.1 }', 'rate: cease_rate }')
    .replace('rate: 0.05 }', 'rate: end_rate }');
  const body = { text, method: 'morris', samples: 1024, resamples: 2000, trials: 10, seed: 3 };
  /** As above: the target is 50 ms; a busy 2-core machine pre-empts this process now and then. */
  const BOUND = 200;

  it('is analysed off the event loop, with the same result each time', async () => {
    // Best of 3, as above: a false alarm needs three tries each pre-empted past 200 ms.
    let best = Number.POSITIVE_INFINITY;
    const results: unknown[] = [];
    for (let i = 0; i < 3 && best >= BOUND; i++) {
      const tried = await heldBy(body);
      expect(tried.job).toMatchObject({ kind: 'sensitivity', status: 'done', error: null });
      best = Math.min(best, tried.ms);
      results.push(tried.job.result);
    }
    expect((results[0] as { method?: unknown }).method).toBe('morris');
    console.log(`a Morris job of 4,096 points held the loop ${best.toFixed(0)} ms at most (best of ${results.length})`);
    expect(best).toBeLessThan(BOUND);
    for (const r of results) expect(r).toEqual(results[0]);
  }, 240_000);

  it('is read back without parsing its 4,096 rows on the event loop', async () => {
    // Polling a job this size read each row into an object and serialized it again: 32–157 ms per
    // read, most of what the job seemed to hold the loop "on finishing". Its rows are spliced as text now.
    const res = await t.app.inject({ method: 'POST', url: '/api/sensitivity', payload: { ...body, samples: 1024 } });
    const id = res.json().id as string;
    await t.app.inject({ method: 'GET', url: `/api/jobs/${id}/events` });
    const parse = vi.spyOn(JSON, 'parse');
    const read = await t.app.inject({ method: 'GET', url: `/api/jobs/${id}` });
    const parses = parse.mock.calls.length;
    parse.mockRestore();
    // Work done: JSON.parse once per row before (4,096 and more), a constant few now.
    expect(parses).toBeLessThan(10);
    const job = read.json();
    // Spliced from the stored JSON, the answer is the text serializing the job would give.
    expect(read.body).toBe(JSON.stringify(job));
    expect(job).toMatchObject({ id, kind: 'sensitivity', status: 'done', progress: { done: 4096, total: 4096 }, error: null });
    expect(job.rows).toHaveLength(4096);
    expect(Object.keys(job.rows[0])).toEqual(job.columns);
    expect(job.rows.every((row: Record<string, unknown>) => Object.values(row).every((v) => v === null || Number.isFinite(v)))).toBe(true);
    // The loop while it is read (best of 3; the target is 50 ms, the bound allows for a busy 2-core machine).
    const BOUND = 200;
    let best = Number.POSITIVE_INFINITY;
    for (let i = 0; i < 3 && best >= BOUND; i++) {
      const delay = monitorEventLoopDelay({ resolution: 5 });
      delay.enable();
      await tick(30);
      await t.app.inject({ method: 'GET', url: `/api/jobs/${id}` });
      await tick(30);
      delay.disable();
      best = Math.min(best, delay.max / 1e6);
    }
    console.log(`reading it back held the loop ${best.toFixed(0)} ms`);
    expect(best).toBeLessThan(BOUND);
  }, 240_000);
});
