/**
 * Runs a model's trials, or a sweep's points, in chunks on this thread and on worker threads;
 * results never depend on the worker count.
 */
import { availableParallelism } from 'node:os';
import {
  type Chunk,
  contentHash,
  emptySummary,
  GeoriskError,
  type Issue,
  type Model,
  mergeSummaries,
  type Overrides,
  planChunks,
  pointOverrides,
  type RunSummary,
  type SweepPlan,
  simulate,
} from '@georisk/engine';
import { Piscina } from 'piscina';
import runChunk, { type ChunkOutcome, type ChunkTask } from './run-worker.ts';

/**
 * When this module runs from TypeScript source (tests, benchmarks), worker threads need the tsx
 * loader too; they inherit `node --import tsx`, otherwise they are told to load it. The bundled
 * CLI (dist/) needs neither.
 */
function workerExecArgv(): string[] {
  if (process.execArgv.some((arg) => arg.includes('tsx'))) return process.execArgv;
  return [...process.execArgv, '--import', import.meta.resolve('tsx')];
}

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

interface ExecuteOptions {
  /** Threads in all: this one plus `threads - 1` worker threads. */
  threads: number;
  count: number;
  task: (index: number) => ChunkTask;
  /** Runs task `index` on this thread (default: as a worker would). */
  runHere?: (index: number) => RunSummary;
  /** Called with each successful outcome, in the order chunks finish. */
  done: (index: number, summary: RunSummary) => void;
  /** False while task `index` must wait (back-pressure); asked again after each chunk finishes. */
  mayStart?: (index: number) => boolean;
}

function newPool(threads: number): Piscina<ChunkTask, ChunkOutcome> {
  const fromSource = import.meta.url.endsWith('.ts');
  return new Piscina<ChunkTask, ChunkOutcome>({
    filename: new URL(`./run-worker.${fromSource ? 'ts' : 'js'}`, import.meta.url).href,
    maxThreads: threads,
    minThreads: threads,
    concurrentTasksPerWorker: QUEUED_PER_WORKER,
    ...(fromSource ? { execArgv: workerExecArgv() } : {}),
  });
}

/** Worker threads started ahead of need (see `startWorkerThreads`). */
let started: { threads: number; pool: Piscina<ChunkTask, ChunkOutcome> } | undefined;

/**
 * Starts the worker threads of `workers` threads in all (this one included) now, so that they
 * load the engine while this thread reads and plans the scenario: a worker thread otherwise
 * joins about 0.25 s late, while this one is already computing. The next run or sweep takes them
 * over; `stopWorkerThreads` ends them if none did. Sweeps call it first thing.
 */
export function startWorkerThreads(workers: number): void {
  if (workers > 1 && started === undefined) started = { threads: workers - 1, pool: newPool(workers - 1) };
}

/** Ends worker threads started ahead of need that no run took over. */
export async function stopWorkerThreads(): Promise<void> {
  const unused = started;
  started = undefined;
  await unused?.pool.destroy();
}

/** The threads started ahead of need when they are as many as wanted, else new ones. */
function takePool(threads: number): Piscina<ChunkTask, ChunkOutcome> {
  const early = started;
  started = undefined;
  if (early?.threads === threads) return early.pool;
  void early?.pool.destroy();
  return newPool(threads);
}

/**
 * Tasks handed to each worker thread at once. The calling thread answers finished tasks only
 * between its own chunks (about as long as a worker's), so with two queued a worker could run dry
 * while it waited; with four it never does (measured: 28 of 64 chunks ran on the worker with two
 * queued, 32 of 64 with four).
 */
const QUEUED_PER_WORKER = 4;

/**
 * Runs chunk tasks 0..count-1 on this thread and on `threads - 1` worker threads. The calling
 * thread is one of the workers: it would otherwise sit idle while the others compute, and it needs
 * no start-up, so the first chunks begin at once. Between its own chunks it yields to the event
 * loop, which hands out the next tasks and takes in finished ones; each worker thread holds
 * further tasks meanwhile, so none idles. The failure of the earliest chunk wins, so the error
 * reported never depends on the worker count or on which thread finished first.
 */
async function execute(options: ExecuteOptions): Promise<void> {
  const failures: { index: number; issues: Issue[] }[] = [];
  let next = 0;
  let waiting: (() => void)[] = [];
  const others = options.threads - 1;
  // Tasks queued on worker threads. Near the end a worker may hold only its share of what is left:
  // a task queued on a worker is committed to it, and this thread would sit idle while the worker
  // worked through a long queue alone.
  let queued = 0;
  const queueRoom = () => {
    const perThread = Math.ceil((options.count - next) / options.threads);
    return others * Math.max(1, Math.min(QUEUED_PER_WORKER, perThread)) - queued;
  };
  const take = async (remote: boolean): Promise<number | undefined> => {
    for (;;) {
      if (next >= options.count || failures.length > 0) return undefined;
      if (options.mayStart?.(next) !== false && (!remote || queueRoom() > 0)) {
        if (remote) queued++;
        return next++;
      }
      await new Promise<void>((go) => waiting.push(go));
    }
  };
  const record = (index: number, outcome: ChunkOutcome) => {
    if ('issues' in outcome) failures.push({ index, issues: outcome.issues });
    else options.done(index, outcome.summary);
    const wake = waiting;
    waiting = [];
    for (const go of wake) go();
  };
  const local = async () => {
    // Let the worker lanes hand out their first tasks before this thread starts computing.
    await new Promise<void>((go) => setImmediate(go));
    for (let index = await take(false); index !== undefined; index = await take(false)) {
      record(index, options.runHere === undefined ? runChunk(options.task(index)) : here(options.runHere, index));
      await new Promise<void>((go) => setImmediate(go));
    }
  };
  if (others === 0) await local();
  else {
    const pool = takePool(others);
    const remote = async () => {
      for (let index = await take(true); index !== undefined; index = await take(true)) {
        const outcome = await pool.run(options.task(index));
        queued--;
        record(index, outcome);
      }
    };
    try {
      await Promise.all([local(), ...Array.from({ length: others * QUEUED_PER_WORKER }, remote)]);
    } finally {
      await pool.destroy();
    }
  }
  const first = failures.reduce<(typeof failures)[number] | undefined>((a, b) => (a === undefined || b.index < a.index ? b : a), undefined);
  if (first !== undefined) throw new GeoriskError(first.issues);
}

/** Runs a chunk on this thread, with a `GeoriskError` turned into data as a worker returns it. */
function here(run: (index: number) => RunSummary, index: number): ChunkOutcome {
  try {
    return { summary: run(index) };
  } catch (error) {
    if (error instanceof GeoriskError) return { issues: error.issues };
    throw error;
  }
}

/** Runs all trials of a model, on this thread and (for big runs) on worker threads. */
export async function runTrials(model: Model, options: ParallelOptions): Promise<RunSummary> {
  const chunks = planChunks(options.trials);
  const total = emptySummary(model);
  const key = contentHash({ scenario: model.scenario, overrides: options.overrides });
  let trialsDone = 0;
  await execute({
    threads: threadsFor(model, options.trials, options.workers),
    count: chunks.length,
    task: (index) => ({
      scenario: model.scenario,
      key,
      overrides: options.overrides,
      seed: options.seed,
      chunk: chunks[index] as Chunk,
      stepOnly: options.stepOnly === true,
    }),
    runHere: (index) => {
      const chunk = chunks[index] as Chunk;
      return simulate(model, {
        seed: options.seed,
        firstTrial: chunk.firstTrial,
        trials: chunk.trials,
        stepOnly: options.stepOnly === true,
      });
    },
    done: (index, summary) => {
      mergeSummaries(total, summary);
      trialsDone += (chunks[index] as Chunk).trials;
      options.onProgress?.(trialsDone);
    },
  });
  return total;
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
  const perPoint = plan.chunks.length;
  const pointOf = (index: number) => start + Math.floor(index / perPoint);
  // Per point: the summaries of its finished chunks; a point is emitted when all its chunks are in
  // and every earlier point has been emitted.
  const parts = new Map<number, RunSummary[]>();
  let nextToEmit = start;
  // No task starts far ahead of the next point to emit, so finished points waiting for a slow
  // earlier one stay few and memory stays flat.
  const maxAhead = threads * 8;
  await execute({
    threads,
    count: (plan.points.length - start) * perPoint,
    task: (index) => {
      const point = pointOf(index);
      return {
        scenario: plan.scenario,
        key: `${plan.fingerprint}:${point}`,
        overrides: pointOverrides(plan, point),
        seed: plan.seed,
        chunk: plan.chunks[index % perPoint] as Chunk,
        stepOnly: false,
        baseKey: plan.fingerprint,
      };
    },
    mayStart: (index) => pointOf(index) - nextToEmit <= maxAhead,
    done: (index, summary) => {
      const point = pointOf(index);
      const list = parts.get(point) ?? [];
      list.push(summary);
      parts.set(point, list);
      for (;;) {
        const finished = parts.get(nextToEmit);
        if (finished === undefined || finished.length < perPoint) break;
        parts.delete(nextToEmit);
        options.onPoint(
          nextToEmit,
          finished.reduce((acc, p) => mergeSummaries(acc, p)),
        );
        nextToEmit++;
      }
    },
  });
}
