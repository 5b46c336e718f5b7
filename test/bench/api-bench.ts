/**
 * API benchmark (`pnpm bench:api`): the real server on a loopback port, loaded by autocannon from
 * this process. Measures requests per second for small runs, then `/api/health` latency while heavy
 * runs keep every worker thread busy (target: p99 under 50 ms). Bounded in time (about 30 s);
 * traffic goes to 127.0.0.1 only. Rate limiting is off for the measurement (GEORISK_RATE_LIMIT=off).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli.ts';

interface Histogram {
  average: number;
  p50: number;
  p97_5: number;
  p99: number;
  max: number;
}
interface AutocannonResult {
  requests: Histogram & { total: number };
  latency: Histogram;
  errors: number;
  timeouts: number;
  non2xx: number;
  duration: number;
}
type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const dataDir = mkdtempSync(join(tmpdir(), 'georisk-api-bench-'));

function startServer(): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn(process.execPath, ['apps/api/bin/georisk-server.js', '--host', '127.0.0.1', '--port', '0', '--data', dataDir], {
    cwd: ROOT,
    env: { ...process.env, GEORISK_RATE_LIMIT: 'off' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let err = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      const m = /georisk server on (http:\/\/127\.0\.0\.1:\d+)/.exec(err);
      if (m) resolve({ child, base: m[1]! });
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${err}`)));
  });
}

const ms = (x: number) => `${x.toFixed(1)} ms`;

async function main(): Promise<void> {
  const { child, base } = await startServer();
  try {
    const health = (await (await fetch(`${base}/api/health`)).json()) as { pool: { threads: number; maxJobs: number } };
    console.log(`server ${base}, ${availableParallelism()} cores, ${health.pool.threads} worker thread(s), Node ${process.version}`);

    // Warm up the worker (first task loads the engine).
    await fetch(`${base}/api/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ scenarioId: 'alliance-dilemma', trials: 1000 }),
    });

    const small = await autocannon({
      url: `${base}/api/runs`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ scenarioId: 'alliance-dilemma', trials: 1000, seed: 1 }),
      connections: health.pool.maxJobs,
      duration: SECONDS,
    });
    console.log(
      `small runs (alliance-dilemma, 1,000 trials × 120 steps), ${health.pool.maxJobs} connections, ${SECONDS} s: ` +
        `${small.requests.average.toFixed(1)} req/s, latency p50 ${ms(small.latency.p50)}, p99 ${ms(small.latency.p99)}, ` +
        `non-2xx ${small.non2xx}, errors ${small.errors}`,
    );

    // Saturate the pool with heavy runs, then measure health.
    const controllers = Array.from({ length: health.pool.threads * 2 }, () => new AbortController());
    const heavy = controllers.map((c, i) =>
      fetch(`${base}/api/runs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ scenarioId: 'armenia-azerbaijan-2022', trials: 1_000_000, seed: i + 1 }),
        signal: c.signal,
      }).catch(() => undefined),
    );
    await new Promise((r) => setTimeout(r, 1000));
    const during = (await (await fetch(`${base}/api/health`)).json()) as { pool: { activeJobs: number } };
    const h = await autocannon({ url: `${base}/api/health`, connections: 10, duration: SECONDS });
    console.log(
      `/api/health while ${during.pool.activeJobs} heavy runs (armenia-azerbaijan-2022, 1,000,000 trials × 720 steps) keep the pool busy, ` +
        `10 connections, ${SECONDS} s: ${h.requests.average.toFixed(0)} req/s, latency p50 ${ms(h.latency.p50)}, ` +
        `p97.5 ${ms(h.latency.p97_5)}, p99 ${ms(h.latency.p99)}, max ${ms(h.latency.max)}, non-2xx ${h.non2xx}, errors ${h.errors}`,
    );
    for (const c of controllers) c.abort();
    await Promise.all(heavy);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
