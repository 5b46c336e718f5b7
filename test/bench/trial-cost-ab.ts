/**
 * The steady cost of one trial on one core, tree against tree, as users run the engine: each tree's
 * engine bundled by esbuild and run in a process of its own (one engine a process, as the CLI, the
 * server and a worker thread run it), the trees' processes taken in turn over many rounds. A process
 * builds the scenario's model, runs warm-up chunks of 4,096 trials (a worker's JIT warm-up), then
 * timed chunks on the same model, and reports its median chunk; each round's ratio is the
 * baseline's median chunk over the tree's.
 *
 * Why not both engines in one process (engine-ab.ts): two bundled engines in one V8 isolate slow
 * each other unevenly (measured on the 2022 scenario: the newer engine's trial 15.6 µs alone,
 * 16.6–17.0 µs beside 6ebe789's, which stays at 32.6–32.9 µs), so that ratio describes the
 * harness, not the engine. Processes in turn see the host's load move between rounds instead: the
 * median of the rounds' ratios, with a bootstrap 95% interval over the rounds, is the figure, and
 * the interval is its noise floor.
 *
 * Usage: `node --import tsx test/bench/trial-cost-ab.ts TREE,TREE[,...] [scenario] [rounds]`
 * (each tree a checkout with its dependencies installed; the first is the baseline; the scenario's
 * modules resolve beside it; default the 2022 scenario and 12 rounds).
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import seedrandom from 'seedrandom';
import { bundleEngineRunner, root } from './bench-paths.ts';
import { median } from './fixed-costs.ts';

const [treesArg = '', scenarioArg = 'scenarios/armenia-azerbaijan-2022.yaml', roundsArg = '12'] = process.argv.slice(2);
const trees = treesArg.split(',').filter((t) => t !== '');
const rounds = Number(roundsArg);
if (trees.length < 2 || !(rounds >= 2)) {
  console.error('usage: node --import tsx test/bench/trial-cost-ab.ts BASELINE_TREE,TREE[,...] [scenario] [rounds >= 2]');
  process.exit(2);
}
const scenario = resolve(root, scenarioArg);
const CHUNK = 4096;
const WARM_CHUNKS = 6;
const TIMED_CHUNKS = 18;

/** A runner with tree `tree`'s engine: `node runner.mjs FILE` prints the µs a trial of each timed chunk took, as JSON. */
function runnerOf(tree: string): string {
  return bundleEngineRunner(
    tree,
    `const model = engine.buildModel(scenario, {});
const perTrial: number[] = [];
for (let c = 0; c < ${WARM_CHUNKS + TIMED_CHUNKS}; c++) {
  const t0 = performance.now();
  engine.simulate(model, { seed: 1, firstTrial: c * ${CHUNK}, trials: ${CHUNK} });
  if (c >= ${WARM_CHUNKS}) perTrial.push(((performance.now() - t0) * 1000) / ${CHUNK});
}
console.log(JSON.stringify(perTrial));`,
  );
}

/** A 95% percentile-bootstrap interval of the median of `xs` (2,000 resamples, a fixed seed). */
function bootstrapMedian(xs: readonly number[]): [number, number] {
  const rng = seedrandom('trial-cost-ab');
  const medians: number[] = [];
  for (let b = 0; b < 2000; b++) medians.push(median(xs.map(() => xs[Math.floor(rng() * xs.length)] as number)));
  medians.sort((a, b) => a - b);
  return [medians[49] as number, medians[1949] as number];
}

const runners = trees.map(runnerOf);
const chunkMedians = trees.map((): number[] => []);
for (let r = 0; r < rounds; r++) {
  for (let j = 0; j < trees.length; j++) {
    // Rotated each round, so that no tree always follows the same one.
    const k = (j + r) % trees.length;
    const out = execFileSync(process.execPath, [runners[k] as string, scenario], { encoding: 'utf8' });
    chunkMedians[k]?.push(median(JSON.parse(out) as number[]));
  }
}

console.log(
  `Steady µs a trial of ${scenarioArg}: each tree's bundled engine in its own process, ${rounds} rounds in turn; a process's figure is the median of ${TIMED_CHUNKS} chunks of ${CHUNK.toLocaleString('en-US')} trials after ${WARM_CHUNKS} warm-up chunks.`,
);
console.log(
  '| tree | median process | fastest process | baseline ÷ tree, median of rounds (95% bootstrap interval) | slowest and fastest round |',
);
console.log('|---|---|---|---|---|');
const base = chunkMedians[0] as number[];
trees.forEach((tree, k) => {
  const mine = chunkMedians[k] as number[];
  const ratios = mine.map((x, r) => (base[r] as number) / x);
  const [lo, hi] = bootstrapMedian(ratios);
  console.log(
    `| ${tree} | ${median(mine).toFixed(2)} | ${Math.min(...mine).toFixed(2)} | ${k === 0 ? '1' : `**${median(ratios).toFixed(3)}×** (${lo.toFixed(3)}–${hi.toFixed(3)})`} | ${k === 0 ? '' : `${Math.min(...ratios).toFixed(3)}× – ${Math.max(...ratios).toFixed(3)}×`} |`,
  );
});
