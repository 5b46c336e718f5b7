/**
 * Hostile and heavy documents through the API (issue 14): every document route answers a small body
 * naming the limit, and the documents are checked off the event loop. The loop's delay is measured
 * (monitorEventLoopDelay), never the wall clock.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from './helpers.ts';
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
    ['/api/runs', { text: large, trials: 20 }],
    ['/api/runs', { text: unknown, trials: 10 }],
    ['/api/runs', { text: manyIncludes(), trials: 10 }],
    ['/api/exact', { text: large }],
    ['/api/exact', { text: longNames() }],
    ['/api/sweeps', { text: unknown, ...sweep }],
    ['/api/sensitivity', { text: manyIncludes(24), method: 'tornado', vary: [{ name: 'p0' }] }],
  ];

  it('is never held long, and /api/health keeps answering', async () => {
    const statuses: number[] = [];
    const health: number[] = [];
    let running = true;
    const delay = await maxLoopDelay(async () => {
      const probe = (async () => {
        while (running) {
          health.push((await t.app.inject({ method: 'GET', url: '/api/health' })).statusCode);
          await tick(10);
        }
      })();
      for (const [url, payload] of batch) statuses.push((await t.app.inject({ method: 'POST', url, payload })).statusCode);
      running = false;
      await probe;
    });
    expect(statuses).toEqual([200, 200, 200, 200, 201, 400, 201, 400, 400, 200, 400, 400, 400]);
    expect(health.length).toBeGreaterThan(batch.length);
    expect(new Set(health)).toEqual(new Set([200]));
    // Checked on the event loop these held it 0.1–0.6 s each on a 2-core machine; off it, the loop
    // waits at most ~50 ms (a clone of the answer, a GC pause). 200 ms leaves room for a busy machine
    // pre-empting this process now and then; a false alarm needs a single stall four times the target.
    expect(delay).toBeLessThan(200);
  });
});
