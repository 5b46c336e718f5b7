/** Budgets on what a request may cost beyond its trials: the result's size, stored rows and quotas, job caps and deadlines, timeouts. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../apps/api/src/app.ts';
import { type TestApp, testApp } from './helpers.ts';

/** A track of `states` states over `steps` hourly steps: a small request whose result would be huge. */
function wideScenario(states: number, steps: number): string {
  const names = Array.from({ length: states }, (_, i) => `s${i}`);
  return [
    'id: wide',
    `time: { unit: hour, dt: 1, horizon: ${steps} }`,
    'parameters:',
    '  rate: { default: 0.01, range: [0, 0.1] }',
    'tracks:',
    '  war:',
    `    states: [${names.join(', ')}]`,
    '    initial: s0',
    '    transitions:',
    '      - { from: s0, to: s1, rate: rate }',
    'metrics:',
    '  moved: { expr: \'ever(war, "s1")\' }',
    '',
  ].join('\n');
}

describe('result-size budget', () => {
  it('refuses up front a run, an exact analysis and a sweep whose result would exceed the limit, naming the limit and the fix', async () => {
    const t = await testApp({ maxResultValues: 100_000 });
    try {
      const text = wideScenario(100, 1_000_000);
      // The document-checking thread loads its code on first use (seconds on a loaded machine): not the refusal's work.
      await t.app.inject({ method: 'POST', url: '/api/scenarios/validate', payload: { text } });
      for (const [url, extra] of [
        ['/api/runs', { trials: 2000 }],
        ['/api/exact', {}],
        ['/api/sweeps', { trials: 10, design: { method: 'grid', vary: [{ name: 'rate', n: 2 }] } }],
      ] as const) {
        const started = performance.now();
        const res = await t.app.inject({ method: 'POST', url, payload: { text, ...extra } });
        expect(res.statusCode, url).toBe(400);
        const body = res.json();
        expect(body.code, url).toBe('result_too_large');
        expect(body.path).toBe('time.dt');
        expect(body.message).toMatch(/100 states × 1000001 time points × 2 series/);
        expect(body.message).toMatch(/limit of 1\.00e\+5/);
        expect(body.issues[0].hint).toMatch(/coarser dt/);
        // Refused before any work: far less than a second, even on a loaded machine (the run would take minutes).
        expect(performance.now() - started).toBeLessThan(5000);
      }
      // Nothing was stored for the refused run.
      expect((await t.app.inject({ method: 'GET', url: '/api/runs' })).json().runs).toEqual([]);
      // A result under the limit runs.
      const small = await t.app.inject({ method: 'POST', url: '/api/runs', payload: { text: wideScenario(10, 100), trials: 10 } });
      expect(small.statusCode).toBe(201);
    } finally {
      await t.close();
    }
  });
});

/** Enough work to keep one thread busy for many seconds, in short chunks. */
const HEAVY = { scenarioId: 'alliance-dilemma', trials: 4_000_000, seed: 1 };

/** Waits until the app's pool has `n` jobs admitted (polling health). */
async function untilActiveJobs(app: TestApp['app'], n: number): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if ((await app.inject({ method: 'GET', url: '/api/health' })).json().pool.activeJobs === n) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`the pool never had ${n} jobs`);
}

/** The latest stored run. */
async function latestRun(app: TestApp['app']) {
  const [run] = (await app.inject({ method: 'GET', url: '/api/runs?limit=1' })).json().runs;
  return (await app.inject({ method: 'GET', url: `/api/runs/${run.id}` })).json();
}

describe('timeouts', () => {
  it('keeps the idle-socket timeout past the job deadline, so the transport never cuts a run the budget allows', async () => {
    const t = await testApp();
    try {
      // The default deadline is 2 minutes; a 60 s socket timeout would cut such a run.
      expect(t.app.server.timeout).toBeGreaterThan(120_000);
      expect(t.app.initialConfig.connectionTimeout).toBe(t.app.server.timeout);
    } finally {
      await t.close();
    }
    const short = await testApp({ pool: { threads: 1, jobDeadlineMs: 500 } });
    try {
      expect(short.app.server.timeout).toBeGreaterThan(500);
    } finally {
      await short.close();
    }
    await expect(testApp({ pool: { threads: 1, jobDeadlineMs: 5000 }, timeouts: { socketMs: 1000 } })).rejects.toThrow(
      /socket timeout \(1000 ms\) must be longer than the job deadline \(5000 ms\)/,
    );
  });

  it('over a real socket, records a client that went away apart from a server-side deadline', async () => {
    const t = await testApp({ pool: { threads: 1, jobDeadlineMs: 800 }, timeouts: { socketMs: 1500 } });
    try {
      const base = await t.app.listen({ port: 0, host: '127.0.0.1' });
      const post = (signal?: AbortSignal) =>
        fetch(`${base}/api/runs`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(HEAVY),
          ...(signal ? { signal } : {}),
        });
      // The server's limit: the client hears a 503 deadline_exceeded (not a hang-up), and the run says so.
      const res = await post();
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ code: 'deadline_exceeded' });
      expect(await latestRun(t.app)).toMatchObject({ status: 'failed', error: { code: 'deadline_exceeded' } });
      // The client going away: recorded as client_gone.
      const controller = new AbortController();
      const gone = post(controller.signal).catch(() => undefined);
      await untilActiveJobs(t.app, 1);
      controller.abort();
      await gone;
      await untilActiveJobs(t.app, 0);
      const run = await latestRun(t.app);
      expect(run).toMatchObject({ status: 'failed', error: { code: 'client_gone' } });
      expect(run.error.message).toMatch(/client closed the connection/);
    } finally {
      await t.close();
    }
  });
});

/** A sweep long enough to still run while a test looks at it (many points of 20,000 trials). */
const LONG_SWEEP = { scenarioId: 'alliance-dilemma', design: { method: 'lhs', samples: 500 }, trials: 20_000, seed: 1 };

/** Polls a job until it is no longer running. */
async function ended(app: TestApp['app'], id: string) {
  for (let i = 0; i < 1000; i++) {
    const job = (await app.inject({ method: 'GET', url: `/api/jobs/${id}` })).json();
    if (job.status !== 'running') return job;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`job ${id} never ended`);
}

describe('job caps and deadlines', () => {
  it('counts sweeps and sensitivity jobs against the per-address cap, beside runs and exact analyses', async () => {
    const t = await testApp({ jobsPerClient: 1, pool: { threads: 1 } });
    try {
      const a = '10.0.0.1';
      const started = await t.app.inject({ method: 'POST', url: '/api/sweeps', payload: LONG_SWEEP, remoteAddress: a });
      expect(started.statusCode).toBe(202);
      for (const [url, payload] of [
        ['/api/sweeps', LONG_SWEEP],
        ['/api/sensitivity', { scenarioId: 'alliance-dilemma', method: 'tornado', trials: 1000 }],
        ['/api/runs', { scenarioId: 'alliance-dilemma', trials: 10 }],
        ['/api/exact', { scenarioId: 'alliance-dilemma' }],
      ] as const) {
        const res = await t.app.inject({ method: 'POST', url, payload, remoteAddress: a });
        expect(res.statusCode, url).toBe(429);
        expect(res.json(), url).toMatchObject({ code: 'too_many_jobs', path: '' });
      }
      // Another address is not held up by it.
      const other = await t.app.inject({
        method: 'POST',
        url: '/api/runs',
        payload: { scenarioId: 'alliance-dilemma', trials: 10 },
        remoteAddress: '10.0.0.2',
      });
      expect(other.statusCode).toBe(201);
      // Once the sweep ends (here: cancelled), its slot is free again.
      const id = started.json().id;
      await t.app.inject({ method: 'DELETE', url: `/api/jobs/${id}` });
      let again = 0;
      for (let i = 0; i < 200 && again !== 201; i++) {
        again = (
          await t.app.inject({
            method: 'POST',
            url: '/api/runs',
            payload: { scenarioId: 'alliance-dilemma', trials: 10 },
            remoteAddress: a,
          })
        ).statusCode;
        if (again !== 201) await new Promise((r) => setTimeout(r, 20));
      }
      expect(again).toBe(201);
    } finally {
      await t.close();
    }
  });

  it('states a sweep job its deadline, and ends it past the deadline with a stored deadline_exceeded', async () => {
    const t = await testApp({ longJobDeadlineMs: 700, pool: { threads: 1 } });
    try {
      const before = Date.now();
      const res = await t.app.inject({ method: 'POST', url: '/api/sweeps', payload: LONG_SWEEP });
      expect(res.statusCode).toBe(202);
      const deadline = Date.parse(res.json().deadline);
      expect(deadline).toBeGreaterThanOrEqual(before + 700);
      expect(deadline).toBeLessThanOrEqual(Date.now() + 700);
      const job = await ended(t.app, res.json().id);
      expect(job).toMatchObject({ status: 'failed', error: { code: 'deadline_exceeded' }, deadline: res.json().deadline });
      expect(job.error.message).toMatch(/deadline of 1 s/);
      expect(job.progress.done).toBeLessThan(job.progress.total);
    } finally {
      await t.close();
    }
  });

  it('ends a job whose deadline passed while the server was down, instead of resuming it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'georisk-api-'));
    const options = { dataDir, rateLimit: false, pressure: false, pool: { threads: 1 }, longJobDeadlineMs: 600 } as const;
    try {
      const first = await buildApp(options);
      const res = await first.inject({ method: 'POST', url: '/api/sweeps', payload: LONG_SWEEP });
      expect(res.statusCode).toBe(202);
      // Closing leaves the job running in the store, to be resumed by the next start.
      await first.close();
      await new Promise((r) => setTimeout(r, 700));
      const second = await buildApp(options);
      try {
        const job = (await second.inject({ method: 'GET', url: `/api/jobs/${res.json().id}` })).json();
        expect(job).toMatchObject({ status: 'failed', error: { code: 'deadline_exceeded' } });
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('fair share', () => {
  it('gives each address an equal share of the threads, however many jobs it runs', async () => {
    const t = await testApp({ pool: { threads: 1 }, jobsPerClient: 2 });
    try {
      // Short points (one chunk each) so the thread changes hands often.
      const sweep = { scenarioId: 'alliance-dilemma', design: { method: 'lhs', samples: 200 }, trials: 2000, seed: 1 };
      const post = (remoteAddress: string) => t.app.inject({ method: 'POST', url: '/api/sweeps', payload: sweep, remoteAddress });
      const ids = [];
      for (const address of ['10.0.0.1', '10.0.0.1', '10.0.0.2']) {
        const res = await post(address);
        expect(res.statusCode).toBe(202);
        ids.push(res.json().id as string);
      }
      const done = async (id: string) => (await t.app.inject({ method: 'GET', url: `/api/jobs/${id}` })).json().progress.done as number;
      let b = 0;
      for (let i = 0; i < 3000 && b < 30; i++) {
        await new Promise((r) => setTimeout(r, 20));
        b = await done(ids[2] as string);
      }
      const a = (await done(ids[0] as string)) + (await done(ids[1] as string));
      expect(b).toBeGreaterThanOrEqual(30);
      // Work done, not time: with a share per job the address with two jobs would have done about 2b;
      // with a share per address about b (a few points of head start and in flight allowed).
      expect(a).toBeLessThanOrEqual(1.3 * b + 4);
      expect(a).toBeGreaterThanOrEqual(0.7 * b - 4);
    } finally {
      await t.close();
    }
  });
});

describe('stored rows and quotas', () => {
  const run = { scenarioId: 'alliance-dilemma', trials: 10 };

  it('refuses a result larger than the largest stored row with 413 row_too_large, recorded on the run', async () => {
    const t = await testApp({ maxRowBytes: 2000 });
    try {
      const res = await t.app.inject({ method: 'POST', url: '/api/runs', payload: run });
      expect(res.statusCode).toBe(413);
      expect(res.json()).toMatchObject({ code: 'row_too_large', path: '' });
      expect(res.json().message).toMatch(/MiB the store keeps in one row/);
      expect(await latestRun(t.app)).toMatchObject({ status: 'failed', result: null, error: { code: 'row_too_large' } });
    } finally {
      await t.close();
    }
  });

  it('caps the runs and scenarios each address stores (429 quota_exceeded), and their bytes (413 storage_quota_exceeded)', async () => {
    const t = await testApp({ quotas: { runs: 2, scenarios: 1 } });
    try {
      const a = { remoteAddress: '10.0.0.1' };
      const post = (url: string, payload: object, from = a) => t.app.inject({ method: 'POST', url, payload, ...from });
      expect((await post('/api/runs', run)).statusCode).toBe(201);
      expect((await post('/api/runs', run)).statusCode).toBe(201);
      const third = await post('/api/runs', run);
      expect(third.statusCode).toBe(429);
      expect(third.json()).toMatchObject({ code: 'quota_exceeded', path: '' });
      expect(third.json().message).toMatch(/stored 2 runs/);
      // Nothing was stored for the refused run; another address is not affected.
      expect((await t.app.inject({ method: 'GET', url: '/api/runs' })).json().runs).toHaveLength(2);
      expect((await post('/api/runs', run, { remoteAddress: '10.0.0.2' })).statusCode).toBe(201);
      const text = 'id: q\ntime: { unit: day, dt: 1, horizon: 3 }\n';
      expect((await post('/api/scenarios', { text })).statusCode).toBe(201);
      // Saving the same content again is no new scenario.
      expect((await post('/api/scenarios', { text })).statusCode).toBe(201);
      const second = await post('/api/scenarios', { text: `${text}title: other\n` });
      expect(second.statusCode).toBe(429);
      expect(second.json()).toMatchObject({ code: 'quota_exceeded' });
    } finally {
      await t.close();
    }
    const small = await testApp({ quotas: { bytes: 50_000 } });
    try {
      // One small run's result is tens of kilobytes: the second passes the quota.
      let status = 201;
      for (let i = 0; i < 10 && status === 201; i++) {
        const res = await small.app.inject({ method: 'POST', url: '/api/runs', payload: run });
        status = res.statusCode;
        if (status !== 201) expect(res.json()).toMatchObject({ code: 'storage_quota_exceeded', path: '' });
      }
      expect(status).toBe(413);
    } finally {
      await small.close();
    }
  });
});

/** A small classroom exercise on the alliance-dilemma teaching scenario, open for a day. */
function exercise() {
  return {
    scenarioId: 'alliance-dilemma',
    title: 'Budget class',
    briefing: 'An ally is attacked.',
    teams: [{ id: 'patron', name: 'Patron' }],
    levers: [{ kind: 'range', id: 'ties', label: 'Ties', team: 'patron', parameter: 'ties_to_attacker', min: 0, max: 1 }],
    questions: [{ kind: 'probability', id: 'war', label: 'War?', metric: 'war_reached' }],
    trials: 2000,
    seed: 11,
    deadline: new Date(Date.now() + 86_400_000).toISOString(),
  };
}

describe('classroom limits', () => {
  it('counts a reveal as one of the teacher address’s jobs (429 too_many_jobs), leaving the exercise unrevealed', async () => {
    const t = await testApp({ jobsPerClient: 1, pool: { threads: 1 } });
    try {
      const teacher = '10.0.0.5';
      const created = await t.app.inject({ method: 'POST', url: '/api/exercises', payload: exercise(), remoteAddress: teacher });
      expect(created.statusCode).toBe(201);
      const { id, teacherToken } = created.json();
      const heavy = t.app.inject({ method: 'POST', url: '/api/runs', payload: HEAVY, remoteAddress: teacher });
      await untilActiveJobs(t.app, 1);
      const headers = { authorization: `Bearer ${teacherToken}` };
      const reveal = await t.app.inject({ method: 'POST', url: `/api/exercises/${id}/reveal`, headers, remoteAddress: teacher });
      expect(reveal.statusCode).toBe(429);
      expect(reveal.json()).toMatchObject({ code: 'too_many_jobs', path: '' });
      expect((await t.app.inject({ method: 'GET', url: `/api/exercises/${id}`, headers })).json().status).not.toBe('revealed');
      await t.app.close();
      await heavy;
    } finally {
      await t.close();
    }
  });

  it('rate-limits exercise creation per address (429 exercise_rate_limited, nothing created)', async () => {
    const t = await testApp({ classroom: { exercisesPerHour: 2 } });
    try {
      const create = (remoteAddress: string) => t.app.inject({ method: 'POST', url: '/api/exercises', payload: exercise(), remoteAddress });
      expect((await create('10.0.0.7')).statusCode).toBe(201);
      expect((await create('10.0.0.7')).statusCode).toBe(201);
      const third = await create('10.0.0.7');
      expect(third.statusCode).toBe(429);
      expect(third.json()).toMatchObject({ code: 'exercise_rate_limited', path: '' });
      expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);
      expect((await create('10.0.0.8')).statusCode).toBe(201);
    } finally {
      await t.close();
    }
  });
});

describe('documented limits', () => {
  it('lists the new error codes in the OpenAPI document, and states a job deadline in the job answers', async () => {
    const t = await testApp();
    try {
      const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
      for (const code of [
        'quota_exceeded',
        'storage_quota_exceeded',
        'row_too_large',
        'exercise_rate_limited',
        'client_gone',
        'deadline_exceeded',
      ]) {
        expect(doc.components.schemas.Error.description).toContain(`\`${code}\``);
      }
      expect(doc.paths['/api/sweeps'].post.responses['202'].description).toMatch(/deadline/);
      expect(doc.paths['/api/sensitivity'].post.responses['202'].description).toMatch(/deadline/);
      expect(doc.paths['/api/runs'].post.description).toMatch(/result_too_large/);
    } finally {
      await t.close();
    }
  });
});
