/**
 * Runs a model's trials, or a sweep's points, in chunks on this thread and on worker threads;
 * results never depend on the worker count. The scheduling is the engine's (`scheduleChunks`);
 * this file chooses the threads and keeps them warm between planning and running.
 */
import { availableParallelism } from 'node:os';
import {
  conditionSample,
  type ExactResult,
  finishUpdate,
  type Model,
  mergeSummaries,
  mergeWeights,
  type Observations,
  type Overrides,
  type RunSummary,
  replayTrials,
  resampleTrials,
  runUncertaintyPlan,
  type ScenarioDocument,
  type SweepPlan,
  type TrialWeights,
  type UncertaintyPlan,
  type UncertaintyResult,
  type UpdateResult,
  weighTrials,
} from '@georisk/engine';
import {
  CHUNK_TRIALS,
  type ChunkList,
  type ChunkTask,
  concatChunks,
  type ExactTask,
  evenChunks,
  type Lane,
  ModelCache,
  modelKey,
  runChunkedPoints,
  runChunkedTrials,
  runChunkTask,
  type SweepPointChunkTask,
} from '@georisk/engine/chunks';
import { callingThreadLane, ThreadPool } from '@georisk/node';

export interface ParallelOptions {
  seed: number;
  trials: number;
  workers: number;
  overrides: Overrides;
  stepOnly?: boolean;
  onProgress?: (trialsDone: number) => void;
}

/** The default worker count: every core. */
export function defaultWorkers(): number {
  return availableParallelism();
}

/**
 * Runs below this many trial-steps stay on the calling thread: starting a worker costs about as
 * much as 2 million trial-steps of a typical model, so small runs would only get slower.
 */
export const IN_PROCESS_TRIAL_STEPS = 4_000_000;

/** The threads a run will actually use, the calling thread included (1 means it alone). */
export function threadsFor(model: Model, trials: number, workers: number): number {
  return threadsForSteps(model.steps, trials, workers);
}

/**
 * `threadsFor` from the scenario's step count alone, known before its model is built. The chunk
 * count is counted, not planned: a trial count far over the budget must reach the budget check
 * (which refuses it) without first building a list of its chunks.
 */
export function threadsForSteps(steps: number, trials: number, workers: number): number {
  if (trials * steps < IN_PROCESS_TRIAL_STEPS) return 1;
  return Math.max(1, Math.min(workers, Math.ceil(trials / CHUNK_TRIALS)));
}

/** A scenario's step count, as its model will have it. */
export function stepsOf(scenario: ScenarioDocument): number {
  return Math.round(scenario.time.horizon / scenario.time.dt);
}

/** The threads a sweep will use, the calling thread included (1 means it alone). */
export function threadsForPoints(plan: SweepPlan, workers: number, start = 0): number {
  const tasks = (plan.points.length - start) * plan.chunks.length;
  if ((plan.points.length - start) * plan.trials * stepsOf(plan.scenario) < IN_PROCESS_TRIAL_STEPS) return 1;
  return Math.max(1, Math.min(workers, tasks));
}

/**
 * Tasks handed to each worker thread at once. The calling thread answers finished tasks only
 * between its own chunks (about as long as a worker's), so with two queued a worker could run dry
 * while it waited; with four it never does (measured: 28 of 64 chunks ran on the worker with two
 * queued, 32 of 64 with four).
 */
const QUEUED_PER_WORKER = 4;

function newPool(threads: number): ThreadPool {
  return new ThreadPool({ threads, tasksPerThread: QUEUED_PER_WORKER });
}

/** Worker threads started ahead of need (see `startWorkerThreads`). */
let started: ThreadPool | undefined;

/**
 * Starts the worker threads of `workers` threads in all (this one included) now, so that they
 * load the engine while this thread reads and plans the scenario: a worker thread otherwise
 * joins about 0.25 s late, while this one is already computing. The next run or sweep takes them
 * over; `stopWorkerThreads` ends them if none did. Sweeps call it first thing.
 */
export function startWorkerThreads(workers: number): void {
  if (workers > 1 && started === undefined) started = newPool(workers - 1);
}

/** Ends worker threads started ahead of need that no run took over. */
export async function stopWorkerThreads(): Promise<void> {
  const unused = started;
  started = undefined;
  await unused?.destroy();
}

/** The threads started ahead of need when they are as many as wanted, else new ones. */
function takePool(threads: number): ThreadPool {
  const early = started;
  started = undefined;
  if (early?.threads === threads) return early;
  void early?.destroy();
  return newPool(threads);
}

/**
 * Runs `work` on lanes of `threads` threads in all: the calling thread, which would otherwise sit
 * idle and needs no start-up, and `threads - 1` worker threads, which are stopped afterwards.
 */
async function withLanes<T extends ChunkTask, R>(
  threads: number,
  here: ModelCache,
  work: (lanes: Lane<T, RunSummary>[]) => Promise<R>,
): Promise<R> {
  if (threads <= 1) return work([callingThreadLane<T>(here)]);
  const pool = takePool(threads - 1);
  try {
    return await work([...pool.lanes<T>(QUEUED_PER_WORKER), callingThreadLane<T>(here)]);
  } finally {
    await pool.destroy();
  }
}

/**
 * A run's chunks on `threads` threads: the engine's fixed chunks, except that the last
 * `threads` chunks' worth of trials is cut four times finer, so that the threads finish closer
 * together (the idle tail at the end shrinks from half a chunk to an eighth). Merging is exact,
 * so the result is the same bits as with any other split.
 */
export function tailChunks(trials: number, threads: number): ChunkList {
  if (threads <= 1) return evenChunks(trials);
  const tail = Math.min(trials, threads * CHUNK_TRIALS);
  return concatChunks(evenChunks(trials - tail), evenChunks(tail, CHUNK_TRIALS / 4, trials - tail));
}

/** Runs all trials of a model, on this thread and (for big runs) on worker threads. */
export async function runTrials(model: Model, options: ParallelOptions): Promise<RunSummary> {
  const key = modelKey(model.scenario, options.overrides);
  // This thread compiled the model already; its chunks reuse it.
  const here = new ModelCache();
  here.remember(key, model);
  const threads = threadsFor(model, options.trials, options.workers);
  const run = {
    seed: options.seed,
    trials: options.trials,
    overrides: options.overrides,
    key,
    stepOnly: options.stepOnly === true,
    chunks: tailChunks(options.trials, threads),
  };
  return withLanes(threads, here, (lanes) =>
    runChunkedTrials(model, run, { lanes, ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }) }),
  );
}

export interface PointOptions {
  workers: number;
  /** First point to run (points before it are done already, e.g. when resuming). */
  start?: number;
  /** Called once per point, in point order, with the point's merged summary. */
  onPoint: (index: number, summary: RunSummary) => void;
}

/**
 * Runs the points of a sweep plan as (point, chunk) tasks. Chunks of a point merge exactly, so the
 * summaries, and every row made from them, are the same for any number of workers.
 */
export async function runPoints(plan: SweepPlan, options: PointOptions): Promise<void> {
  const start = options.start ?? 0;
  const threads = threadsForPoints(plan, options.workers, start);
  await withLanes(threads, new ModelCache(), (lanes) =>
    // No task starts far ahead of the next point to emit, so finished points waiting for a slow
    // earlier one stay few and memory stays flat.
    runChunkedPoints(plan, { lanes, start, maxAhead: threads * 8, onPoint: options.onPoint }),
  );
}

/** The threads a two-level run will use, the calling thread included. */
export function threadsForUncertainty(plan: UncertaintyPlan, workers: number): number {
  if (plan.method === 'exact') return Math.max(1, Math.min(workers, plan.draws));
  if (plan.draws * plan.trialsPerDraw * stepsOf(plan.scenario) < IN_PROCESS_TRIAL_STEPS) return 1;
  return Math.max(1, Math.min(workers, plan.draws * plan.chunks.length));
}

/** An exact-solve lane on the calling thread (yielding first, as `callingThreadLane` does). */
function exactCallingThreadLane(cache: ModelCache): Lane<ExactTask, ExactResult> {
  return {
    callingThread: true,
    run: async (task) => {
      await new Promise<void>((go) => setImmediate(go));
      const outcome = runChunkTask(cache, task);
      return 'exact' in outcome ? { summary: outcome.exact } : outcome;
    },
  };
}

/**
 * Runs a two-level run's draws on this thread and worker threads: sampled draws as (draw, chunk)
 * tasks, exact draws one task each. The result is the same for any number of workers.
 */
export async function runUncertaintyOnThreads(
  plan: UncertaintyPlan,
  workers: number,
  onDraw?: (drawsDone: number) => void,
): Promise<UncertaintyResult> {
  const threads = threadsForUncertainty(plan, workers);
  const here = new ModelCache();
  const progress = onDraw === undefined ? {} : { onDraw };
  if (plan.method === 'sample') {
    return withLanes<SweepPointChunkTask, UncertaintyResult>(threads, here, (lanes) => runUncertaintyPlan(plan, { lanes, ...progress }));
  }
  return withExactLanes(threads, here, (exactLanes) => runUncertaintyPlan(plan, { exactLanes, ...progress }));
}

/**
 * Runs `work` on exact-solve lanes of `threads` threads in all: the calling thread and
 * `threads - 1` worker threads, which are stopped afterwards (as `withLanes` for chunks).
 */
export async function withExactLanes<R>(
  threads: number,
  here: ModelCache,
  work: (lanes: Lane<ExactTask, ExactResult>[]) => Promise<R>,
): Promise<R> {
  const exactHere = exactCallingThreadLane(here);
  if (threads <= 1) return work([exactHere]);
  const pool = takePool(threads - 1);
  try {
    const exactLanes: Lane<ExactTask, ExactResult>[] = Array.from({ length: threads - 1 }, () => ({
      capacity: QUEUED_PER_WORKER,
      run: async (task: ExactTask) => {
        const outcome = await pool.run(task);
        return 'exact' in outcome ? { summary: outcome.exact } : outcome;
      },
    }));
    return await work([...exactLanes, exactHere]);
  } finally {
    await pool.destroy();
  }
}

/** What `runUpdate` needs beside the model: the observations (checked, and as text for the threads). */
export interface UpdateRunOptions {
  observed: Observations;
  text: string;
  seed: number;
  trials: number;
  workers: number;
  overrides: Overrides;
}

/**
 * The sampled update on this thread and (for big runs) worker threads: the trials are weighed in
 * one contiguous range per thread, resampled here, and the chosen ones replayed in one piece per
 * thread; the answer is the same bits for any number of threads.
 */
export async function runUpdate(model: Model, options: UpdateRunOptions): Promise<UpdateResult> {
  const { observed, seed, trials, overrides } = options;
  const threads = threadsFor(model, trials, options.workers);
  if (threads <= 1) return conditionSample(model, observed, { trials, seed, overrides });
  const started = performance.now();
  const pool = takePool(threads - 1);
  try {
    const task = { scenario: model.scenario, overrides, observations: options.text, seed };
    const ranges = split(trials, threads);
    // The worker threads' passes are sent first; this thread's own piece runs while they work.
    const weighing = ranges
      .slice(1)
      .map(([first, count]) => pool.runUpdatePass({ ...task, pass: { weigh: { first, count } } }) as Promise<TrialWeights>);
    const [first, count] = ranges[0]!;
    const here = weighTrials(model, observed, { seed, overrides, first, count });
    const weights = mergeWeights([here, ...(await Promise.all(weighing))]);
    const list = resampleTrials(observed, weights, seed);
    const [piece, ...pieces] = split(list.length, threads).map(([from, n]) => list.slice(from, from + n));
    const replaying = pieces.map((p) => pool.runUpdatePass({ ...task, pass: { replay: p } }) as Promise<RunSummary>);
    const mine = replayTrials(model, observed, { seed, overrides, list: piece! });
    const summaries = [mine, ...(await Promise.all(replaying))];
    const summary = summaries.reduce((a, b) => mergeSummaries(a, b));
    return finishUpdate(model, observed, weights, summary, {
      seed,
      overrides,
      seconds: (performance.now() - started) / 1000,
      workers: threads,
    });
  } finally {
    await pool.destroy();
  }
}

/** `n` items in `parts` contiguous [first, count) ranges, the larger ones first. */
function split(n: number, parts: number): [number, number][] {
  const base = Math.floor(n / parts);
  const extra = n % parts;
  let first = 0;
  return Array.from({ length: parts }, (_, i) => {
    const count = base + (i < extra ? 1 : 0);
    const range: [number, number] = [first, count];
    first += count;
    return range;
  });
}
