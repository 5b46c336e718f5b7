/** A run's trials as chunk tasks on lanes, merged into one summary: the same bits for any lanes. */
import type { Model, Overrides } from '../model/model.ts';
import { emptySummary, mergeSummaries, type RunSummary } from '../simulate/simulate.ts';
import type { RunChunkTask } from './chunk-task.ts';
import { modelKey } from './model-cache.ts';
import { type ChunkList, chunkAt, evenChunks } from './plan-chunks.ts';
import { type CancelSignal, type Lane, scheduleChunks } from './schedule-chunks.ts';

/** What to run: trial i always draws from the streams of (seed, i), whichever lane runs it. */
export interface ChunkedRun {
  seed: number;
  trials: number;
  overrides: Overrides;
  stepOnly?: boolean;
  /** The model cache key (default `modelKey(model.scenario, overrides)`). */
  key?: string;
  /** The chunks, covering trials 0..trials-1 in order (default `evenChunks(trials)`); merging is exact, so any split gives the same bits. */
  chunks?: ChunkList;
}

export interface ChunkedRunOptions {
  lanes: readonly Lane<RunChunkTask, RunSummary>[];
  signal?: CancelSignal;
  /** Called as chunks finish with the trials done so far. */
  onProgress?: (trialsDone: number) => void;
}

/** Runs all trials of a model in the engine's fixed chunks on `lanes` and merges them in chunk order. */
export async function runChunkedTrials(model: Model, run: ChunkedRun, options: ChunkedRunOptions): Promise<RunSummary> {
  const chunks = run.chunks ?? evenChunks(run.trials);
  const key = run.key ?? modelKey(model.scenario, run.overrides);
  const total = emptySummary(model);
  let trialsDone = 0;
  await scheduleChunks({
    count: chunks.length,
    lanes: options.lanes,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    task: (index): RunChunkTask => ({
      kind: 'run',
      scenario: model.scenario,
      key,
      overrides: run.overrides,
      seed: run.seed,
      chunk: chunkAt(chunks, index),
      ...(run.stepOnly === true ? { stepOnly: true } : {}),
    }),
    onSummary: (_, summary) => mergeSummaries(total, summary),
    onChunkDone: (index) => {
      trialsDone += chunkAt(chunks, index).trials;
      options.onProgress?.(trialsDone);
    },
  });
  return total;
}
