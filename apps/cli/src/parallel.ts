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
  type RunSummary,
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
    ...(fromSource ? { execArgv: workerExecArgv() } : {}),
  });
  const key = contentHash({ scenario: model.scenario, overrides: options.overrides });
  // The failure of the earliest chunk wins, so the error reported never depends on the worker count
  // or on which thread finished first: chunks start in order, so every earlier chunk has completed.
  const failures: { index: number; issues: Issue[] }[] = [];
  try {
    // Keep a bounded number of chunks in flight, so memory stays flat for any number of trials.
    let next = 0;
    const inFlight = threads * 2;
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
