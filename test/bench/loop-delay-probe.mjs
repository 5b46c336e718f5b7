// Preloaded into the benchmarked server (node --import): measures its event-loop delay, and on SIGUSR2
// writes one line "loop-delay {max, p99, mean}" (milliseconds) to stderr and starts measuring afresh.
import { monitorEventLoopDelay } from 'node:perf_hooks';

const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();
process.on('SIGUSR2', () => {
  const ms = (ns) => Math.round(ns / 1e4) / 100;
  process.stderr.write(`loop-delay ${JSON.stringify({ max: ms(delay.max), p99: ms(delay.percentile(99)), mean: ms(delay.mean) })}\n`);
  delay.reset();
});
