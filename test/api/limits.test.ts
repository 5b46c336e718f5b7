/** Staying up: rate limits, a full pool (503 + Retry-After), job deadlines, and health answering while the pool is busy. */
import { describe, expect, it } from 'vitest';
import { testApp } from './helpers.ts';

/** Enough work to keep one thread busy for many seconds, in short chunks (16,384 trials × 120 steps), so other tasks get the thread soon. */
const HEAVY = { scenarioId: 'alliance-dilemma', trials: 4_000_000, seed: 1 };

describe('limits', () => {
  it('rate-limits per IP with 429 and Retry-After, simulations more tightly; health is never limited', async () => {
    const t = await testApp({ rateLimit: { max: 3, simulationMax: 1, timeWindowMs: 60_000 } });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 4; i++) codes.push((await t.app.inject({ method: 'GET', url: '/api/scenarios' })).statusCode);
      expect(codes).toEqual([200, 200, 200, 429]);
      const limited = await t.app.inject({ method: 'GET', url: '/api/scenarios' });
      expect(limited.headers['retry-after']).toBeDefined();
      expect(limited.json()).toMatchObject({ code: 'rate_limited', path: '' });
      for (let i = 0; i < 5; i++) expect((await t.app.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200);
      const body = { text: 'id: x\ntime: {unit: day, dt: 1, horizon: 1}\n', overrides: { nope: 1 } };
      expect((await t.app.inject({ method: 'POST', url: '/api/exact', payload: body })).statusCode).toBe(400);
      expect((await t.app.inject({ method: 'POST', url: '/api/exact', payload: body })).statusCode).toBe(429);
    } finally {
      await t.close();
    }
  });

  it('answers 503 with Retry-After when the pool is full, keeps health fast meanwhile, and cancels jobs on shutdown', async () => {
    const t = await testApp({ pool: { threads: 1, maxJobs: 1 } });
    try {
      const heavy = t.app.inject({ method: 'POST', url: '/api/runs', payload: HEAVY });
      // Wait until the heavy run is admitted (it shows in the pool load).
      for (let i = 0; i < 200; i++) {
        const health = (await t.app.inject({ method: 'GET', url: '/api/health' })).json();
        if (health.pool.activeJobs === 1) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      const busy = await t.app.inject({ method: 'POST', url: '/api/runs', payload: { scenarioId: 'alliance-dilemma', trials: 10 } });
      expect(busy.statusCode).toBe(503);
      expect(busy.headers['retry-after']).toBe('5');
      expect(busy.json()).toMatchObject({ code: 'server_busy', path: '' });
      // Health answers at once while the simulation runs on the worker thread.
      const latencies: number[] = [];
      for (let i = 0; i < 50; i++) {
        const started = performance.now();
        const res = await t.app.inject({ method: 'GET', url: '/api/health' });
        latencies.push(performance.now() - started);
        expect(res.statusCode).toBe(200);
        expect(res.json().pool.activeJobs).toBe(1);
      }
      latencies.sort((a, b) => a - b);
      // The run takes many seconds; health never waits for it. (A loose bound: test files share two
      // cores here. The 50 ms p99 target is measured by the benchmark, not asserted by a test.)
      expect(latencies[Math.floor(latencies.length * 0.99)]).toBeLessThan(250);
      await t.app.close();
      const cancelled = await heavy;
      expect(cancelled.statusCode).toBe(503);
      expect(cancelled.json().code).toBe('shutting_down');
    } finally {
      await t.close();
    }
  });

  it('caps the simulation jobs of one address with 429 too_many_jobs', async () => {
    const t = await testApp({ pool: { threads: 1, maxJobs: 4 }, jobsPerClient: 1 });
    try {
      const heavy = t.app.inject({ method: 'POST', url: '/api/runs', payload: HEAVY });
      for (let i = 0; i < 200; i++) {
        if ((await t.app.inject({ method: 'GET', url: '/api/health' })).json().pool.activeJobs === 1) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      const second = await t.app.inject({ method: 'POST', url: '/api/exact', payload: { scenarioId: 'alliance-dilemma' } });
      expect(second.statusCode).toBe(429);
      expect(second.headers['retry-after']).toBe('5');
      expect(second.json()).toMatchObject({ code: 'too_many_jobs', path: '' });
      // Another address is not affected.
      const other = await t.app.inject({
        method: 'POST',
        url: '/api/exact',
        payload: { scenarioId: 'alliance-dilemma' },
        remoteAddress: '10.0.0.2',
      });
      expect(other.statusCode).toBe(200);
      await t.app.close();
      expect((await heavy).statusCode).toBe(503);
    } finally {
      await t.close();
    }
  });

  it('sheds load with 503 overloaded while the event loop lags', async () => {
    const t = await testApp({ pressure: { maxEventLoopDelayMs: 100, maxHeapUsedBytes: 2 * 1024 ** 3, sampleIntervalMs: 50 } });
    try {
      await t.app.ready();
      // Block the event loop the way a synchronous bug would, then let the sampler see it. under-pressure
      // reads the *mean* of the loop-delay histogram since its last sample, so one 1.5 s block among a few
      // 10 ms ticks reads as roughly 300 ms: the threshold sits well below that. On a loaded machine the
      // sampler can land between blocks, so block again a few times before concluding it never sheds.
      let res = await t.app.inject({ method: 'GET', url: '/api/health' });
      for (let attempt = 0; attempt < 4; attempt++) {
        const until = Date.now() + 1500;
        while (Date.now() < until) {}
        await new Promise((r) => setTimeout(r, 5));
        res = await t.app.inject({ method: 'GET', url: '/api/scenarios' });
        if (res.statusCode === 503) break;
      }
      expect(res.statusCode).toBe(503);
      expect(res.headers['retry-after']).toBe('5');
      expect(res.json()).toMatchObject({ code: 'overloaded', path: '' });
    } finally {
      await t.close();
    }
  });

  it('cancels a job past its deadline (503), records the run as failed, and the pool recovers', async () => {
    const t = await testApp({ pool: { threads: 1, jobDeadlineMs: 1000 } });
    try {
      const res = await t.app.inject({ method: 'POST', url: '/api/runs', payload: HEAVY });
      expect(res.statusCode).toBe(503);
      expect(res.headers['retry-after']).toBe('5');
      expect(res.json()).toMatchObject({ code: 'deadline_exceeded', message: 'the job did not finish within 1 s' });
      const [run] = (await t.app.inject({ method: 'GET', url: '/api/runs' })).json().runs;
      const stored = (await t.app.inject({ method: 'GET', url: `/api/runs/${run.id}` })).json();
      expect(stored).toMatchObject({ status: 'failed', result: null, error: { code: 'deadline_exceeded' }, request: HEAVY });
      // The cancelled thread is replaced; on a loaded machine the new one may take a moment to load the
      // engine, so a small run may itself miss the short deadline. Each miss cancels the thread again,
      // so wait longer between tries and let the replacement finish loading before the next one.
      let status = 0;
      for (let attempt = 0; attempt < 5 && status !== 201; attempt++) {
        if (attempt > 0) await new Promise((wait) => setTimeout(wait, 1500 * attempt));
        status = (await t.app.inject({ method: 'POST', url: '/api/runs', payload: { scenarioId: 'alliance-dilemma', trials: 10 } }))
          .statusCode;
      }
      expect(status).toBe(201);
    } finally {
      await t.close();
    }
  });
});

describe('requests from other sites', () => {
  const yaml =
    'id: csrf-probe\ntime: { unit: day, dt: 1, horizon: 5 }\ntracks:\n  x: { states: [a, b], transitions: [{ from: a, to: b, rate: 0.1 }] }\n';
  const save = (t: Awaited<ReturnType<typeof testApp>>, origin?: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/scenarios',
      headers: { host: 'localhost:8080', 'content-type': 'text/plain', ...(origin === undefined ? {} : { origin }) },
      payload: yaml,
    });

  it("may not change data (a form on another site posting YAML as text/plain needs no preflight); the server's own page and scripts may", async () => {
    const t = await testApp({ webDir: false });
    try {
      for (const origin of ['http://evil.example', 'http://localhost:9999', 'null']) {
        const refused = await save(t, origin);
        expect(refused.statusCode, origin).toBe(403);
        expect(refused.json()).toMatchObject({ code: 'cross_origin', path: '' });
        expect(refused.json().message).toContain(`a request from the page at ${origin}`);
      }
      const listed = await t.app.inject({ method: 'GET', url: '/api/scenarios', headers: { origin: 'http://evil.example' } });
      expect(listed.statusCode).toBe(200);
      expect(JSON.stringify(listed.json())).not.toContain('csrf-probe');
      expect((await save(t, 'http://localhost:8080')).statusCode).toBe(201);
      expect((await save(t)).statusCode).toBe(201);
    } finally {
      await t.close();
    }
  });
});

describe('a body sent as text to a route that takes JSON', () => {
  it('is told to send JSON, not to "write key: value lines" it already is', async () => {
    const t = await testApp({ webDir: false });
    try {
      for (const type of ['application/yaml', 'text/plain']) {
        const r = await t.app.inject({
          method: 'POST',
          url: '/api/runs',
          headers: { 'content-type': type },
          payload: 'scenarioId: alliance-dilemma\ntrials: 10\n',
        });
        expect(r.statusCode, type).toBe(400);
        expect(r.json()).toMatchObject({ code: 'invalid_request', path: '' });
        expect(r.json().message).toContain('this route takes a JSON object');
        expect(r.json().hint).toContain('Content-Type: application/json');
      }
    } finally {
      await t.close();
    }
  });
});

describe('a body the server cannot read as sent', () => {
  it('is told when it is compressed (415), and where its JSON broke', async () => {
    const t = await testApp({ webDir: false });
    try {
      const gz = await t.app.inject({
        method: 'POST',
        url: '/api/runs',
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        payload: Buffer.from([0x1f, 0x8b, 0x08, 0x00]),
      });
      expect(gz.statusCode).toBe(415);
      expect(gz.json()).toMatchObject({ code: 'unsupported_media_type' });
      expect(gz.json().message).toContain('Content-Encoding: gzip');
      const broken = await t.app.inject({
        method: 'POST',
        url: '/api/runs',
        headers: { 'content-type': 'application/json' },
        payload: '{"scenarioId":',
      });
      expect(broken.statusCode).toBe(400);
      expect(broken.json()).toMatchObject({ code: 'invalid_json' });
      expect(broken.json().message).toMatch(/not valid JSON .*: .*JSON/);
      expect(broken.json().hint).toContain('send one JSON object, e.g. {"scenarioId": "alliance-dilemma", "trials": 10000}');
      // A student's join gets an example of a join, not of a run.
      const join = await t.app.inject({
        method: 'POST',
        url: '/api/exercises/join',
        headers: { 'content-type': 'application/json' },
        payload: '{"code":',
      });
      expect(join.json().hint).toContain('e.g. {"code": "AMAERY", "name": "Ana"}');
    } finally {
      await t.close();
    }
  });
});

describe('a route asked with a method it does not take', () => {
  it('answers 405 with the methods it takes (it answered 404 "no route"); an unknown path stays 404', async () => {
    const t = await testApp({ webDir: false });
    try {
      const put = await t.app.inject({ method: 'PUT', url: '/api/runs' });
      expect(put.statusCode).toBe(405);
      expect(put.headers.allow).toBe('GET, POST');
      expect(put.json()).toMatchObject({ code: 'method_not_allowed' });
      const del = await t.app.inject({ method: 'DELETE', url: '/api/runs/some-id' });
      expect(del.statusCode).toBe(405);
      expect(del.headers.allow).toBe('GET');
      expect((await t.app.inject({ method: 'GET', url: '/api/nothing-here' })).statusCode).toBe(404);
    } finally {
      await t.close();
    }
  });
});
