/**
 * API benchmark (`pnpm bench:api`): the real server on a loopback port, loaded by autocannon from
 * this process. Measures requests per second for small runs, then `/api/health` latency while heavy
 * runs keep every worker thread busy (target: p99 under 50 ms), then (on a fresh server with its
 * default limits) the hostile batch of issue 14 beside normal traffic (hostile-batch.ts): health
 * latency, the share of normal requests served and the server's event-loop delay (loop-delay-probe.mjs).
 * Bounded in time (about 30 s, plus BENCH_HOSTILE_SECONDS and what a blocked server takes to answer);
 * traffic stays on loopback. Rate limiting is off for the first two (GEORISK_RATE_LIMIT=off).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli.ts';
import { percentile, runHostileBatch } from './hostile-batch.ts';

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

const HOSTILE_SECONDS = Number(process.env.BENCH_HOSTILE_SECONDS ?? 30);
const probe = join(ROOT, 'test', 'bench', 'loop-delay-probe.mjs');

/**
 * Starts the server on a loopback port with the event-loop probe preloaded; rate limiting off
 * unless `limits` (the hostile batch runs against the default limits). `stderr` gets its lines.
 */
function startServer(
  dir: string,
  limits = false,
  stderr: (line: string) => void = () => {},
): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn(
    process.execPath,
    ['--import', probe, 'apps/api/bin/georisk-server.js', '--host', '127.0.0.1', '--port', '0', '--data', dir],
    { cwd: ROOT, env: { ...process.env, ...(limits ? {} : { GEORISK_RATE_LIMIT: 'off' }) }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let err = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      for (const line of chunk.toString().split('\n')) if (line) stderr(line);
      const m = /georisk server on (http:\/\/127\.0\.0\.1:\d+)/.exec(err);
      if (m) resolve({ child, base: m[1]! });
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${err}`)));
  });
}

/** Stops a server: SIGTERM, then SIGKILL when its event loop is still blocked 30 s later. */
async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const kill = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(kill);
}

const ms = (x: number) => `${x.toFixed(1)} ms`;

async function main(): Promise<void> {
  const { child, base } = await startServer(dataDir);
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
    await stopServer(child);
    rmSync(dataDir, { recursive: true, force: true });
  }
  await hostile();
}

/** The server's event-loop delay since the last call (the probe's SIGUSR2 line), or undefined when it does not answer within `waitMs`. */
function loopDelay(child: ChildProcess, lines: string[], waitMs: number): Promise<{ max: number; p99: number } | undefined> {
  const before = lines.length;
  child.kill('SIGUSR2');
  return new Promise((resolve) => {
    const started = Date.now();
    const poll = setInterval(() => {
      const line = lines.slice(before).find((l) => l.startsWith('loop-delay '));
      if (line || Date.now() - started > waitMs) {
        clearInterval(poll);
        resolve(line ? JSON.parse(line.slice('loop-delay '.length)) : undefined);
      }
    }, 100);
  });
}

/** The hostile batch beside normal traffic, against a fresh server with its default limits (issue 14). */
async function hostile(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'georisk-api-bench-hostile-'));
  const lines: string[] = [];
  const { child, base } = await startServer(dir, true, (line) => lines.push(line));
  try {
    await fetch(`${base}/api/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ scenarioId: 'alliance-dilemma', trials: 1000 }),
    });
    await loopDelay(child, lines, 5000);
    const started = Date.now();
    const r = await runHostileBatch(base, HOSTILE_SECONDS);
    const took = (Date.now() - started) / 1000;
    // A server whose loop is still blocked answers the probe late: wait up to 3 minutes for it.
    const delay = await loopDelay(child, lines, 180_000);
    const served = (xs: { status: number }[]) => xs.filter((x) => x.status >= 200 && x.status < 300).length;
    const normal = r.health.length + r.smallRuns.length;
    const healthMs = r.health.filter((x) => x.status !== 0).map((x) => x.ms);
    console.log(`hostile batch beside normal traffic, ${HOSTILE_SECONDS} s (took ${took.toFixed(0)} s), default limits:`);
    console.log(
      `  /api/health (4 clients, every 50 ms): ${r.health.length} sent, p50 ${ms(percentile(healthMs, 50))}, p99 ${ms(percentile(healthMs, 99))}, ` +
        `max ${ms(Math.max(...healthMs))}, ${served(r.health)} served (2xx)`,
    );
    console.log(`  small runs (4 clients, every 2 s): ${r.smallRuns.length} sent, ${served(r.smallRuns)} served (2xx)`);
    console.log(`  normal requests served: ${((100 * (served(r.health) + served(r.smallRuns))) / Math.max(1, normal)).toFixed(1)}%`);
    console.log(`  event-loop delay: max ${delay ? ms(delay.max) : 'no answer within 3 minutes'}, p99 ${delay ? ms(delay.p99) : '-'}`);
    for (const [name, answers] of Object.entries(r.hostile)) {
      const statuses = new Map<number, number>();
      for (const a of answers) statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
      const shown = [...statuses].map(([s, n]) => `${s === 0 ? 'no answer' : s}×${n}`).join(', ');
      console.log(`  hostile ${name}: ${answers.length} sent (${shown}), slowest ${ms(Math.max(0, ...answers.map((a) => a.ms)))}`);
    }
  } finally {
    await stopServer(child);
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
