/**
 * Sweep jobs on a Redis queue: a server built with `queue` enqueues a job's chunks, a `georisk
 * worker` process runs them, progress (points and chunks) flows through the job API and its event
 * stream, and the rows equal those of the same job on the local pool. A job whose chunks fail on
 * the worker ends failed with the scenario's issue; a queue that cannot work stops the start.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from '../../apps/api/src/server.ts';
import { connectQueue, QueueAddressError } from '../../packages/queue/src/index.ts';
import { ROOT, stackLines } from '../helpers/cli.ts';
import { freePort, haveRedis, startRedis, type TestRedis } from '../helpers/redis.ts';
import { RUNTIME_FAILING_SCENARIO } from '../helpers/scenarios.ts';
import { SMALL_SCENARIO, type TestApp, testApp } from './helpers.ts';

type App = TestApp['app'];

/** Polls a job until it is no longer running. */
async function finished(app: App, id: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 3000; i++) {
    const job = (await app.inject({ method: 'GET', url: `/api/jobs/${id}` })).json();
    if (job.status !== 'running') return job;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('job did not finish');
}

/** Starts `georisk worker` with one thread; resolves once it listens. */
function startWorker(url: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['apps/cli/bin/georisk.js', 'worker', '--queue', url, '--threads', '1', '--stall-seconds', '20'], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let text = '';
  return new Promise((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`the worker did not start; stderr:\n${text}`)), 30_000);
    child.stderr?.on('data', (b: Buffer) => {
      text += b.toString();
      if (text.includes('waiting for chunks')) {
        clearTimeout(timer);
        ready(child);
      }
    });
    child.on('exit', () => fail(new Error(`the worker exited; stderr:\n${text}`)));
  });
}

/** A sweep of 4 points × 3 chunks of the queue (16 384 trials each, the last one shorter). */
const SWEEP = {
  text: SMALL_SCENARIO,
  design: { method: 'grid', vary: [{ name: 'war_rate', lo: 0, hi: 0.2, n: 4 }] },
  trials: 40_000,
  seed: 11,
};

const enabled = haveRedis();

describe.skipIf(!enabled)('sweep jobs on a queue', () => {
  let redis: TestRedis;
  let queued: TestApp;
  let local: TestApp;
  let worker: ChildProcess | undefined;

  beforeAll(async () => {
    redis = await startRedis();
    [queued, local, worker] = await Promise.all([
      testApp({ queue: { url: redis.url(0) } }),
      testApp({ pool: { threads: 1 } }),
      startWorker(redis.url(0)),
    ]);
  });
  afterAll(async () => {
    if (worker && worker.exitCode === null && worker.signalCode === null) {
      const exited = new Promise((go) => worker?.once('exit', go));
      worker.kill('SIGTERM');
      await exited;
    }
    await queued?.close();
    await local?.close();
    await redis?.stop();
  });

  it('says in /api/health when its Redis has gone (503 degraded), so sweeps are not accepted in the dark', async () => {
    const own = await startRedis();
    const app = await testApp({ queue: { url: own.url(0) } });
    try {
      const health = async () => app.app.inject({ method: 'GET', url: '/api/health' });
      expect((await health()).json()).toMatchObject({ status: 'ok', queue: { connected: true } });
      await own.stop();
      await expect.poll(async () => (await health()).statusCode, { timeout: 10_000 }).toBe(503);
      expect((await health()).json()).toMatchObject({ status: 'degraded', queue: { connected: false } });
    } finally {
      await app.close();
    }
  });

  it('runs on a georisk worker with progress through the API; its rows equal a local job', async () => {
    const health = (await queued.app.inject({ method: 'GET', url: '/api/health' })).json();
    expect(health).toMatchObject({ status: 'ok', queue: { address: redis.url(0), connected: true } });
    const res = await queued.app.inject({ method: 'POST', url: '/api/sweeps', payload: SWEEP });
    expect(res.statusCode).toBe(202);
    const { id } = res.json();
    const localId = (await local.app.inject({ method: 'POST', url: '/api/sweeps', payload: SWEEP })).json().id;

    // The event stream ends with the job; chunk progress arrives between points.
    const stream = await queued.app.inject({ method: 'GET', url: `/api/jobs/${id}/events` });
    const events = stream.body
      .trim()
      .split('\n\n')
      .map((block) => {
        const [event, data] = block.split('\n');
        return { event: event?.replace('event: ', ''), data: JSON.parse(data?.replace('data: ', '') ?? 'null') };
      });
    const progress = events.filter((e) => e.event === 'progress').map((e) => e.data.progress);
    const points = progress.map((p) => p.done);
    expect(points).toEqual([...points].sort((a, b) => a - b));
    const chunks = progress.filter((p) => p.queue !== undefined).map((p) => p.queue.chunksDone);
    // At least one: how many arrive depends on how far the job got before the stream opened.
    expect(chunks.length).toBeGreaterThanOrEqual(1);
    expect(chunks).toEqual([...chunks].sort((a, b) => a - b));
    // The end event carries the final chunk progress, however fast the job ran.
    expect(events.at(-1)).toMatchObject({
      event: 'end',
      data: { status: 'done', progress: { done: 4, total: 4, queue: { chunksDone: 12, chunksTotal: 12, workersSeen: 1 } }, error: null },
    });

    const [job, localJob] = await Promise.all([finished(queued.app, id), finished(local.app, localId)]);
    expect(job).toMatchObject({ status: 'done', progress: { done: 4, total: 4 }, error: null });
    expect(localJob).toMatchObject({ status: 'done' });
    expect(job.rows).toEqual(localJob.rows);
    expect((job.rows as unknown[]).length).toBe(4);
  });

  it('ends a job whose chunks fail on the worker as failed, with the same issue as on the local pool', async () => {
    const body = { text: RUNTIME_FAILING_SCENARIO, design: { method: 'grid', vary: [{ name: 'k', lo: 0.5, hi: 2, n: 3 }] }, trials: 1000 };
    const sweep = async (t: TestApp) =>
      finished(t.app, (await t.app.inject({ method: 'POST', url: '/api/sweeps', payload: body })).json().id);
    const [q, l] = await Promise.all([sweep(queued), sweep(local)]);
    expect(q).toMatchObject({ status: 'failed', error: { code: 'runtime_value' } });
    expect((q.error as { message: string }).message).toBe((l.error as { message: string }).message);
    expect(stackLines((q.error as { message: string }).message)).toEqual([]);
  });

  it('cancels with DELETE: the job ends cancelled and its waiting chunks leave the queue', async () => {
    const body = { text: SMALL_SCENARIO, design: { method: 'grid', vary: [{ name: 'war_rate', n: 40 }] }, trials: 100_000, seed: 1 };
    const { id } = (await queued.app.inject({ method: 'POST', url: '/api/sweeps', payload: body })).json();
    for (
      let i = 0;
      i < 500 && (await queued.app.inject({ method: 'GET', url: `/api/jobs/${id}` })).json().progress.queue === undefined;
      i++
    ) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect((await queued.app.inject({ method: 'DELETE', url: `/api/jobs/${id}` })).json().status).toBe('cancelled');
    expect(await finished(queued.app, id)).toMatchObject({ status: 'cancelled', error: { code: 'cancelled' } });
    const connection = await connectQueue(redis.url(0));
    try {
      let waiting = -1;
      for (let i = 0; i < 200 && waiting !== 0; i++) {
        waiting = await connection.queue.getWaitingCount();
        if (waiting !== 0) await new Promise((r) => setTimeout(r, 20));
      }
      expect(waiting).toBe(0);
    } finally {
      await connection.close();
    }
  });

  it('refuses to start on a queue that cannot work, in one line', async () => {
    expect(() => readConfig(['--queue', 'http://127.0.0.1:6379/0'], {})).toThrow(ConfigError);
    expect(() => readConfig([], { GEORISK_QUEUE: 'nope' })).toThrow(/GEORISK_QUEUE "nope" is not a URL/);
    expect(readConfig(['--queue', redis.url(2), '--data', queued.dataDir], {}).queue).toEqual({ url: redis.url(2), setting: '--queue' });
    const port = await freePort();
    const start = testApp({ queue: { url: `redis://127.0.0.1:${port}/0`, setting: 'GEORISK_QUEUE' } });
    await expect(start).rejects.toThrow(QueueAddressError);
    await expect(start).rejects.toThrow(
      new RegExp(
        `^cannot reach Redis at redis://127\\.0\\.0\\.1:${port}/0 \\(connection refused\\): start redis-server there, or fix GEORISK_QUEUE$`,
      ),
    );
  });
});
