/** Runs one task on the calling thread, with a `GeoriskError` turned into data so it can cross a thread boundary. */
import { GeoriskError } from '../errors.ts';
import type { ExactResult } from '../exact/index.ts';
import { analyzeExact } from '../exact/index.ts';
import { simulate } from '../simulate/simulate.ts';
import type { ChunkOutcome, ChunkTask, EngineTask, ExactOutcome, ExactTask } from './chunk-task.ts';
import type { ModelCache } from './model-cache.ts';
import type { Lane } from './schedule-chunks.ts';

/** Progress reports from inside a chunk: `report(trialsDone)` every `every` trials. */
export interface ChunkProgress {
  every: number;
  report: (trialsDone: number) => void;
}

/**
 * Runs a task: a chunk gives its mergeable summary, an exact task its result; a scenario's issues
 * come back as `{ issues }`, anything else throws.
 * @example const outcome = runChunkTask(new ModelCache(), { kind: 'run', scenario, key, overrides: {}, seed: 1, chunk })
 */
export function runChunkTask(cache: ModelCache, task: ExactTask): ExactOutcome;
export function runChunkTask(cache: ModelCache, task: ChunkTask, progress?: ChunkProgress): ChunkOutcome;
export function runChunkTask(cache: ModelCache, task: EngineTask, progress?: ChunkProgress): ChunkOutcome | ExactOutcome;
export function runChunkTask(cache: ModelCache, task: EngineTask, progress?: ChunkProgress): ChunkOutcome | ExactOutcome {
  try {
    if (task.kind === 'exact') {
      const options = {
        ...(task.everyState === false ? { everyState: false } : {}),
        ...(task.metrics === undefined ? {} : { metrics: task.metrics }),
      };
      return { exact: analyzeExact(task.scenario, task.overrides, options) };
    }
    const summary = simulate(cache.modelFor(task), {
      seed: task.seed,
      firstTrial: task.chunk.firstTrial,
      trials: task.chunk.trials,
      ...(task.kind === 'run' && task.stepOnly === true ? { stepOnly: true } : {}),
      ...(progress === undefined ? {} : { progressEvery: progress.every, onProgress: progress.report }),
    });
    return { summary };
  } catch (error) {
    if (error instanceof GeoriskError) return { issues: error.issues };
    throw error;
  }
}

/** A lane that solves exact tasks on the calling thread, in turn (the engine's default where no lanes are given). */
export function exactHereLane(cache: ModelCache): Lane<ExactTask, ExactResult> {
  return {
    run: async (task) => {
      const outcome = runChunkTask(cache, task);
      return 'exact' in outcome ? { summary: outcome.exact } : outcome;
    },
  };
}
