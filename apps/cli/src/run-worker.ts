/** Worker-thread entry: runs one chunk of trials and returns its mergeable summary. */
import {
  buildModel,
  type Chunk,
  GeoriskError,
  type Issue,
  type Model,
  type Overrides,
  type RunSummary,
  type ScenarioDocument,
  simulate,
  withParameterValues,
} from '@georisk/engine';

export interface ChunkTask {
  scenario: ScenarioDocument;
  /** Key for the model cache: the scenario hash plus overrides. */
  key: string;
  overrides: Overrides;
  seed: number;
  chunk: Chunk;
  stepOnly: boolean;
  /**
   * Sweeps: the key of the scenario compiled without overrides. When set, the worker compiles the
   * scenario once per sweep and sets each point's values on it, instead of compiling per point.
   */
  baseKey?: string;
}

// Workers run many chunks of the same run; building the model once per run is enough.
let cached: { key: string; model: Model } | undefined;
let cachedBase: { key: string; model: Model } | undefined;

/**
 * A chunk's outcome. A `GeoriskError` does not survive the trip back from a worker thread (only
 * its message would), so its issues come back as data and the main thread throws them again.
 */
export type ChunkOutcome = { summary: RunSummary } | { issues: Issue[] };

/** Runs a chunk (piscina calls the default export). */
export default function runChunk(task: ChunkTask): ChunkOutcome {
  try {
    if (cached?.key !== task.key) {
      if (task.baseKey === undefined) cached = { key: task.key, model: buildModel(task.scenario, task.overrides) };
      else {
        if (cachedBase?.key !== task.baseKey) cachedBase = { key: task.baseKey, model: buildModel(task.scenario) };
        cached = { key: task.key, model: withParameterValues(cachedBase.model, task.overrides) };
      }
    }
    const summary = simulate(cached.model, {
      seed: task.seed,
      firstTrial: task.chunk.firstTrial,
      trials: task.chunk.trials,
      stepOnly: task.stepOnly,
    });
    return { summary };
  } catch (error) {
    if (error instanceof GeoriskError) return { issues: error.issues };
    throw error;
  }
}
