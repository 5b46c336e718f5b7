/**
 * Compares the engines of several trees by the machine instructions one trial costs, counted by
 * valgrind, where this host's timings move by 20–60% from run to run. Each tree's engine is bundled
 * by esbuild (as users run it) and run under `valgrind --tool=callgrind` with V8 made deterministic
 * (`--predictable --random-seed=1 --hash-seed=1`: one thread, no concurrent compilation), twice, at
 * two trial counts; the difference over the extra trials is the cost of one steady trial, without
 * start-up and compilation. Runs of one bundle agree to about 0.01%; two different engines can
 * differ by a few per cent in how V8 lays out the same code, so read small differences with care.
 * Instructions are not time (cache misses and stalls are not counted): a change is faster only
 * where timings agree, and the counts say where to look.
 * With `--first-chunk` it also counts a thread's first chunk: the model built, then one 4,096-trial
 * chunk run on it (as a worker runs its first), less the model built alone. That chunk carries the
 * thread's JIT warm-up (under `--predictable` V8 compiles on the one thread, so the count includes
 * the optimizing compiler's work), which issue 19's 16-thread prediction charges to every thread;
 * "beyond steady" subtracts 4,096 steady trials.
 * Usage: `node --import tsx test/bench/instructions-ab.ts TREE[,TREE...] [scenario] [fewer,more] [--first-chunk]`
 * (each tree a checkout with its dependencies installed; the first is the baseline of the ratios;
 * the scenario's modules resolve beside it). Needs /usr/bin/valgrind (Debian's `valgrind`).
 */
import { execFile, execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { bundleEngineRunner, root } from './bench-paths.ts';

const firstChunk = process.argv.includes('--first-chunk');
const [treesArg = '', scenarioArg = 'scenarios/armenia-azerbaijan-2022.yaml', countsArg = '2000,8000'] = process.argv
  .slice(2)
  .filter((a) => a !== '--first-chunk');
/** The trials of a sweep's chunk and of a run's last chunks (`SWEEP_CHUNK_TRIALS`, `tailChunks`), and of warmup-chunks.ts' chunks. */
const CHUNK = 4096;
const trees = treesArg.split(',').filter((t) => t !== '');
if (trees.length === 0) {
  console.error('usage: node --import tsx test/bench/instructions-ab.ts TREE[,TREE...] [scenario] [fewer,more]');
  process.exit(2);
}
const scenario = resolve(root, scenarioArg);
const [fewer, more] = countsArg.split(',').map(Number) as [number, number];
if (!(fewer > 0 && more > fewer)) throw new Error(`trial counts must be two increasing numbers, got ${countsArg}`);
execFileSync('valgrind', ['--version'], { stdio: 'ignore' });

/**
 * A runner bundled with tree `tree`'s engine: `node runner.mjs FILE TRIALS` runs TRIALS trials of
 * FILE; `node runner.mjs FILE TRIALS chunk` builds its model and runs TRIALS trials (0: none) as one
 * chunk, as a worker does.
 */
function runnerOf(tree: string): string {
  return bundleEngineRunner(
    tree,
    `const [trials, mode] = args;
if (mode === 'chunk') {
  const model = engine.buildModel(scenario, {});
  if (Number(trials) > 0) engine.simulate(model, { seed: 7, firstTrial: 0, trials: Number(trials) });
} else engine.runScenario(scenario, { trials: Number(trials), seed: 7 });`,
  );
}

const run = promisify(execFile);

/** Instructions of one run of `runner` over `trials` trials. */
async function instructions(runner: string, trials: number, mode?: 'chunk'): Promise<number> {
  const args = ['--tool=callgrind', '--callgrind-out-file=/dev/null'];
  const v8 = ['--predictable', '--random-seed=1', '--hash-seed=1'];
  const { stderr } = await run('valgrind', [...args, process.execPath, ...v8, runner, scenario, String(trials), ...(mode ? [mode] : [])], {
    maxBuffer: 1 << 24,
  });
  const collected = /Collected\s*:\s*(\d+)/.exec(stderr)?.[1];
  if (collected === undefined) throw new Error(`valgrind printed no instruction count:\n${stderr.slice(-2000)}`);
  return Number(collected);
}

console.log(`Instructions per steady trial of ${scenarioArg} (valgrind, (I(${more}) − I(${fewer})) ÷ ${more - fewer})`);
if (firstChunk) {
  console.log(`and of a thread's first ${CHUNK.toLocaleString('en-US')}-trial chunk, warm-up included (I(model, chunk) − I(model))`);
  console.log('| tree | instructions per trial | baseline ÷ tree | first chunk | beyond steady |\n|---|---|---|---|---|');
} else console.log('| tree | instructions per trial | baseline ÷ tree |\n|---|---|---|');
let baseline = 0;
const millions = (n: number) => `${(n / 1e6).toLocaleString('en-US', { maximumFractionDigits: 1, minimumFractionDigits: 1 })} M`;
for (const tree of trees) {
  const runner = runnerOf(tree);
  // The two counts run side by side (valgrind uses one core).
  const [a, b] = await Promise.all([instructions(runner, fewer), instructions(runner, more)]);
  const perTrial = (b - a) / (more - fewer);
  if (baseline === 0) baseline = perTrial;
  const row = `| ${tree} | ${Math.round(perTrial).toLocaleString('en-US')} | ${(baseline / perTrial).toFixed(3)}× |`;
  if (!firstChunk) {
    console.log(row);
    continue;
  }
  const [built, chunk] = await Promise.all([instructions(runner, 0, 'chunk'), instructions(runner, CHUNK, 'chunk')]);
  console.log(`${row} ${millions(chunk - built)} | ${millions(chunk - built - CHUNK * perTrial)} |`);
}
