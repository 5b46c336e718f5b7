/** Runs a model's trials in chunks on worker threads; results never depend on the worker count. */
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
  runSweepPoint,
  type SweepPlan,
  simulate,
} from '@georisk/engine';
import { Piscina } from 'piscina';
import type { ChunkOutcome, ChunkTask } from './run-worker.ts';

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

/** The worker threads a run will actually use (1 means the calling thread). */
export function threadsFor(model: Model, trials: number, workers: number): number {
  if (trials * model.steps < IN_PROCESS_TRIAL_STEPS) return 1;
  return Math.max(1, Math.min(workers, planChunks(trials).length));
}

/** Runs all trials; with one worker on this thread, otherwise on a pool of worker threads. */
export async function runTrials(model: Model, options: ParallelOptions): Promise<RunSummary> {
  const chunks = planChunks(options.trials);
  const total = emptySummary(model);
  let done = 0;
  const finish = (chunk: Chunk, part: RunSummary) => {
    mergeSummaries(total, part);
    done += chunk.trials;
    options.onProgress?.(done);
  };
  const threads = threadsFor(model, options.trials, options.workers);
  if (threads === 1) {
    for (const chunk of chunks) {
      finish(
        chunk,
        simulate(model, { seed: options.seed, firstTrial: chunk.firstTrial, trials: chunk.trials, stepOnly: options.stepOnly === true }),
      );
    }
    return total;
  }
  const fromSource = import.meta.url.endsWith('.ts');
  const pool = new Piscina<ChunkTask, ChunkOutcome>({
    filename: new URL(`./run-worker.${fromSource ? 'ts' : 'js'}`, import.meta.url).href,
    maxThreads: threads,
    minThreads: threads,
    // A second task waits in each worker, so it never idles while the main thread hands out the next.
    concurrentTasksPerWorker: 2,
    ...(fromSource ? { execArgv: workerExecArgv() } : {}),
  });
  const key = contentHash({ scenario: model.scenario, overrides: options.overrides });
  // The failure of the earliest chunk wins, so the error reported never depends on the worker count
  // or on which thread finished first: chunks start in order, so every earlier chunk has completed.
  const failures: { index: number; issues: Issue[] }[] = [];
  try {
    // Keep a bounded number of chunks in flight, so memory stays flat for any number of trials.
    let next = 0;
    const inFlight = threads * 3;
    const lane = async () => {
      while (next < chunks.length && failures.length === 0) {
        const index = next++;
        const chunk = chunks[index] as Chunk;
        const task: ChunkTask = {
          scenario: model.scenario,
          key,
          overrides: options.overrides,
          seed: options.seed,
          chunk,
          stepOnly: options.stepOnly === true,
        };
        const outcome = await pool.run(task);
        if ('issues' in outcome) failures.push({ index, issues: outcome.issues });
        else finish(chunk, outcome.summary);
      }
    };
    await Promise.all(Array.from({ length: inFlight }, lane));
  } finally {
    await pool.destroy();
  }
  const first = failures.reduce<(typeof failures)[number] | undefined>((a, b) => (a === undefined || b.index < a.index ? b : a), undefined);
  if (first !== undefined) throw new GeoriskError(first.issues);
  return total;
}

export interface PointOptions {
  workers: number;
  /** First point to run (points before it are done already, e.g. when resuming). */
  start?: number;
  /** Called once per point, in point order, with the point's merged summary. */
  onPoint: (index: number, summary: RunSummary) => void;
}

/** The worker threads a sweep will use (1 means the calling thread). */
export function threadsForPoints(plan: SweepPlan, workers: number, start = 0): number {
  const tasks = (plan.points.length - start) * plan.chunks.length;
  const steps = Math.round(plan.scenario.time.horizon / plan.scenario.time.dt);
  if ((plan.points.length - start) * plan.trials * steps < IN_PROCESS_TRIAL_STEPS) return 1;
  return Math.max(1, Math.min(workers, tasks));
}

/**
 * Runs the points of a sweep plan, each as (point, chunk) tasks on the worker pool (or on this
 * thread for one worker or little work). Chunks of a point merge exactly, so the summaries, and
 * every row made from them, are the same for any number of workers.
 */
export async function runPoints(plan: SweepPlan, options: PointOptions): Promise<void> {
  const start = options.start ?? 0;
  const threads = threadsForPoints(plan, options.workers, start);
  if (threads === 1) {
    for (let i = start; i < plan.points.length; i++) options.onPoint(i, runSweepPoint(plan, i));
    return;
  }
  const fromSource = import.meta.url.endsWith('.ts');
  const pool = new Piscina<ChunkTask, ChunkOutcome>({
    filename: new URL(`./run-worker.${fromSource ? 'ts' : 'js'}`, import.meta.url).href,
    maxThreads: threads,
    minThreads: threads,
    concurrentTasksPerWorker: 2,
    ...(fromSource ? { execArgv: workerExecArgv() } : {}),
  });
  const tasks: { point: number; chunk: Chunk }[] = [];
  for (let i = start; i < plan.points.length; i++) for (const chunk of plan.chunks) tasks.push({ point: i, chunk });
  // Per point: the summaries of its finished chunks; a point is emitted when all its chunks are in
  // and every earlier point has been emitted.
  const parts = new Map<number, RunSummary[]>();
  let nextToEmit = start;
  // A lane never starts a point far ahead of the next one to emit, so finished points waiting for a
  // slow earlier one stay few and memory stays flat.
  const maxAhead = threads * 8;
  let waiting: (() => void)[] = [];
  const emit = () => {
    for (;;) {
      const done = parts.get(nextToEmit);
      if (done === undefined || done.length < plan.chunks.length) break;
      parts.delete(nextToEmit);
      const total = done.reduce((acc, p) => mergeSummaries(acc, p));
      options.onPoint(nextToEmit, total);
      nextToEmit++;
    }
    const wake = waiting;
    waiting = [];
    for (const go of wake) go();
  };
  const failures: { index: number; issues: Issue[] }[] = [];
  try {
    let next = 0;
    const inFlight = threads * 3;
    const lane = async () => {
      while (next < tasks.length && failures.length === 0) {
        while (next < tasks.length && (tasks[next] as { point: number }).point - nextToEmit > maxAhead && failures.length === 0) {
          await new Promise<void>((go) => waiting.push(go));
        }
        if (next >= tasks.length || failures.length > 0) break;
        const index = next++;
        const { point, chunk } = tasks[index] as { point: number; chunk: Chunk };
        const task: ChunkTask = {
          scenario: plan.scenario,
          key: `${plan.fingerprint}:${point}`,
          overrides: pointOverrides(plan, point),
          seed: plan.seed,
          chunk,
          stepOnly: false,
          baseKey: plan.fingerprint,
        };
        const outcome = await pool.run(task);
        if ('issues' in outcome) {
          failures.push({ index, issues: outcome.issues });
          emit(); // wakes waiting lanes, which then stop
          continue;
        }
        const list = parts.get(point) ?? [];
        list.push(outcome.summary);
        parts.set(point, list);
        emit();
      }
    };
    await Promise.all(Array.from({ length: inFlight }, lane));
  } finally {
    await pool.destroy();
  }
  const first = failures.reduce<(typeof failures)[number] | undefined>((a, b) => (a === undefined || b.index < a.index ? b : a), undefined);
  if (first !== undefined) throw new GeoriskError(first.issues);
}
