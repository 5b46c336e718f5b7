/**
 * Hostile and heavy documents through the API (issue 14): every document route answers a small body
 * naming the limit, and the documents are checked off the event loop. The loop's delay is measured
 * (monitorEventLoopDelay), never the wall clock.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMALL_SCENARIO, type TestApp, testApp } from './helpers.ts';
import { largeDocument, longNames, manyIncludes } from './hostile-docs.ts';

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
  // The document thread's first task loads its code (through the TypeScript loader in tests): not what is measured.
  await t.app.inject({ method: 'POST', url: '/api/scenarios/validate', payload: { text: 'id: warm-up' } });
});
afterAll(() => t.close());

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

describe('hostile documents on /api/scenarios/validate', () => {
  it.each([
    ['long names', longNames(), 'name_too_long'],
    ['5,000 includes', manyIncludes(), 'too_many_includes'],
    ['24 includes of a 12 KB module', manyIncludes(24), 'expanded_too_large'],
  ])('%s: a small answer naming the limit', async (_, text, code) => {
    const res = await t.app.inject({ method: 'POST', url: '/api/scenarios/validate', payload: { text } });
    expect(res.statusCode).toBe(200);
    expect(res.body.length).toBeLessThan(64 * 1024);
    const body = res.json();
    expect(body.valid).toBe(false);
    expect(body.issues.map((i: { code: string }) => i.code)).toEqual([code]);
  });

  it('refuses an include amplification before merging: the limit, where, and no module echoed', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/scenarios', payload: { text: manyIncludes(24) } });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.code).toBe('expanded_too_large');
    expect(body.message).toMatch(/the limit is 262144/);
    expect(body.issues[0]).toMatchObject({ path: expect.stringMatching(/^include\[\d+\]\.module$/), line: expect.any(Number) });
  });
});

describe('the event loop while hostile and heavy documents are checked', () => {
  const large = largeDocument();
  const unknown = largeDocument(195_000, true);
  const sweep = { design: { method: 'lhs', samples: 2, vary: [{ name: 'p0', lo: 0, hi: 1 }] }, trials: 10 };
  const batch: [string, object][] = [
    ['/api/scenarios/validate', { text: large }],
    ['/api/scenarios/validate', { text: unknown }],
    ['/api/scenarios/validate', { text: longNames() }],
    ['/api/scenarios/validate', { text: manyIncludes() }],
    ['/api/scenarios', { text: large }],
    ['/api/scenarios', { text: unknown }],
    // A run of `large`: its 790 KB result is computed and serialized to JSON on a simulation thread.
    ['/api/runs', { text: large, trials: 10 }],
    ['/api/runs', { text: SMALL_SCENARIO, trials: 20 }],
    ['/api/runs', { text: unknown, trials: 10 }],
    ['/api/runs', { text: manyIncludes(), trials: 10 }],
    ['/api/exact', { text: large }],
    ['/api/exact', { text: longNames() }],
    ['/api/sweeps', { text: unknown, ...sweep }],
    ['/api/sensitivity', { text: manyIncludes(24), method: 'tornado', vary: [{ name: 'p0' }] }],
  ];

  /** The most a request may hold the event loop, in ms (the target is 50; see the false-alarm note below). */
  const BOUND = 200;
  /** Tries of one request before a delay past BOUND counts against it. */
  const TRIES = 3;

  /**
   * The request's status (first try) and its smallest loop delay over up to TRIES tries, stopping at
   * the first under BOUND. Blocking the loop is deterministic (every try blocks); a busy machine
   * pre-empting this process is not, so retrying tells them apart.
   */
  async function held(url: string, payload: object): Promise<{ status: number; ms: number }> {
    let status = 0;
    let ms = Number.POSITIVE_INFINITY;
    for (let i = 0; i < TRIES && ms >= BOUND; i++) {
      let answer = 0;
      ms = Math.min(ms, await maxLoopDelay(async () => (answer = (await t.app.inject({ method: 'POST', url, payload })).statusCode)));
      if (i === 0) status = answer;
    }
    return { status, ms };
  }

  it('is never held long by any of them, and /api/health keeps answering', async () => {
    const { templates } = (await t.app.inject({ method: 'GET', url: '/api/exercises/templates' })).json();
    const deadline = new Date(Date.now() + 86_400_000).toISOString();
    // Creating an exercise checks it with a short probe run of its scenario.
    const exercises = (templates as { exercise: object }[]).map(({ exercise }): [string, object] => [
      '/api/exercises',
      { ...exercise, deadline },
    ]);
    expect(exercises.length).toBeGreaterThan(0);
    const health: number[] = [];
    let running = true;
    const probe = (async () => {
      while (running) {
        health.push((await t.app.inject({ method: 'GET', url: '/api/health' })).statusCode);
        await tick(10);
      }
    })();
    const results: { url: string; status: number; ms: number }[] = [];
    for (const [url, payload] of [...batch, ...exercises]) results.push({ url, ...(await held(url, payload)) });
    running = false;
    await probe;
    expect(results.map((r) => r.status)).toEqual([
      200,
      200,
      200,
      200,
      201,
      400,
      201,
      201,
      400,
      400,
      200,
      400,
      400,
      400,
      ...exercises.map(() => 201),
    ]);
    expect(health.length).toBeGreaterThan(results.length);
    expect(new Set(health)).toEqual(new Set([200]));
    // Checked on the event loop these held it 0.2–0.8 s each, every try; off it, the loop waits
    // 10–70 ms (a clone of the answer, a GC pause). On this 2-core machine shared by other jobs
    // (load average 12) a pre-emption past 200 ms happened in about 5% of requests; a false alarm
    // needs it in all 3 tries of one request, about 1e-4 per request, 2e-3 for the batch.
    expect(results.filter((r) => r.ms >= BOUND)).toEqual([]);
  });
});
