/** A chunk of a paired comparison: two runs' trials of one chunk, as plain data that crosses workers. */
import { GeoriskError } from '../errors.ts';
import { buildModel, type Model, type Overrides } from '../model/model.ts';
import type { PairedSummary } from '../paired/paired-accumulator.ts';
import { pairedDifference } from '../paired/paired-difference.ts';
import type { ScenarioDocument } from '../scenario-schema.ts';
import type { ChunkOutcome } from './chunk-task.ts';
import { modelKey } from './model-cache.ts';
import type { Chunk } from './plan-chunks.ts';
import type { ChunkProgress } from './run-chunk-task.ts';

/** One side of a paired comparison: a scenario with its overrides. */
export interface PairedSide {
  scenario: ScenarioDocument;
  overrides: Overrides;
}

/** Trials of one chunk run under the baseline and the current inputs, with the same seed. */
export interface PairedChunkTask {
  kind: 'paired';
  baseline: PairedSide;
  current: PairedSide;
  seed: number;
  chunk: Chunk;
}

/** The two models of the latest paired task, compiled once per comparison. */
export class PairedModelCache {
  private models = new Map<string, Model>();

  /** The model of one side, compiled on first use (at most the two latest are kept). */
  modelOf(side: PairedSide): Model {
    const key = modelKey(side.scenario, side.overrides);
    let model = this.models.get(key);
    if (model === undefined) {
      model = buildModel(side.scenario, side.overrides);
      if (this.models.size >= 2) this.models.clear();
      this.models.set(key, model);
    }
    return model;
  }
}

/**
 * Runs a paired chunk: each metric's per-trial differences (current − baseline); a scenario's issues come back as data.
 * @example const outcome = runPairedChunk(new PairedModelCache(), { kind: 'paired', baseline, current, seed: 1, chunk })
 */
export function runPairedChunk(cache: PairedModelCache, task: PairedChunkTask, progress?: ChunkProgress): ChunkOutcome<PairedSummary> {
  try {
    const baseline = cache.modelOf(task.baseline);
    const current = cache.modelOf(task.current);
    const summary = pairedDifference(baseline, current, {
      seed: task.seed,
      firstTrial: task.chunk.firstTrial,
      trials: task.chunk.trials,
      ...(progress === undefined ? {} : { progressEvery: progress.every, onProgress: progress.report }),
    });
    return { summary };
  } catch (error) {
    if (error instanceof GeoriskError) return { issues: error.issues };
    throw error;
  }
}
