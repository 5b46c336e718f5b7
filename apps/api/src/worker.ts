/** Worker-thread entry: runs one chunk of trials, or one exact analysis, off the event loop. */
import {
  analyzeExact,
  buildModel,
  type Chunk,
  type ExactResult,
  GeoriskError,
  type Issue,
  type Model,
  type Overrides,
  type RunSummary,
  type ScenarioDocument,
  simulate,
} from '@georisk/engine';

export type WorkerTask =
  | {
      kind: 'chunk';
      scenario: ScenarioDocument;
      /** Key for the model cache: the scenario hash plus overrides. */
      key: string;
      overrides: Overrides;
      seed: number;
      chunk: Chunk;
    }
  | { kind: 'exact'; scenario: ScenarioDocument; overrides: Overrides };

/**
 * A task's outcome. A `GeoriskError` does not survive the trip back from a worker thread (only its
 * message would), so its issues come back as data and the main thread throws them again.
 */
export type WorkerOutcome = { summary: RunSummary } | { exact: ExactResult } | { issues: Issue[] };

// A worker runs many chunks of the same run; building the model once per run is enough.
let cached: { key: string; model: Model } | undefined;

/** Runs a task (piscina calls the default export). */
export default function runTask(task: WorkerTask): WorkerOutcome {
  try {
    if (task.kind === 'exact') return { exact: analyzeExact(task.scenario, task.overrides) };
    if (cached?.key !== task.key) cached = { key: task.key, model: buildModel(task.scenario, task.overrides) };
    const summary = simulate(cached.model, { seed: task.seed, firstTrial: task.chunk.firstTrial, trials: task.chunk.trials });
    return { summary };
  } catch (error) {
    if (error instanceof GeoriskError) return { issues: error.issues };
    throw error;
  }
}
