/** Sweep jobs: rows equal `georisk sweep --format jsonl`, DELETE cancels, a stopped server resumes from the stored rows. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../apps/api/src/app.ts';
import { loadScenarioText, sensitivity } from '../../packages/engine/src/index.ts';
import { runCli } from '../helpers/cli.ts';
import { SMALL_SCENARIO, type TestApp, testApp } from './helpers.ts';

let t: TestApp;
let dir: string;
beforeAll(async () => {
  t = await testApp({ pool: { threads: 2 } });
  dir = mkdtempSync(join(tmpdir(), 'georisk-jobs-'));
});
afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

type App = Awaited<ReturnType<typeof buildApp>>;

/** Polls a job until it is no longer running. */
async function finished(app: App, id: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 2000; i++) {
    const job = (await app.inject({ method: 'GET', url: `/api/jobs/${id}` })).json();
    if (job.status !== 'running') return job;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('job did not finish');
}

async function cliRows(file: string, args: string[]): Promise<unknown[]> {
  const res = await runCli(['sweep', file, '--format', 'jsonl', '--no-progress', ...args]);
  expect(res.stderr).toBe('');
  return res.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
}

describe('sweep jobs', () => {
  it('runs a grid in the background; its rows equal georisk sweep --format jsonl', async () => {
    const file = join(dir, 'small.yaml');
    writeFileSync(file, SMALL_SCENARIO);
    const body = {
      text: SMALL_SCENARIO,
      design: { method: 'grid', vary: [{ name: 'war_rate', lo: 0, hi: 0.2, n: 5 }] },
      trials: 3000,
      seed: 2,
    };
    const res = await t.app.inject({ method: 'POST', url: '/api/sweeps', payload: body });
    expect(res.statusCode).toBe(202);
    const { id, columns, progress } = res.json();
    expect(res.headers.location).toBe(`/api/jobs/${id}`);
    expect(progress).toEqual({ done: 0, total: 5 });
    expect(columns.slice(0, 3)).toEqual(['point', 'war_rate', 'war_reached.mean']);
    const [job, cli] = await Promise.all([
      finished(t.app, id),
      cliRows(file, ['--vary', 'war_rate=0:0.2:5', '--trials', '3000', '--seed', '2']),
    ]);
    expect(job).toMatchObject({ status: 'done', progress: { done: 5, total: 5 }, error: null });
    expect(job.rows).toEqual(cli);
  });

  it('runs a sensitivity analysis as a job; its result equals georisk sensitivity --format json', async () => {
    const file = join(dir, 'sens.yaml');
    writeFileSync(file, SMALL_SCENARIO);
    const body = { text: SMALL_SCENARIO, method: 'morris', samples: 4, trials: 500, seed: 7, resamples: 50 };
    const res = await t.app.inject({ method: 'POST', url: '/api/sensitivity', payload: body });
    expect(res.statusCode).toBe(202);
    const cli = runCli([
      'sensitivity',
      file,
      '--method',
      'morris',
      '--samples',
      '4',
      '--trials',
      '500',
      '--seed',
      '7',
      '--resamples',
      '50',
      '--format',
      'json',
      '--no-progress',
    ]);
    const job = await finished(t.app, res.json().id);
    expect(job).toMatchObject({ kind: 'sensitivity', status: 'done', error: null });
    const out = await cli;
    expect(out.status).toBe(0);
    const { timing: _timing, ...expected } = JSON.parse(out.stdout);
    expect(job.result).toEqual(expected);
  });

  it("screens a Sobol' job over more parameters than one design holds by Morris first; its result equals the library's", async () => {
    // 24 parameters (a Markov chain: the exact solver), three of which matter.
    const params = Array.from({ length: 24 }, (_, i) => `  x${i + 1}: { default: 0.5, range: [0, 1] }`).join('\n');
    const text = `id: many-params
time: { unit: day, dt: 1, horizon: 1 }
parameters:
${params}
tracks:
  track:
    states: [a, b]
    transitions:
      - { from: a, to: b, rate: 0 }
metrics:
  y: { expr: '10 * x1 + 5 * x2 + x3 * x4' }
`;
    const options = { method: 'sobol', samples: 64, seed: 5 } as const;
    const res = await t.app.inject({ method: 'POST', url: '/api/sensitivity', payload: { text, ...options } });
    expect(res.statusCode).toBe(202);
    const job = await finished(t.app, res.json().id);
    expect(job).toMatchObject({ kind: 'sensitivity', status: 'done', error: null });
    const expected = sensitivity(loadScenarioText(text).scenario, options);
    expect(expected.screening?.kept.slice(0, 2)).toEqual(['x1', 'x2']);
    expect(job.result).toEqual(JSON.parse(JSON.stringify(expected)));
    // Both stages' points are counted: the screen's and the Sobol' design's over the leaders.
    expect(job.progress).toEqual({ done: expected.modelRuns, total: expected.modelRuns });
  });

  it('streams progress as server-sent events until the job ends', async () => {
    const body = { text: SMALL_SCENARIO, design: { method: 'grid', vary: [{ name: 'war_rate', n: 4 }] }, trials: 2000 };
    const { id } = (await t.app.inject({ method: 'POST', url: '/api/sweeps', payload: body })).json();
    const res = await t.app.inject({ method: 'GET', url: `/api/jobs/${id}/events` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    const events = res.body
      .trim()
      .split('\n\n')
      .map((block) => {
        const [event, data] = block.split('\n');
        return { event: event?.replace('event: ', ''), data: JSON.parse(data?.replace('data: ', '') ?? 'null') };
      });
    const progress = events.filter((e) => e.event === 'progress').map((e) => e.data.progress.done);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(events.at(-1)).toEqual({ event: 'end', data: { status: 'done', progress: { done: 4, total: 4 }, error: null } });
    expect((await t.app.inject({ method: 'GET', url: '/api/jobs/nope/events' })).statusCode).toBe(404);
  });

  it('cancels with DELETE and keeps the rows finished so far', async () => {
    const body = { scenarioId: 'alliance-dilemma', design: { method: 'lhs', samples: 500 }, trials: 4000 };
    const { id } = (await t.app.inject({ method: 'POST', url: '/api/sweeps', payload: body })).json();
    const del = await t.app.inject({ method: 'DELETE', url: `/api/jobs/${id}` });
    expect(del.statusCode).toBe(200);
    expect(del.json().status).toBe('cancelled');
    const job = await finished(t.app, id);
    expect(job).toMatchObject({ status: 'cancelled', error: { code: 'cancelled' } });
    expect((job.progress as { done: number }).done).toBeLessThan(500);
    for (let i = 0; i < 200; i++) {
      if ((await t.app.inject({ method: 'GET', url: '/api/health' })).json().pool.activeJobs === 0) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    expect((await t.app.inject({ method: 'GET', url: '/api/health' })).json().pool.activeJobs).toBe(0);
  });

  it('resumes a job after the server stops, keeping the stored rows, with the same rows as an uninterrupted sweep', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'georisk-resume-'));
    try {
      // 5,000 trials a point, so the 30 points left after the second cannot all finish between the
      // poll that sees it and the close (with 1,000 they did once, on a loaded machine).
      const body = { text: SMALL_SCENARIO, design: { method: 'sobol', samples: 32 }, trials: 5000, seed: 5 };
      const first = await buildApp({ dataDir, rateLimit: false, pool: { threads: 1 } });
      const { id } = (await first.inject({ method: 'POST', url: '/api/sweeps', payload: body })).json();
      let done = 0;
      for (let i = 0; i < 2000 && done < 2; i++) {
        done = (await first.inject({ method: 'GET', url: `/api/jobs/${id}` })).json().progress.done;
        await new Promise((r) => setTimeout(r, 5));
      }
      expect(done).toBeGreaterThanOrEqual(2);
      await first.close();
      const second = await buildApp({ dataDir, rateLimit: false, pool: { threads: 1 } });
      try {
        const stopped = (await second.inject({ method: 'GET', url: `/api/jobs/${id}` })).json();
        expect(stopped.status).toBe('running');
        expect(stopped.progress.done).toBeLessThan(32);
        const job = await finished(second, id);
        expect(job).toMatchObject({ status: 'done', progress: { done: 32, total: 32 } });
        // An uninterrupted sweep of the same request gives the same rows.
        const again = (await second.inject({ method: 'POST', url: '/api/sweeps', payload: body })).json();
        expect((await finished(second, again.id)).rows).toEqual(job.rows);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses bad sweeps with 400 and unknown jobs with 404', async () => {
    const post = (payload: object) => t.app.inject({ method: 'POST', url: '/api/sweeps', payload });
    const unknown = await post({ text: SMALL_SCENARIO, design: { method: 'grid', vary: [{ name: 'war_rte', n: 3 }] } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ code: 'bad_override', message: expect.stringContaining('war_rte') });
    const huge = await post({
      text: SMALL_SCENARIO,
      design: {
        method: 'grid',
        vary: [
          { name: 'war_rate', n: 1000 },
          { name: 'war_rate', n: 1000 },
        ],
      },
    });
    expect(huge.json()).toMatchObject({ code: 'invalid_request', path: 'design.vary' });
    const costly = await post({ scenarioId: 'armenia-azerbaijan-2022', design: { method: 'lhs', samples: 10_000 }, trials: 100_000 });
    expect(costly.statusCode).toBe(400);
    expect(costly.json()).toMatchObject({ code: 'budget_exceeded', path: 'trials' });
    expect((await t.app.inject({ method: 'GET', url: '/api/jobs/nope' })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'DELETE', url: '/api/jobs/nope' })).statusCode).toBe(404);
  });
});
