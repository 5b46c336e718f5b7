/**
 * Sweeps on a Redis queue as a user runs them: `georisk worker` processes and a coordinator
 * (`georisk sweep --queue`) against a throwaway redis-server on loopback. The output must be
 * byte-identical to a local run, also when a worker is killed mid-sweep or the coordinator is
 * restarted with --resume; mismatched engines and bad queue URLs are refused clearly.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINE_VERSION, loadScenarioText, planSweep } from '../../packages/engine/src/index.ts';
import { connectQueue, runPointsOnQueue } from '../../packages/queue/src/index.ts';
import { escapeRegExp, ROOT, runCli, type Scratch, scratchDir, stackLines } from '../helpers/cli.ts';
import { freePort, haveRedis, startRedis, type TestRedis } from '../helpers/redis.ts';
import { RUNTIME_FAILING_SCENARIO, SWEEP_SCENARIO } from '../helpers/scenarios.ts';

/**
 * The 2022 scenario: 8 points × 2 chunks (20,000 trials a point, queue chunks of 16,384), a few
 * seconds of work per worker thread: long enough to kill a worker or the coordinator part-way.
 */
const SLOW = 'scenarios/armenia-azerbaijan-2022.yaml';
const SLOW_ARGS = [
  '--vary',
  'war_attempt_rate=0.002:0.008:4',
  '--vary',
  'p_hold_war=0.1:0.5:2',
  '--trials',
  '20000',
  '--metrics',
  'war_reached,total_fatalities',
];
const SLOW_CHUNKS = 8 * 2;

/** A georisk process whose stderr can be waited on line by line. */
interface Running {
  child: ChildProcess;
  stderr(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  exited: Promise<number | null>;
}

const started: ChildProcess[] = [];

function georisk(args: string[]): Running {
  const child = spawn(process.execPath, ['apps/cli/bin/georisk.js', ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  started.push(child);
  let text = '';
  const waiters: { pattern: RegExp; go: () => void }[] = [];
  child.stderr?.on('data', (b: Buffer) => {
    text += b.toString();
    for (const w of [...waiters]) {
      if (w.pattern.test(text)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.go();
      }
    }
  });
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return {
    child,
    stderr: () => text,
    exited,
    waitFor(pattern, timeoutMs = 30_000) {
      if (pattern.test(text)) return Promise.resolve();
      return new Promise((go, fail) => {
        const timer = setTimeout(() => fail(new Error(`no ${pattern} within ${timeoutMs} ms; stderr:\n${text}`)), timeoutMs);
        waiters.push({
          pattern,
          go: () => {
            clearTimeout(timer);
            go();
          },
        });
      });
    },
  };
}

/**
 * A worker with one thread; resolves once it listens. Its chunks go to others after `stallSeconds`
 * of silence: short where a worker is killed, long elsewhere so that a loaded machine never makes
 * a live worker look dead (which would run a chunk twice).
 */
async function worker(url: string, stallSeconds = 20): Promise<Running> {
  const w = georisk(['worker', '--queue', url, '--threads', '1', '--stall-seconds', String(stallSeconds), '--verbose']);
  await w.waitFor(/waiting for chunks/);
  return w;
}

async function stop(w: Running): Promise<void> {
  if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGTERM');
  await w.exited;
}

const chunkLines = (text: string) => text.split('\n').filter((l) => l.includes('chunk done')).length;

/** The chunks a worker's log says it started or finished ("chunk 2 of point 5"). */
const chunksOf = (text: string, what: 'taken' | 'started' | 'done') =>
  [...text.matchAll(new RegExp(`chunk ${what}: (chunk \\d+ of point \\d+)`, 'g'))].map((m) => m[1]!);

let dir: Scratch;
let file: string;
beforeAll(() => {
  dir = scratchDir('georisk-queue-');
  file = dir.write('s.yaml', SWEEP_SCENARIO);
});
afterAll(() => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  dir.remove();
});

describe('a bad or unreachable --queue', () => {
  it.each([
    ['http://127.0.0.1:6379/0', /--queue must be a redis:\/\/ URL, got "http:".*redis:\/\/127\.0\.0\.1:6379\/0/],
    ['redis://127.0.0.1:6379/zero', /the database in --queue .* must be a whole number/],
    ['not a url', /--queue "not a url" is not a URL/],
  ])('refuses %s with exit 2 and writes nothing', async (url, message) => {
    const out = dir.path('bad-url.csv');
    const r = await runCli(['sweep', file, '--vary', 'war_rate=0:0.1:3', '--queue', url, '--out', out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(stackLines(r.stderr)).toEqual([]);
    expect(existsSync(out) || existsSync(`${out}.partial`)).toBe(false);
  });

  it('says within seconds that nothing answers, for the coordinator and a worker, and writes nothing', async () => {
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}/0`;
    const out = dir.path('unreachable.csv');
    const t0 = performance.now();
    const [sweep, work] = await Promise.all([
      runCli(['sweep', file, '--vary', 'war_rate=0:0.1:3', '--queue', url, '--out', out]),
      runCli(['worker', '--queue', url]),
    ]);
    expect((performance.now() - t0) / 1000).toBeLessThan(10);
    for (const r of [sweep, work]) {
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(
        new RegExp(`cannot reach Redis at redis://127\\.0\\.0\\.1:${port}/0 \\(connection refused\\): start redis-server`),
      );
      expect(stackLines(r.stderr)).toEqual([]);
    }
    expect(existsSync(out) || existsSync(`${out}.partial`) || existsSync(`${out}.partial.json`)).toBe(false);
  });
});

describe.skipIf(!haveRedis())('sweeps on a Redis queue', () => {
  let redis: TestRedis;
  let local: Buffer;
  beforeAll(async () => {
    redis = await startRedis();
    const out = dir.path('local.csv');
    const r = await runCli(['sweep', SLOW, ...SLOW_ARGS, '--workers', '2', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    local = readFileSync(out);
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it("refuses a database Redis does not have (it used to fall back to database 0, another group's queue)", async () => {
    const url = redis.url(99);
    const out = dir.path('no-db.csv');
    const [sweep, work] = await Promise.all([
      runCli(['sweep', file, '--vary', 'war_rate=0:0.1:3', '--queue', url, '--out', out]),
      runCli(['worker', '--queue', url]),
    ]);
    for (const r of [sweep, work]) {
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/Redis at redis:\/\/127\.0\.0\.1:\d+\/99 has no database 99 \(ERR DB index is out of range\)/);
      expect(stackLines(r.stderr)).toEqual([]);
    }
    expect(existsSync(out) || existsSync(`${out}.partial`)).toBe(false);
  });

  it('two workers, one killed mid-sweep: the file is byte-identical to a local run', async () => {
    const url = redis.url(1);
    const [a, b] = await Promise.all([worker(url, 2), worker(url, 2)]);
    const out = dir.path('queued.csv');
    const coordinator = georisk(['sweep', SLOW, ...SLOW_ARGS, '--queue', url, '--out', out]);
    // Killed as soon as it has finished a chunk: the chunks it holds are stalled and go to b.
    await a.waitFor(/chunk done/);
    a.child.kill('SIGKILL');
    expect(await coordinator.exited, coordinator.stderr()).toBe(0);
    expect(await a.exited).toBe(null);
    expect(readFileSync(out).equals(local)).toBe(true);
    expect(existsSync(`${out}.partial`)).toBe(false);
    // a died holding chunks it had taken (a thread's second waits for the thread) and not finished: b ran each of them once their locks lapsed.
    const held = chunksOf(a.stderr(), 'taken').filter((c) => !chunksOf(a.stderr(), 'done').includes(c));
    const why = `a:\n${a.stderr()}\nb:\n${b.stderr()}`;
    expect(held.length, why).toBeGreaterThan(0);
    for (const c of held) expect(chunksOf(b.stderr(), 'done'), why).toContain(c);
    expect(coordinator.stderr()).toMatch(new RegExp(`${SLOW_CHUNKS} chunks on [12] workers? in \\d+ s \\(queue redis://`));
    await stop(b);
  });

  it('a coordinator killed part-way and resumed reuses the chunks finished in Redis: byte-identical, nothing run twice', async () => {
    const url = redis.url(2);
    const w = await worker(url);
    const out = dir.path('resumed.csv');
    const first = georisk(['sweep', SLOW, ...SLOW_ARGS, '--queue', url, '--out', out]);
    const partial = `${out}.partial`;
    await new Promise<void>((done) => {
      const timer = setInterval(() => {
        const rows = existsSync(partial) ? readFileSync(partial, 'utf8').split('\n').length - 2 : 0;
        if (rows >= 3) {
          clearInterval(timer);
          first.child.kill('SIGKILL');
          done();
        }
      }, 20);
    });
    await first.exited;
    expect(existsSync(out)).toBe(false);
    const again = await runCli(['sweep', SLOW, ...SLOW_ARGS, '--queue', url, '--out', out, '--resume']);
    expect(again.status, again.stderr).toBe(0);
    expect(readFileSync(out).equals(local)).toBe(true);
    await stop(w);
    // Every chunk ran exactly once: the resumed coordinator took the ones finished meanwhile from Redis.
    expect(chunkLines(w.stderr())).toBe(SLOW_CHUNKS);
  });

  it('refuses chunks across an engine or scenario mismatch, clearly, on both sides; stops chunks at their time limit', async () => {
    const url = redis.url(3);
    const w = await worker(url);
    const queue = await connectQueue(url);
    try {
      const plan = planSweep(loadScenarioText(SWEEP_SCENARIO).scenario, {
        design: { method: 'grid', vary: [{ name: 'war_rate', lo: 0, hi: 0.1, n: 3 }] },
        trials: 100,
      });
      await expect(runPointsOnQueue(plan, { queue, engineVersion: '0.0.1-other', onPoint: () => {} })).rejects.toThrow(
        new RegExp(
          `chunk 1/1 of point 0 failed on worker [^:]+:\\d+: version mismatch: the coordinator runs georisk engine 0\\.0\\.1-other, worker [^ ]+ runs ${escapeRegExp(ENGINE_VERSION)}; run the same georisk`,
        ),
      );
      await expect(runPointsOnQueue(plan, { queue, scenarioHash: 'f'.repeat(64), onPoint: () => {} })).rejects.toThrow(
        /scenario mismatch: the job expects scenario ffffffffffff/,
      );
      // A chunk over its time limit is stopped and tried again, and fails the sweep after its last attempt.
      await expect(runPointsOnQueue(plan, { queue, timeLimitMs: 1, onPoint: () => {} })).rejects.toThrow(
        /chunk 1\/1 of point 0 failed \(3 attempts, the last on worker [^ ]+\): took longer than its time limit of 0\.001 s/,
      );
      // The same worker still serves a matching sweep.
      const rows: number[] = [];
      await runPointsOnQueue(plan, { queue, onPoint: (i) => rows.push(i) });
      expect(rows).toEqual([0, 1, 2]);
    } finally {
      await queue.close();
    }
    expect(w.stderr()).toMatch(/refused chunk 1 of point 0 .*version mismatch/);
    await stop(w);
  });

  it('sensitivity --queue gives the local result; a scenario failing at run time fails the same way (exit 1)', async () => {
    const url = redis.url(4);
    const w = await worker(url);
    const args = ['sensitivity', file, '--method', 'tornado', '--trials', '20000', '--format', 'json', '--metrics', 'war_reached'];
    const [here, queued] = await Promise.all([runCli([...args, '--workers', '1']), runCli([...args, '--queue', url, '--no-progress'])]);
    expect(queued.status, queued.stderr).toBe(0);
    const strip = (text: string) => {
      const { timing: _t, ...rest } = JSON.parse(text) as Record<string, unknown>;
      return rest;
    };
    expect(strip(queued.stdout)).toEqual(strip(here.stdout));
    const failing = dir.write('fails.yaml', RUNTIME_FAILING_SCENARIO);
    const out = dir.path('fails.csv');
    const r = await runCli(['sweep', failing, '--vary', 'k=0.5:2:4', '--trials', '1000', '--queue', url, '--out', out]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/runtime_value/);
    expect(stackLines(r.stderr)).toEqual([]);
    expect(existsSync(out)).toBe(false);
    await stop(w);
  });
});
