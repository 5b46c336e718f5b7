/** Runs a model's trials in chunks on worker threads; results never depend on the worker count. */
import { availableParallelism } from 'node:os';
import {
  type Chunk,
  contentHash,
  emptySummary,
  type Model,
  mergeSummaries,
  type Overrides,
  planChunks,
  type RunSummary,
  simulate,
} from '@georisk/engine';
import { Piscina } from 'piscina';
import type { ChunkTask } from './run-worker.ts';

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
  if (options.workers <= 1 || chunks.length === 1) {
    for (const chunk of chunks) {
      finish(
        chunk,
        simulate(model, { seed: options.seed, firstTrial: chunk.firstTrial, trials: chunk.trials, stepOnly: options.stepOnly === true }),
      );
    }
    return total;
  }
  const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
  const pool = new Piscina<ChunkTask, RunSummary>({
    filename: new URL(`./run-worker.${ext}`, import.meta.url).href,
    maxThreads: options.workers,
    minThreads: options.workers,
  });
  const key = contentHash({ scenario: model.scenario, overrides: options.overrides });
  try {
    // Keep a bounded number of chunks in flight, so memory stays flat for any number of trials.
    let next = 0;
    const inFlight = options.workers * 2;
    const lane = async () => {
      while (next < chunks.length) {
        const chunk = chunks[next++] as Chunk;
        const task: ChunkTask = {
          scenario: model.scenario,
          key,
          overrides: options.overrides,
          seed: options.seed,
          chunk,
          stepOnly: options.stepOnly === true,
        };
        finish(chunk, await pool.run(task));
      }
    };
    await Promise.all(Array.from({ length: inFlight }, lane));
  } finally {
    await pool.destroy();
  }
  return total;
}
