/**
 * `pnpm bench:queue`: sweeps on a Redis queue (BullMQ) against the in-process worker pool, through
 * the bundled CLI as a user runs them, with a throwaway redis-server on loopback.
 * 1. Throughput: a grid sweep of the 2022 scenario on the local pool (1 and 2 threads) and on the
 *    queue with 1 and 2 `georisk worker` processes of one thread each (workers started beforehand;
 *    best of three rounds taking turns; every run's rows must be byte-identical).
 * 2. The queue's overhead per chunk: many tiny chunks of a small model, queue vs local, one thread
 *    (best of three each).
 * 3. What that overhead costs at several chunk sizes, for the chunk size the queue uses.
 * Prints a Markdown report (pasted into docs/benchmarks.md, "Sweeps on a queue").
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { QUEUE_CHUNK_TRIALS } from '../../packages/queue/src/index.ts';
import { haveRedis, startRedis } from '../helpers/redis.ts';
import { cli, cpuSeconds, stopAll, workers } from './cli-processes.ts';

const quick = process.argv.includes('--quick');
const SCENARIO = 'scenarios/armenia-azerbaijan-2022.yaml';
const TINY = `id: bench-tiny
time: { unit: day, dt: 1, horizon: 30 }
parameters:
  war_rate: { default: 0.02, range: [0, 0.1] }
tracks:
  conflict:
    states: [clash, war, ceasefire]
    transitions:
      - { from: clash, to: war, rate: war_rate }
      - { from: clash, to: ceasefire, rate: 0.1 }
      - { from: war, to: ceasefire, rate: 0.05 }
metrics:
  war_reached: { expr: 'ever(conflict, "war")' }
`;

const fmt = (x: number) => x.toLocaleString('en-US');
const sha = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 12);

if (!haveRedis()) process.exit(1);
const redis = await startRedis();
const scratch = mkdtempSync(join(tmpdir(), 'georisk-queue-bench-'));
try {
  console.log(
    `Machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; Node ${process.version}; redis-server on loopback; ${new Date().toISOString().slice(0, 10)}.`,
  );
  console.log();
  cli(['validate', SCENARIO]); // builds the bundle if needed

  // 1. Throughput.
  const points = 16;
  const trials = quick ? 4096 : 16_384;
  const grid = [
    'sweep',
    SCENARIO,
    '--vary',
    'war_attempt_rate=0.002:0.008:4',
    '--vary',
    'p_hold_war=0.1:0.5:4',
    '--trials',
    String(trials),
    '--no-progress',
  ];
  // Idle workers wait on Redis without using the CPU, so both groups are started once, up front.
  const groups = [await workers(redis.url(1), 1), await workers(redis.url(2), 2)];
  const configs: { label: string; args: string[] }[] = [
    { label: 'in-process pool, 1 thread', args: ['--workers', '1'] },
    { label: 'in-process pool, 2 threads', args: ['--workers', '2'] },
    { label: 'queue, 1 worker process × 1 thread', args: ['--queue', redis.url(1)] },
    { label: 'queue, 2 worker processes × 1 thread', args: ['--queue', redis.url(2)] },
  ];
  // Best of several rounds, the four taking turns, so that other work on the machine weighs on all alike.
  const rounds = quick ? 1 : 3;
  const runs: { label: string; seconds: number; stdout: string; cpu: number }[] = [];
  const workerPids = groups.flat().map((child) => child.pid!);
  for (let round = 0; round < rounds; round++) {
    configs.forEach((c, i) => {
      // CPU time of the command (coordinator or pool) and of every worker process during it.
      const before = cpuSeconds('self', true) + workerPids.reduce((t, pid) => t + cpuSeconds(pid), 0);
      const r = { label: c.label, ...cli([...grid, ...c.args]), cpu: 0 };
      r.cpu = cpuSeconds('self', true) + workerPids.reduce((t, pid) => t + cpuSeconds(pid), 0) - before;
      const best = runs[i];
      if (best === undefined || r.seconds < best.seconds) runs[i] = r;
    });
  }
  for (const g of groups) await stopAll(g);
  for (const r of runs) if (r.stdout !== runs[0]?.stdout) throw new Error(`${r.label} printed different rows`);
  const base = runs[0]?.seconds ?? 1;
  console.log(`### Throughput: ${points} grid points × ${fmt(trials)} trials of the 2022 scenario (720 hourly steps)`);
  console.log();
  console.log(
    '| run | wall seconds (whole command) | trials/s | vs pool on 1 thread | CPU seconds (all processes) | trials per CPU second | rows (sha256) |',
  );
  console.log('|---|---|---|---|---|---|---|');
  for (const r of runs) {
    console.log(
      `| ${r.label} | ${r.seconds.toFixed(2)} | ${fmt(Math.round((points * trials) / r.seconds))} | ${(base / r.seconds).toFixed(2)}× | ${r.cpu.toFixed(2)} | ${fmt(Math.round((points * trials) / r.cpu))} | ${sha(r.stdout)} |`,
    );
  }
  console.log();

  // 2. Overhead per chunk: one small chunk per point, so the run is mostly queue traffic.
  const tiny = join(scratch, 'tiny.yaml');
  writeFileSync(tiny, TINY);
  const tinyPoints = quick ? 100 : 400;
  const tinyTrials = 256;
  const tinyGrid = ['sweep', tiny, '--vary', `war_rate=0:0.1:${tinyPoints}`, '--trials', String(tinyTrials), '--no-progress'];
  const url = redis.url(5);
  const started = await workers(url, 1);
  let localTiny = cli([...tinyGrid, '--workers', '1']);
  let queuedTiny = cli([...tinyGrid, '--queue', url]);
  for (let round = 1; round < rounds; round++) {
    const a = cli([...tinyGrid, '--workers', '1']);
    const b = cli([...tinyGrid, '--queue', url]);
    if (a.seconds < localTiny.seconds) localTiny = a;
    if (b.seconds < queuedTiny.seconds) queuedTiny = b;
  }
  await stopAll(started);
  if (queuedTiny.stdout !== localTiny.stdout) throw new Error('the queue printed different rows for the small model');
  const overheadMs = ((queuedTiny.seconds - localTiny.seconds) * 1000) / tinyPoints;
  console.log(`### Overhead per chunk: ${tinyPoints} points × ${tinyTrials} trials of a 3-state daily model, one chunk each, one thread`);
  console.log();
  console.log('| run | wall seconds | ms per chunk |');
  console.log('|---|---|---|');
  console.log(`| in-process (1 thread) | ${localTiny.seconds.toFixed(2)} | ${((localTiny.seconds * 1000) / tinyPoints).toFixed(2)} |`);
  console.log(
    `| queue (1 worker × 1 thread) | ${queuedTiny.seconds.toFixed(2)} | ${((queuedTiny.seconds * 1000) / tinyPoints).toFixed(2)} |`,
  );
  console.log();
  console.log(`Overhead of the queue: **${overheadMs.toFixed(2)} ms per chunk** (Redis round trips, encoding and merging).`);
  console.log();

  // 3. The overhead's share of a chunk at several sizes, from the 2022 scenario's cost per trial.
  const msPerTrial = ((runs[0]?.seconds ?? 0) * 1000) / (points * trials);
  const tinyMsPerTrial = (localTiny.seconds * 1000) / (tinyPoints * tinyTrials);
  console.log('### Chunk size: the overhead as a share of a chunk');
  console.log();
  console.log(
    `| trials per chunk | 2022 scenario (${msPerTrial.toFixed(3)} ms/trial) | small daily model (at most ${(tinyMsPerTrial * 1000).toFixed(1)} µs/trial) |`,
  );
  console.log('|---|---|---|');
  for (const size of [1024, 4096, 16_384, 65_536]) {
    const share = (perTrial: number) => `${((100 * overheadMs) / (overheadMs + size * perTrial)).toFixed(2)}%`;
    console.log(`| ${fmt(size)}${size === QUEUE_CHUNK_TRIALS ? ' (chosen)' : ''} | ${share(msPerTrial)} | ${share(tinyMsPerTrial)} |`);
  }
  console.log();
} finally {
  rmSync(scratch, { recursive: true, force: true });
  await redis.stop();
}
