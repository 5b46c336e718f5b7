/**
 * A large valid document (195 KB, 890 described parameters and 890 metrics) run and swept through the API (issue 14):
 * its scenario, summaries and model stay off the event loop. Measured as the objects the loop exchanges
 * with threads (work it does: each is built or cloned here) and as event-loop delay (monitorEventLoopDelay),
 * never the wall clock.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DocumentChecker } from '../../apps/api/src/document-checker.ts';
import { sweepWork } from '../../apps/api/src/jobs.ts';
import { buildModel, loadScenarioText, runSweepPoint } from '../../packages/engine/src/index.ts';
import { ThreadPool } from '../../packages/node/src/thread-pool.ts';
import { SMALL_SCENARIO, type TestApp, testApp } from './helpers.ts';
import { largeDocument } from './hostile-docs.ts';

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
  // The threads' first tasks load their code (through the TypeScript loader in tests): not what is measured.
  await t.app.inject({
    method: 'POST',
    url: '/api/runs',
    payload: { text: 'id: warm-up\ntime: { unit: day, dt: 1, horizon: 2 }', trials: 2 },
  });
});
afterAll(() => t.close());
afterEach(() => vi.restoreAllMocks());

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The longest event-loop delay, in ms, while `work` runs (with a tick before and after, so that blocks at either end are sampled). */
async function maxLoopDelay(work: () => Promise<unknown>): Promise<number> {
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  await tick(30);
  await work();
  await tick(30);
  delay.disable();
  return delay.max / 1e6;
}

/** CPU time (ms) this thread (the event loop's) spends while `work` runs: work done here, whatever else the machine runs. */
async function loopCpu(work: () => Promise<unknown>): Promise<number> {
  // Linux's per-thread scheduler statistics: the first field is the thread's time on a CPU, in ns.
  const onCpu = () => Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]);
  const before = onCpu();
  await work();
  return (onCpu() - before) / 1e6;
}

/** Objects and arrays in a value (typed arrays and strings are bytes: none), warnings left out (a document's own). */
function objectsIn(value: unknown): number {
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) return 0;
  let n = 1;
  for (const [key, inner] of Object.entries(value)) if (key !== 'warnings') n += objectsIn(inner);
  return n;
}

/** Counts the objects in every task the loop hands a thread and every answer it takes back, while `work` runs. */
async function objectsExchanged(work: () => Promise<unknown>): Promise<number> {
  let count = 0;
  const methods = Object.getOwnPropertyNames(ThreadPool.prototype).filter(
    (m) => !['constructor', 'lanes', 'destroy', 'queueSize'].includes(m),
  );
  for (const name of methods) {
    const original = (ThreadPool.prototype as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)[name];
    if (typeof original !== 'function') continue;
    vi.spyOn(ThreadPool.prototype as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>, name).mockImplementation(
      async function (this: ThreadPool, ...args: unknown[]) {
        count += objectsIn(args[0]);
        const answer = await original.apply(this, args);
        count += objectsIn(answer);
        return answer;
      },
    );
  }
  await work();
  vi.restoreAllMocks();
  return count;
}

const text = largeDocument();
const ROOT = join(import.meta.dirname, '../../scenarios');

describe('a run of a 195 KB document', () => {
  it('exchanges bytes, not its scenario or summaries, with the threads, and keeps the loop free', async () => {
    let status = 0;
    const objects = await objectsExchanged(async () => {
      const res = await t.app.inject({ method: 'POST', url: '/api/runs', payload: { text, trials: 20 } });
      status = res.statusCode;
    });
    expect(status).toBe(201);
    // Unpacked, the scenario and the summaries crossed as objects (18,730 counted on main); packed, what
    // is left is a few envelopes and the document's lists of names.
    console.log(`objects exchanged with threads: ${objects}`);
    expect(objects).toBeLessThan(200);
    // Best of 3: the target is 50 ms; a busy 2-core machine pre-empts this process now and then (and
    // collects garbage), so a false alarm needs three tries each held past the bound.
    const BOUND = 200;
    let best = Number.POSITIVE_INFINITY;
    for (let i = 0; i < 3 && best >= BOUND; i++) {
      best = Math.min(best, await maxLoopDelay(() => t.app.inject({ method: 'POST', url: '/api/runs', payload: { text, trials: 20 } })));
    }
    expect(best).toBeLessThan(BOUND);
  }, 120_000);

  it('gives the numbers of the same scenario run by id, merged on the loop, also past a fold of 8 chunks', async () => {
    // 10 chunks of 16,384 trials: the packed path merges the first 8 on a thread, then the last 2 as it finalizes.
    const saved = await t.app.inject({ method: 'POST', url: '/api/scenarios', payload: { text: SMALL_SCENARIO } });
    expect(saved.statusCode).toBe(201);
    const run = { trials: 10 * 16_384, seed: 5, overrides: { war_rate: 0.05 } };
    const packed = await t.app.inject({ method: 'POST', url: '/api/runs', payload: { text: SMALL_SCENARIO, ...run } });
    const byId = await t.app.inject({ method: 'POST', url: '/api/runs', payload: { scenarioId: saved.json().id, ...run } });
    expect(packed.statusCode).toBe(201);
    expect(byId.statusCode).toBe(201);
    const { timing: _a, ...a } = packed.json().result;
    const { timing: _b, ...b } = byId.json().result;
    expect(a).toEqual(b);
  }, 180_000);
});

describe('a sweep of a 195 KB document', () => {
  // Two points, one metric reported: the rows are cheap, but building the plan's model (890 metrics to
  // compile) held the loop 185–350 ms when each sweep's first row found the first-passage flags there.
  const body = { text, design: { method: 'lhs', samples: 2, vary: [{ name: 'p0', lo: 0, hi: 1 }] }, trials: 10, metrics: ['m0'] };
  /** Posts the sweep and waits for its end on its event stream (which ends with the job). */
  const sweep = async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/sweeps', payload: body });
    expect(res.statusCode).toBe(202);
    const events = await t.app.inject({ method: 'GET', url: `/api/jobs/${res.json().id}/events` });
    expect(events.body).toMatch(/event: end\ndata: \{"status":"done"/);
  };

  it('holds the loop briefly', async () => {
    await sweep();
    // Best of 3 as above (the target is 50 ms).
    const BOUND = 200;
    let best = Number.POSITIVE_INFINITY;
    for (let i = 0; i < 3 && best >= BOUND; i++) best = Math.min(best, await maxLoopDelay(sweep));
    expect(best).toBeLessThan(BOUND);
  }, 180_000);

  it('computes a row without building the plan’s model on the loop', async () => {
    // Work done on this thread (its CPU time), compared with building that model here (warm), summed over
    // 5 tries (the kernel counts a running thread's time at its clock ticks, 4 ms here): without the flags
    // from the plan's thread, the first row of each plan built the model, and took as long.
    const checker = new DocumentChecker(ROOT);
    try {
      const scenario = loadScenarioText(text).scenario;
      const options = { design: { method: 'lhs' as const, samples: 2, vary: [{ name: 'p0', lo: 0, hi: 1 }] }, trials: 10, metrics: ['m0'] };
      buildModel(scenario);
      let build = 0;
      let row = 0;
      for (let i = 0; i < 5; i++) {
        build += await loopCpu(async () => buildModel(scenario));
        const planned = await checker.plan({ scenario, job: { kind: 'sweep', options }, maxResultValues: 2_000_000 });
        if (!('sweep' in planned)) throw new Error('not planned');
        // The point's summary from a copy of the plan, so that this thread's model of it is not the plan's.
        const summary = runSweepPoint(structuredClone(planned.sweep), 0);
        const work = sweepWork(planned.sweep, 'facts' in planned ? planned.facts : undefined);
        row += await loopCpu(async () => work.row(0, summary));
      }
      console.log(`5 models built here: ${build.toFixed(1)} ms CPU; 5 first rows: ${row.toFixed(1)} ms CPU`);
      expect(row).toBeLessThan(build / 4);
    } finally {
      await checker.close();
    }
  }, 180_000);
});
