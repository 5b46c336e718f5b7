/**
 * Runs a model's trials, or a sweep's points, in chunks on this thread and on worker threads;
 * results never depend on the worker count. The scheduling is the engine's (`scheduleChunks`);
 * this file chooses the threads and keeps them warm between planning and running.
 */
import { availableParallelism } from 'node:os';
import {
  type ExactResult,
  type Model,
  type Overrides,
  type RunSummary,
  runUncertaintyPlan,
  type SweepPlan,
  type UncertaintyPlan,
  type UncertaintyResult,
} from '@georisk/engine';
import {
  type ChunkTask,
  type ExactTask,
  type Lane,
  ModelCache,
  modelKey,
  planChunks,
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
  if (trials * model.steps < IN_PROCESS_TRIAL_STEPS) return 1;
  return Math.max(1, Math.min(workers, planChunks(trials).length));
}

/** The threads a sweep will use, the calling thread included (1 means it alone). */
export function threadsForPoints(plan: SweepPlan, workers: number, start = 0): number {
  const tasks = (plan.points.length - start) * plan.chunks.length;
  const steps = Math.round(plan.scenario.time.horizon / plan.scenario.time.dt);
  if ((plan.points.length - start) * plan.trials * steps < IN_PROCESS_TRIAL_STEPS) return 1;
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

/** Runs all trials of a model, on this thread and (for big runs) on worker threads. */
export async function runTrials(model: Model, options: ParallelOptions): Promise<RunSummary> {
  const key = modelKey(model.scenario, options.overrides);
  // This thread compiled the model already; its chunks reuse it.
  const here = new ModelCache();
  here.remember(key, model);
  const run = { seed: options.seed, trials: options.trials, overrides: options.overrides, key, stepOnly: options.stepOnly === true };
  return withLanes(threadsFor(model, options.trials, options.workers), here, (lanes) =>
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
  const steps = Math.round(plan.scenario.time.horizon / plan.scenario.time.dt);
  if (plan.draws * plan.trialsPerDraw * steps < IN_PROCESS_TRIAL_STEPS) return 1;
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
  const exactHere = exactCallingThreadLane(here);
  if (threads <= 1) return runUncertaintyPlan(plan, { exactLanes: [exactHere], ...progress });
  const pool = takePool(threads - 1);
  try {
    const exactLanes: Lane<ExactTask, ExactResult>[] = Array.from({ length: threads - 1 }, () => ({
      capacity: QUEUED_PER_WORKER,
      run: async (task: ExactTask) => {
        const outcome = await pool.run(task);
        return 'exact' in outcome ? { summary: outcome.exact } : outcome;
      },
    }));
    return await runUncertaintyPlan(plan, { exactLanes: [...exactLanes, exactHere], ...progress });
  } finally {
    await pool.destroy();
  }
}
