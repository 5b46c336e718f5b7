/**
 * The real server on a loopback port: accept work, `kill -9` it, start it again on the same data
 * folder, and find everything it had accepted (finished runs with their results, saved scenarios;
 * a run cut off mid-way is marked failed with a reason).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.ts';
import { SMALL_SCENARIO } from './helpers.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'georisk-restart-'));
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

/** The server as `pnpm start` runs it. */
const SERVER_BIN = ['apps/api/bin/georisk-server.js'];

/** Starts the server (by default `node apps/api/bin/georisk-server.js`) on 127.0.0.1 with a free port; resolves with its base URL. */
function startServer(command = SERVER_BIN, data = dataDir): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn(process.execPath, [...command, '--host', '127.0.0.1', '--port', '0', '--data', data, '--threads', '1'], {
    cwd: ROOT,
    env: { ...process.env, NODE_OPTIONS: '' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${err}`)), 30_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      const m = /georisk server on (http:\/\/127\.0\.0\.1:\d+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve({ child, base: m[1]! });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}: ${err}`));
    });
  });
}

const exited = (child: ChildProcess) => new Promise((resolve) => child.once('exit', resolve));

async function json(base: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${base}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('restart after kill -9', () => {
  it('keeps finished runs and saved scenarios, and marks the interrupted run failed', async () => {
    const first = await startServer();
    const done = await json(first.base, '/api/runs', { scenarioId: 'alliance-dilemma', trials: 300, seed: 4 });
    expect(done.status).toBe(201);
    const doneId = done.body.id as string;
    const saved = await json(first.base, '/api/scenarios', { text: SMALL_SCENARIO });
    expect(saved.status).toBe(201);

    // A long run, cut off by the kill.
    const heavy = json(first.base, '/api/runs', { scenarioId: 'armenia-azerbaijan-2022', trials: 200_000 }).catch(() => undefined);
    let runningId: string | undefined;
    for (let i = 0; i < 500 && runningId === undefined; i++) {
      const runs = (await json(first.base, '/api/runs')).body.runs as { id: string; status: string }[];
      runningId = runs.find((r) => r.status === 'running')?.id;
      if (runningId === undefined) await new Promise((r) => setTimeout(r, 10));
    }
    expect(runningId).toBeDefined();
    first.child.kill('SIGKILL');
    await exited(first.child);
    await heavy;

    const second = await startServer();
    try {
      const run = await json(second.base, `/api/runs/${doneId}`);
      expect(run.status).toBe(200);
      expect(run.body).toMatchObject({
        id: doneId,
        status: 'done',
        result: { receipt: (done.body.result as { receipt: unknown }).receipt },
      });
      const cut = await json(second.base, `/api/runs/${runningId}`);
      expect(cut.body).toMatchObject({ status: 'failed', result: null, error: { code: 'server_restarted' } });
      const scenario = await json(second.base, `/api/scenarios/${saved.body.id}`);
      expect(scenario.body).toMatchObject({ id: saved.body.id, hash: saved.body.hash, text: SMALL_SCENARIO });
      // The restarted server runs new work as before, with the same numbers.
      const again = await json(second.base, '/api/runs', { scenarioId: 'alliance-dilemma', trials: 300, seed: 4 });
      expect((again.body.result as { receipt: unknown }).receipt).toEqual((done.body.result as { receipt: unknown }).receipt);
    } finally {
      second.child.kill('SIGTERM');
      await exited(second.child);
    }
  });

  it('cancels a run when its client goes away, and records why', async () => {
    const server = await startServer();
    try {
      const controller = new AbortController();
      const request = fetch(`${server.base}/api/runs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ scenarioId: 'armenia-azerbaijan-2022', trials: 200_000, seed: 8 }),
        signal: controller.signal,
      }).catch(() => undefined);
      let health = (await json(server.base, '/api/health')).body as { pool: { activeJobs: number } };
      for (let i = 0; i < 500 && health.pool.activeJobs === 0; i++) {
        await new Promise((r) => setTimeout(r, 10));
        health = (await json(server.base, '/api/health')).body as { pool: { activeJobs: number } };
      }
      expect(health.pool.activeJobs).toBe(1);
      controller.abort();
      await request;
      for (let i = 0; i < 500 && health.pool.activeJobs !== 0; i++) {
        await new Promise((r) => setTimeout(r, 10));
        health = (await json(server.base, '/api/health')).body as { pool: { activeJobs: number } };
      }
      expect(health.pool.activeJobs).toBe(0);
      const runs = (await json(server.base, '/api/runs?limit=1')).body.runs as { id: string }[];
      const run = await json(server.base, `/api/runs/${runs[0]?.id}`);
      expect(run.body).toMatchObject({ status: 'failed', error: { code: 'client_gone' }, request: { seed: 8 } });
    } finally {
      server.child.kill('SIGTERM');
      await exited(server.child);
    }
  });

  it('resumes a sweep job killed with kill -9, keeping the rows it had committed', async () => {
    const data = join(dataDir, 'sweep');
    const body = { scenarioId: 'alliance-dilemma', design: { method: 'lhs', samples: 24 }, trials: 2000, seed: 3 };
    const first = await startServer(SERVER_BIN, data);
    const started = await json(first.base, '/api/sweeps', body);
    expect(started.status).toBe(202);
    const id = started.body.id as string;
    let done = 0;
    for (let i = 0; i < 1000 && done < 2; i++) {
      done = ((await json(first.base, `/api/jobs/${id}`)).body.progress as { done: number }).done;
      if (done < 2) await new Promise((r) => setTimeout(r, 10));
    }
    first.child.kill('SIGKILL');
    await exited(first.child);
    const second = await startServer(SERVER_BIN, data);
    try {
      let job = (await json(second.base, `/api/jobs/${id}`)).body;
      expect((job.progress as { done: number }).done).toBeGreaterThanOrEqual(2);
      for (let i = 0; i < 2000 && job.status === 'running'; i++) {
        await new Promise((r) => setTimeout(r, 10));
        job = (await json(second.base, `/api/jobs/${id}`)).body;
      }
      expect(job).toMatchObject({ status: 'done', progress: { done: 24, total: 24 } });
      const fresh = await json(second.base, '/api/sweeps', body);
      let again = (await json(second.base, `/api/jobs/${fresh.body.id}`)).body;
      for (let i = 0; i < 2000 && again.status === 'running'; i++) {
        await new Promise((r) => setTimeout(r, 10));
        again = (await json(second.base, `/api/jobs/${fresh.body.id}`)).body;
      }
      expect(again.rows).toEqual(job.rows);
    } finally {
      second.child.kill('SIGTERM');
      await exited(second.child);
    }
  });

  it('starts the same server with georisk serve, which stops cleanly on SIGTERM', async () => {
    const data = join(dataDir, 'serve');
    const server = await startServer(['apps/cli/bin/georisk.js', 'serve'], data);
    const health = await json(server.base, '/api/health');
    expect(health.body).toMatchObject({ status: 'ok', pool: { threads: 1 } });
    // The web app when it is built, else a page pointing to the API: HTML either way.
    const index = await fetch(`${server.base}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toContain('text/html');
    server.child.kill('SIGTERM');
    const code = await exited(server.child);
    expect(code).toBe(0);
  });
});
