/** The one worker-thread entry of the CLI and the server: runs any engine task with this thread's model cache, or checks a document. */
import { exactOutputs, finalizeResult, type Overrides, type RunSummary, type ScenarioDocument } from '@georisk/engine';
import { type ChunkOutcome, type EngineTask, type ExactOutcome, ModelCache, runChunkTask } from '@georisk/engine/chunks';
import { encodeSummary } from '@georisk/queue/summary-codec';
import { type AnalyseOutcome, type AnalyseTask, analyseJob } from './analyse-job.ts';
import { checkDocument, type DocumentOutcome, type DocumentTask } from './check-document.ts';
import { checkExercise, type ExerciseOutcome, type ExerciseTask } from './check-exercise.ts';
import { foldPacked, type PackedChunkTask, type PackedFoldTask, runPackedChunk } from './packed-run.ts';
import { type PlanOutcome, type PlanTask, planJob } from './plan-job.ts';

/** What a thread is handed: a task, and whether to return its summary encoded for the queue. */
export interface ThreadTask {
  task: EngineTask;
  /** Encode the summary (`encodeSummary`) on this thread, keeping the queue worker's main thread free to renew its job locks. */
  encodeSummary?: boolean;
  /** Return an exact analysis's result as JSON text (`{exactJson}`), serialized on this thread rather than the server's event loop. */
  exactJson?: boolean;
  /** Return only these metrics' exact means (`{exactMeans}`): a sensitivity point's whole result never reaches the event loop. */
  exactMeansOf?: string[];
}

/** What a document-checking thread is handed: a document, an exercise definition with its scenario, a job to plan, or a sensitivity stage to analyse. */
export type DocumentThreadTask = { document: DocumentTask } | { exercise: ExerciseTask } | { planJob: PlanTask } | { analyse: AnalyseTask };

/**
 * A run's merged summary to turn into its result on a thread (whose model cache likely holds the
 * model); the thread returns the result as JSON text, so a large one is not serialized on the event loop.
 */
export interface FinalizeThreadTask {
  finalize: {
    scenario: ScenarioDocument;
    /** The model cache key of (scenario, overrides), as the run's chunks had it. */
    key: string;
    summary: RunSummary;
    run: { seed: number; overrides: Overrides; seconds: number; workers: number };
  };
}

/** An exact analysis's result as JSON text. */
export interface ExactJsonOutcome {
  exactJson: string;
}

/** An exact analysis's means of the asked metrics, in their order (NaN where a metric has no exact answer). */
export interface ExactMeansOutcome {
  exactMeans: number[];
}

/** A chunk's outcome with its summary encoded for the queue. */
export type EncodedOutcome = ChunkOutcome<string>;

/** What a thread returns. */
export type ThreadOutcome =
  | ChunkOutcome
  | ExactOutcome
  | EncodedOutcome
  | DocumentOutcome
  | ExerciseOutcome
  | ExactJsonOutcome
  | ExactMeansOutcome
  | PlanOutcome
  | AnalyseOutcome
  | ChunkOutcome<Uint8Array>
  | Uint8Array
  | string;

// A thread runs many chunks of the same run or sweep; it compiles the scenario once.
const cache = new ModelCache();

/** Runs a task (piscina calls the default export). */
export default function runThreadTask(
  input: ThreadTask | DocumentThreadTask | FinalizeThreadTask | PackedChunkTask | PackedFoldTask,
): ThreadOutcome {
  if ('packedChunk' in input) return runPackedChunk(cache, input.packedChunk);
  if ('packedFold' in input) return foldPacked(cache, input.packedFold);
  if ('document' in input) return checkDocument(input.document);
  if ('exercise' in input) return checkExercise(input.exercise);
  if ('planJob' in input) return planJob(input.planJob);
  if ('analyse' in input) return analyseJob(input.analyse);
  if ('finalize' in input) {
    const { scenario, key, summary, run } = input.finalize;
    return JSON.stringify(finalizeResult(cache.modelOf(scenario, run.overrides, key), summary, run));
  }
  const { task, encodeSummary: encode } = input;
  const outcome = runChunkTask(cache, task);
  if (input.exactJson === true && 'exact' in outcome) return { exactJson: JSON.stringify(outcome.exact) };
  if (input.exactMeansOf !== undefined && 'exact' in outcome) return { exactMeans: exactOutputs(input.exactMeansOf, outcome.exact).means };
  if (encode !== true || !('summary' in outcome)) return outcome;
  return { summary: encodeSummary(outcome.summary) };
}
