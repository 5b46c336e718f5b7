/**
 * `pnpm bench:scale --queue`: a sweep on W `georisk worker` processes of one thread each on this
 * machine, against the in-process threads' rows (the same bits), with a throwaway redis-server;
 * and what a worker process costs to start.
 */
import { createHash } from 'node:crypto';
import { haveRedis, startRedis } from '../helpers/redis.ts';
import { cli, cpuSeconds, stopAll, workers } from './cli-processes.ts';

const sha = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 12);

/** Runs `args --queue URL` on 1, 2, … worker processes; prints a Markdown table. */
export async function queueScaling(args: string[], counts: number[], localHash: string): Promise<void> {
  if (!haveRedis()) return;
  const redis = await startRedis();
  try {
    console.log('### The queue: the same sweep on `georisk worker` processes (one thread each) on this machine');
    console.log();
    console.log(
      '| worker processes | worker start (wall, until listening) | wall seconds (coordinator) | speed-up | CPU seconds (all processes) | rows (sha256) |',
    );
    console.log('|---|---|---|---|---|---|');
    let one = 0;
    for (const [i, n] of counts.entries()) {
      const url = redis.url(i + 1);
      const t0 = performance.now();
      const group = await workers(url, n);
      const started = (performance.now() - t0) / 1000;
      const pids = group.map((c) => c.pid as number);
      const before = cpuSeconds('self', true) + pids.reduce((t, pid) => t + cpuSeconds(pid), 0);
      const r = cli([...args, '--queue', url]);
      const cpu = cpuSeconds('self', true) + pids.reduce((t, pid) => t + cpuSeconds(pid), 0) - before;
      await stopAll(group);
      if (n === counts[0]) one = r.seconds;
      const hash = sha(r.stdout);
      if (hash !== localHash) throw new Error(`the queue with ${n} workers printed other rows than the local threads`);
      console.log(
        `| ${n} | ${started.toFixed(2)} s | ${r.seconds.toFixed(2)} | ${(one / r.seconds).toFixed(2)}× | ${cpu.toFixed(2)} | ${hash} |`,
      );
    }
    console.log();
  } finally {
    await redis.stop();
  }
}
