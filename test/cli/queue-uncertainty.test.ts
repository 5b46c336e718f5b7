/**
 * Two-level runs on a Redis queue (`georisk run --uncertainty N --queue URL`, `runUncertaintyOnQueue`):
 * `georisk worker` processes against a throwaway redis-server give the band of a run on threads,
 * bit for bit, with one worker or two; bad input gets the local run's errors before any connection.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScenarioText, planUncertainty, runUncertaintyPlan } from '../../packages/engine/src/index.ts';
import { connectQueue, runUncertaintyOnQueue } from '../../packages/queue/src/index.ts';
import { ROOT, runCli, type Scratch, scratchDir, stackLines, withoutTiming } from '../helpers/cli.ts';
import { freePort, haveRedis, startRedis, type TestRedis } from '../helpers/redis.ts';
import { PARAMETER_SCENARIO, RUNTIME_FAILING_SCENARIO, SWEEP_SCENARIO } from '../helpers/scenarios.ts';

/**
 * 8 sampled draws of 20,000 trials: two queue chunks per draw (16,384 + 3,616 trials) against one
 * of 4,096 … on threads, so the merge across chunk boundaries is exercised too.
 */
const DRAWS = 8;
const TRIALS_PER_DRAW = 20_000;
const BAND_ARGS = ['--uncertainty', String(DRAWS), '--method', 'sample', '--trials-per-draw', String(TRIALS_PER_DRAW), '--format', 'json'];
const CHUNKS = DRAWS * 2;

const spawned: ChildProcess[] = [];

/** A `georisk worker` with one thread; resolves once it listens, with a way to read its log and stop it. */
async function worker(url: string): Promise<{ log: () => string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['apps/cli/bin/georisk.js', 'worker', '--queue', url, '--threads', '1', '--verbose'], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  spawned.push(child);
  let text = '';
  const exited = new Promise((done) => child.on('exit', done));
  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`the worker did not start within 30 s:\n${text}`)), 30_000);
    child.stderr?.on('data', (b: Buffer) => {
      text += b.toString();
      if (text.includes('waiting for chunks')) {
        clearTimeout(timer);
        ready();
      }
    });
  });
  return {
    log: () => text,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

const chunksDone = (text: string) => text.split('\n').filter((l) => l.includes('chunk done')).length;

let dir: Scratch;
let file: string;
let parameterFile: string;
beforeAll(() => {
  dir = scratchDir('georisk-queue-band-');
  file = dir.write('s.yaml', SWEEP_SCENARIO);
  parameterFile = dir.write('p.yaml', PARAMETER_SCENARIO);
});
afterAll(() => {
  for (const child of spawned) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  dir.remove();
});

describe('run --uncertainty --queue: bad input', () => {
  it.each([
    ['--uncertainty 0', ['--uncertainty', '0']],
    ['a huge N over the budget', ['--uncertainty', '90000', '--method', 'sample', '--trials-per-draw', '100000']],
    ['too many draws', ['--uncertainty', '1000000']],
    ['every parameter fixed', ['--uncertainty', '10', '--set', 'war_rate=0.02']],
    ['CSV output', ['--uncertainty', '10', '--format', 'csv']],
  ])('%s: the local run’s error and exit status, before any connection, nothing written', async (_, args) => {
    // Nothing listens on this port: an error about the scenario or the flags must come first.
    const url = `redis://127.0.0.1:${await freePort()}/0`;
    const out = dir.path('bad.json');
    const [here, queued] = await Promise.all([
      runCli(['run', parameterFile, ...args, '--out', out]),
      runCli(['run', parameterFile, ...args, '--out', out, '--queue', url]),
    ]);
    expect(here.status).toBe(2);
    expect(queued.status).toBe(here.status);
    expect(queued.stderr).toBe(here.stderr);
    expect(stackLines(queued.stderr)).toEqual([]);
    expect(existsSync(out)).toBe(false);
  });

  it('a good run with an unreachable or malformed queue is refused with exit 2; --queue without --uncertainty too', async () => {
    const port = await freePort();
    const out = dir.path('unreachable.json');
    const [unreachable, malformed, plain] = await Promise.all([
      runCli(['run', file, ...BAND_ARGS, '--queue', `redis://127.0.0.1:${port}/0`, '--out', out]),
      runCli(['run', file, ...BAND_ARGS, '--queue', 'http://127.0.0.1:6379/0', '--out', out]),
      runCli(['run', file, '--queue', `redis://127.0.0.1:${port}/0`, '--out', out]),
    ]);
    expect(unreachable.status).toBe(2);
    expect(unreachable.stderr).toContain(`cannot reach Redis at redis://127.0.0.1:${port}/0 (connection refused): start redis-server`);
    expect(malformed.status).toBe(2);
    expect(malformed.stderr).toContain('--queue must be a redis:// URL, got "http:"');
    expect(plain.status).toBe(2);
    expect(plain.stderr).toContain('--queue needs --uncertainty N');
    for (const r of [unreachable, malformed, plain]) expect(stackLines(r.stderr)).toEqual([]);
    expect(existsSync(out)).toBe(false);
  });
});

describe.skipIf(!haveRedis())('two-level runs on a Redis queue', () => {
  let redis: TestRedis;
  let local: unknown;
  beforeAll(async () => {
    redis = await startRedis();
    const r = await runCli(['run', file, ...BAND_ARGS, '--workers', '2']);
    expect(r.status, r.stderr).toBe(0);
    local = withoutTiming(r.stdout);
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('gives the JSON of a local run, bit for bit, with one worker process and with two', async () => {
    for (const [db, count] of [
      [1, 1],
      [2, 2],
    ] as const) {
      const url = redis.url(db);
      const workers = await Promise.all(Array.from({ length: count }, () => worker(url)));
      const queued = await runCli(['run', file, ...BAND_ARGS, '--queue', url]);
      await Promise.all(workers.map((w) => w.stop()));
      expect(queued.status, queued.stderr).toBe(0);
      expect(withoutTiming(queued.stdout)).toEqual(local);
      // Every chunk ran once, on the workers.
      expect(workers.reduce((n, w) => n + chunksDone(w.log()), 0)).toBe(CHUNKS);
      expect(queued.stderr).toMatch(new RegExp(`${CHUNKS} chunks on [12] workers? in \\d+ s \\(queue redis://`));
    }
  });

  it('a scenario failing at run time fails as it does locally (exit 1, same issue); exact draws are solved here, same output', async () => {
    const url = redis.url(4);
    const w = await worker(url);
    const failing = dir.write('fails.yaml', RUNTIME_FAILING_SCENARIO);
    const failArgs = ['run', failing, '--uncertainty', '10', '--method', 'sample'];
    const exactArgs = ['run', file, '--uncertainty', '30', '--format', 'json'];
    const [failHere, failQueued, exactHere, exactQueued] = await Promise.all([
      runCli([...failArgs, '--workers', '1']),
      runCli([...failArgs, '--queue', url]),
      runCli([...exactArgs, '--workers', '1']),
      runCli([...exactArgs, '--queue', url]),
    ]);
    await w.stop();
    expect(failHere.status).toBe(1);
    expect(failHere.stderr).toMatch(/error \[runtime_value\]/);
    expect(failQueued.status).toBe(1);
    expect(failQueued.stderr).toBe(failHere.stderr);
    expect(stackLines(failQueued.stderr)).toEqual([]);
    expect(exactQueued.status, exactQueued.stderr).toBe(0);
    expect(JSON.parse(exactQueued.stdout).method).toBe('exact');
    expect(withoutTiming(exactQueued.stdout)).toEqual(withoutTiming(exactHere.stdout));
    expect(exactQueued.stderr).toContain('each draw is solved exactly, with no trials to queue: solving them here');
  });

  it('runUncertaintyOnQueue equals runUncertaintyPlan (timing aside), sampled and exact', async () => {
    const url = redis.url(3);
    const w = await worker(url);
    const queue = await connectQueue(url);
    try {
      const scenario = loadScenarioText(SWEEP_SCENARIO).scenario;
      for (const method of ['sample', 'exact'] as const) {
        const plan = planUncertainty(scenario, { draws: 12, method, trialsPerDraw: 3000, seed: 7 });
        const draws: number[] = [];
        const { timing: _q, ...queued } = await runUncertaintyOnQueue(plan, { queue, onDraw: (n) => draws.push(n) });
        const { timing: _h, ...here } = await runUncertaintyPlan(plan);
        expect(queued).toEqual(here);
        expect(draws).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
      }
    } finally {
      await queue.close();
      await w.stop();
    }
    // Only the sampled draws went to the worker: one chunk each.
    expect(chunksDone(w.log())).toBe(12);
  });
});
