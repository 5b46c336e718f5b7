/**
 * `pnpm bench:queue-band`: the 2022 scenario's uncertainty band (`georisk run --uncertainty 200`)
 * on this machine's threads (1 and 2) and on a Redis queue with 1 and 2 `georisk worker` processes
 * of one thread each, through the bundled CLI, with a throwaway redis-server on loopback. Best of
 * the rounds (the four taking turns), wall and CPU seconds of every process involved; the four
 * outputs must be equal apart from timing. Prints a Markdown table (docs/benchmarks.md, "Issue 15:
 * uncertainty band").
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { haveRedis, startRedis } from '../helpers/redis.ts';
import { cli, cpuSeconds, stopAll, workers } from './cli-processes.ts';

const quick = process.argv.includes('--quick');
const SCENARIO = 'scenarios/armenia-azerbaijan-2022.yaml';
const DRAWS = quick ? 20 : 200;
const BAND = ['run', SCENARIO, '--uncertainty', String(DRAWS), '--format', 'json', '--no-progress'];

/** A run's JSON without its timing (the only part that may differ). */
function withoutTiming(stdout: string): string {
  const { timing: _timing, ...rest } = JSON.parse(stdout) as Record<string, unknown>;
  return JSON.stringify(rest);
}

if (!haveRedis()) process.exit(1);
const redis = await startRedis();
try {
  console.log(
    `Machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; Node ${process.version}; ${new Date().toISOString()}; load average before ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}.`,
  );
  cli(['validate', SCENARIO]); // builds the bundle if needed
  // Idle workers wait on Redis without using the CPU, so both groups are started once, up front.
  const groups = [await workers(redis.url(1), 1), await workers(redis.url(2), 2)];
  const workerPids = groups.flat().map((child) => child.pid as number);
  const configs = [
    { label: 'threads, `--workers 1`', args: ['--workers', '1'] },
    { label: 'threads, `--workers 2`', args: ['--workers', '2'] },
    { label: 'queue, 1 worker process × 1 thread', args: ['--queue', redis.url(1)] },
    { label: 'queue, 2 worker processes × 1 thread', args: ['--queue', redis.url(2)] },
  ];
  const rounds = quick ? 1 : Number(process.env.ROUNDS ?? 3);
  /** Per configuration: the fastest run (wall), and the least CPU with its split between the command and the workers. */
  const best: { seconds: number; engine: number; cpu: number; command: number; workers: number; output: string }[] = [];
  const workerCpu = () => workerPids.reduce((t, pid) => t + cpuSeconds(pid), 0);
  for (let round = 0; round < rounds; round++) {
    configs.forEach((c, i) => {
      const [command0, workers0] = [cpuSeconds('self', true), workerCpu()];
      const r = cli([...BAND, ...c.args]);
      const [command, workersUsed] = [cpuSeconds('self', true) - command0, workerCpu() - workers0];
      const engine = (JSON.parse(r.stdout) as { timing: { seconds: number } }).timing.seconds;
      const previous = best[i];
      const output = withoutTiming(r.stdout);
      if (previous === undefined) {
        best[i] = { seconds: r.seconds, engine, cpu: command + workersUsed, command, workers: workersUsed, output };
        return;
      }
      if (r.seconds < previous.seconds) Object.assign(previous, { seconds: r.seconds, engine });
      if (command + workersUsed < previous.cpu) Object.assign(previous, { cpu: command + workersUsed, command, workers: workersUsed });
      if (output !== previous.output) previous.output = '(differs between rounds)';
    });
  }
  for (const g of groups) await stopAll(g);
  const same = best.every((r) => r.output === best[0]?.output);
  console.log(
    `load average after ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}; ${rounds} rounds; outputs equal apart from timing: ${same}`,
  );
  console.log();
  console.log(
    "| run | wall seconds (whole command, best) | draws' own time (s) | CPU seconds, all processes (least) | of which the command | of which the workers |",
  );
  console.log('|---|---|---|---|---|---|');
  configs.forEach((c, i) => {
    const r = best[i];
    if (r === undefined) return;
    const f = (x: number) => x.toFixed(2);
    console.log(`| ${c.label} | ${f(r.seconds)} | ${f(r.engine)} | ${f(r.cpu)} | ${f(r.command)} | ${f(r.workers)} |`);
  });
  if (!same) process.exitCode = 1;
} finally {
  await redis.stop();
}
