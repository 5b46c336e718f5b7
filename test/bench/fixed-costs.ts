/**
 * The fixed and serial costs of a parallel run or sweep, measured one by one (issue 19): process
 * start, loading and checking the scenario, a worker thread's start, its model build and its first
 * chunks' JIT warm-up, and the calling thread's share of each chunk (sending the task, reading the
 * summary, merging it) and of the end (finalizing and writing), so that `amdahl.ts` can predict the
 * time on many cores from a machine with few.
 */
import { execFileSync } from 'node:child_process';
import { openSync, writeSync } from 'node:fs';
import { deserialize, serialize } from 'node:v8';
import { loadScenarioFile } from '../../apps/cli/src/load.ts';
import {
  CHUNK_TRIALS,
  type ChunkTask,
  ModelCache,
  modelKey,
  planChunks,
  runChunkTask,
  SWEEP_CHUNK_TRIALS,
} from '../../packages/engine/src/chunks/index.ts';
import {
  buildModel,
  emptySummary,
  finalizeResult,
  formatSweepRow,
  loadScenarioText,
  mergeSummaries,
  planSweep,
  pointOverrides,
  type RunSummary,
  type ScenarioDocument,
  sweepRow,
  withParameterValues,
} from '../../packages/engine/src/index.ts';
import { CLI_ENTRY, requireRuntime, THREAD_ENTRY } from './bench-paths.ts';
import { cpuSeconds, root } from './cli-processes.ts';

/** The part of piscina this file uses (the package is @georisk/node's, not the root's, so its types are not at hand). */
interface Pool {
  run(task: unknown): Promise<unknown>;
  destroy(): Promise<void>;
}
const { Piscina } = requireRuntime('piscina') as {
  Piscina: new (options: { filename: string; minThreads: number; maxThreads: number; execArgv: string[] }) => Pool;
};

/** Seconds, the least of `reps` tries (the least disturbed by other work on the machine). */
function least(reps: number, fn: () => void): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  return best;
}

/** The median of some numbers. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** What one worker thread costs before it computes at full speed, and what its chunks cost after. */
export interface ThreadCosts {
  /** CPU seconds from creating a thread to its first answer (a one-trial chunk of a tiny model); all these are CPU seconds. */
  start: number;
  /** Seconds to build the scenario's model on a fresh thread (cold code). */
  buildCold: number;
  /** Seconds to build it again on a warm thread (what a sweep's per-point value setting is not). */
  buildWarm: number;
  /** Seconds a thread's first chunks take beyond as many steady ones, its model build aside (JIT warm-up). */
  warmUp: number;
  /** Seconds of a steady chunk of `chunkTrials` trials on a worker thread, as the calling thread sees it. */
  chunk: number;
  chunkTrials: number;
}

const TINY = loadScenarioText(`id: bench-tiny
time: { unit: day, dt: 1, horizon: 2 }
parameters: {}
tracks:
  t:
    states: [a, b]
    transitions: [{ from: a, to: b, rate: 0.1 }]
metrics:
  b: { expr: 'ever(t, "b")' }
`).scenario;

function runTask(scenario: ScenarioDocument, firstTrial: number, trials: number, overrides: Record<string, number> = {}): ChunkTask {
  return { kind: 'run', scenario, key: modelKey(scenario, overrides), overrides, seed: 1, chunk: { firstTrial, trials } };
}

/**
 * CPU seconds of this process (every thread) while one task runs on a pool and this thread waits:
 * the thread's work and V8's background compiling for it, unlike wall time untouched by other
 * work on a shared machine.
 */
async function timed(pool: Pool, task: ChunkTask): Promise<number> {
  const c0 = process.cpuUsage();
  await pool.run({ task });
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6;
}

/**
 * Starts fresh threads of the bundled CLI and times: the start, a cold model build, a warm one, and
 * `chunks` chunks of `chunkTrials` trials on each of three threads (the first ones cold). `parameter` is one the scenario
 * lets vary, to force a second build under another key.
 */
export async function threadCosts(
  scenario: ScenarioDocument,
  chunkTrials: number,
  chunks: number,
  parameter: string,
): Promise<ThreadCosts> {
  // No execArgv: this benchmark runs under tsx, which a thread of the bundled CLI never loads.
  const fresh = () => new Piscina({ filename: THREAD_ENTRY, minThreads: 1, maxThreads: 1, execArgv: [] });
  const starts: number[] = [];
  const colds: number[] = [];
  const warms: number[] = [];
  for (let i = 0; i < 3; i++) {
    const c0 = process.cpuUsage();
    const pool = fresh();
    await pool.run({ task: runTask(TINY, 0, 1) });
    const c = process.cpuUsage(c0);
    starts.push((c.user + c.system) / 1e6);
    // One trial: the time is the build (its trial costs microseconds).
    colds.push(await timed(pool, runTask(scenario, 0, 1)));
    warms.push(await timed(pool, runTask(scenario, 0, 1, { [parameter]: 0.5 })));
    await pool.destroy();
  }
  // Three fresh threads, each running `chunks` chunks on one model. A thread's steady chunk is the
  // median of its second half; its warm-up is what its first half took beyond that many steady
  // chunks, the cold build aside (the second chunk still runs some unoptimized code, so counting
  // the first chunk alone understated it). The medians over the threads are the figures.
  const buildCold = median(colds);
  const steadies: number[] = [];
  const warmUps: number[] = [];
  const half = Math.floor(chunks / 2);
  for (let r = 0; r < 3; r++) {
    const pool = fresh();
    const times: number[] = [];
    for (let i = 0; i < chunks; i++) times.push(await timed(pool, runTask(scenario, i * chunkTrials, chunkTrials)));
    await pool.destroy();
    const steady = median(times.slice(half));
    steadies.push(steady);
    warmUps.push(times.slice(0, half).reduce((sum, t) => sum + t - steady, 0) - buildCold);
  }
  return {
    start: median(starts),
    buildCold,
    buildWarm: median(warms),
    warmUp: Math.max(0, median(warmUps)),
    chunk: median(steadies),
    chunkTrials,
  };
}

/** What the calling thread spends per chunk and at the end of a run. */
export interface CallingThreadCosts {
  /** Seconds to send one chunk task (the structured clone's serializing half, on the calling thread). */
  send: number;
  /** Seconds to read one chunk's summary (the deserializing half). */
  receive: number;
  /** Seconds to merge one chunk's summary into the total. */
  merge: number;
  /** Seconds to finalize the merged summary and write the result as JSON. */
  finalizeAndWrite: number;
  /** Bytes of one task and of one chunk summary as they cross threads. */
  taskBytes: number;
  summaryBytes: number;
}

/** Measures the calling thread's costs of a run on this thread, with the engine from source. */
export function callingThreadCosts(scenario: ScenarioDocument): CallingThreadCosts {
  const model = buildModel(scenario);
  const cache = new ModelCache();
  const task = runTask(scenario, 0, 64);
  const outcome = runChunkTask(cache, task);
  if (!('summary' in outcome)) throw new Error('the benchmark scenario failed');
  const summary = outcome.summary;
  const taskBytes = serialize(task);
  const summaryBytes = serialize(summary);
  const reps = 30;
  const send = least(reps, () => serialize(task));
  const receive = least(reps, () => deserialize(summaryBytes));
  const total = emptySummary(model);
  const merge = least(reps, () => mergeSummaries(total, deserialize(summaryBytes) as RunSummary)) - receive;
  const devNull = openSync('/dev/null', 'w');
  const finalizeAndWrite = least(5, () => {
    const result = finalizeResult(model, summary, { seed: 1, overrides: {}, seconds: 1, workers: 1 });
    writeSync(devNull, `${JSON.stringify(result, null, 2)}\n`);
  });
  return { send, receive, merge: Math.max(0, merge), finalizeAndWrite, taskBytes: taskBytes.length, summaryBytes: summaryBytes.length };
}

/** A sweep's own per-point costs: a worker setting the point's values on its model, the calling thread making the row. */
export interface SweepPointCosts {
  /** Seconds for `withParameterValues` on a warm thread (once per point a worker runs a chunk of). */
  setValues: number;
  /** Seconds to make and format one CSV row on the calling thread. */
  row: number;
  /** Seconds to plan the sweep on the calling thread (warm). */
  plan: number;
}

/** Measures a Latin hypercube sweep's per-point costs on this thread. */
export function sweepPointCosts(scenario: ScenarioDocument, samples: number, trials: number): SweepPointCosts {
  const options = { design: { method: 'lhs' as const, samples, vary: [] }, trials, seed: 1 };
  const plan = planSweep(scenario, options);
  const planSeconds = least(3, () => planSweep(scenario, options));
  const base = buildModel(plan.scenario);
  const setValues = least(10, () => withParameterValues(base, pointOverrides(plan, 1)));
  const cache = new ModelCache();
  const outcome = runChunkTask(cache, {
    kind: 'sweep-point',
    scenario: plan.scenario,
    sweep: plan.fingerprint,
    point: 0,
    overrides: pointOverrides(plan, 0),
    seed: 1,
    chunk: { firstTrial: 0, trials: 64 },
  });
  if (!('summary' in outcome)) throw new Error('the benchmark sweep failed');
  const summary = outcome.summary;
  const row = least(10, () => formatSweepRow(plan, sweepRow(plan, 0, summary), 'csv'));
  return { setValues, row, plan: planSeconds };
}

/** Wall and CPU seconds of one CLI command from process start to exit (the least of `reps` each). */
export function processSeconds(args: string[], reps = 3): { wall: number; cpu: number } {
  let wall = Number.POSITIVE_INFINITY;
  let cpu = Number.POSITIVE_INFINITY;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    const c0 = cpuSeconds('self', true);
    execFileSync(process.execPath, [CLI_ENTRY, ...args], { cwd: root, stdio: 'ignore' });
    wall = Math.min(wall, (performance.now() - t0) / 1000);
    cpu = Math.min(cpu, cpuSeconds('self', true) - c0);
  }
  return { wall, cpu };
}

/** The chunk counts of a run and of a sweep, as the engine plans them. */
export function chunkCounts(runTrials: number, sweepPoints: number, sweepTrials: number): { run: number; sweep: number; perPoint: number } {
  const perPoint = planChunks(sweepTrials, SWEEP_CHUNK_TRIALS).length;
  return { run: planChunks(runTrials, CHUNK_TRIALS).length, sweep: sweepPoints * perPoint, perPoint };
}

/** The scenario as the CLI loads it (includes expanded). */
export function loadScenario(file: string): ScenarioDocument {
  return loadScenarioFile(`${root}${file}`).scenario;
}
