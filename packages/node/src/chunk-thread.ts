/** The one worker-thread entry of the CLI and the server: runs any engine task with this thread's model cache, or checks a document. */
import {
  buildModel,
  ExactPoints,
  exactOutputs,
  finalizeResult,
  GeoriskError,
  type Issue,
  type Model,
  type Overrides,
  type RunSummary,
  readObservations,
  replayTrials,
  type ScenarioDocument,
  type TrialWeights,
  type UpdateOptions,
  updateScenario,
  weighTrials,
  withParameterValues,
} from '@georisk/engine';
import { type ChunkOutcome, type EngineTask, type ExactOutcome, type ExactTask, ModelCache, runChunkTask } from '@georisk/engine/chunks';
import { encodeSummary, metricsOnlySummary } from '@georisk/queue/summary-codec';
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
  /** With `encodeSummary`: leave out the per-state series (`metricsOnlySummary`), for a two-level run's draws. */
  metricsOnly?: boolean;
  /** Return an exact analysis's result as JSON text (`{exactJson}`), serialized on this thread rather than the server's event loop. */
  exactJson?: boolean;
  /** Return only these metrics' exact means (`{exactMeans}`): a sensitivity point's whole result never reaches the event loop. */
  exactMeansOf?: string[];
  /** With `exactMeansOf`: keep answers across tasks under this key (a sweep's fingerprint), as the library's `ExactPoints` does. */
  exactKeep?: string;
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

/** A forecast to condition on observations (`updateScenario`) on a thread; the answer comes back as JSON text. */
export interface UpdateThreadTask {
  update: { scenario: ScenarioDocument; observations: string; options: UpdateOptions };
}

/**
 * One pass of an update over part of the trials (the CLI spreads both passes over its threads):
 * weigh trials [first, first + count), or replay the listed trials into a summary.
 */
export interface UpdatePassTask {
  updatePass: {
    scenario: ScenarioDocument;
    overrides: Overrides;
    observations: string;
    seed: number;
    pass: { weigh: { first: number; count: number } } | { replay: Int32Array };
  };
}

/** A conditioned forecast as JSON text, or the issues of the observations or the scenario. */
export type UpdateJsonOutcome = { updateJson: string } | { issues: Issue[] };

/** An exact analysis's result as JSON text. */
export interface ExactJsonOutcome {
  exactJson: string;
}

/** An exact analysis's means of the asked metrics, in their order (NaN where a metric has no exact answer). */
export interface ExactMeansOutcome {
  exactMeans: number[];
  /** With `exactKeep`: the metric solves this point needed (the other metrics' answers were kept). */
  solved?: number;
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
  | UpdateJsonOutcome
  | TrialWeights
  | RunSummary
  | ChunkOutcome<Uint8Array>
  | Uint8Array
  | string;

// A thread runs many chunks of the same run or sweep; it compiles the scenario once.
const cache = new ModelCache();

/** The exact answers this thread keeps for one sensitivity stage's points (the latest key only). */
let kept: { key: string; base: Model; points: ExactPoints } | undefined;

/** An exact point's means by the library's path: the scenario compiled once, answers kept across the stage's points. */
function keptExactMeans(task: ExactTask, metrics: string[], key: string): ExactMeansOutcome | { issues: Issue[] } {
  try {
    if (kept?.key !== key) {
      const base = buildModel(task.scenario);
      kept = { key, base, points: new ExactPoints(base, metrics) };
    }
    const before = kept.points.solves;
    const exactMeans = kept.points.means(withParameterValues(kept.base, task.overrides));
    return { exactMeans, solved: kept.points.solves - before };
  } catch (error) {
    if (error instanceof GeoriskError) return { issues: error.issues };
    throw error;
  }
}

/** Runs a task (piscina calls the default export). */
export default function runThreadTask(
  input: ThreadTask | DocumentThreadTask | FinalizeThreadTask | UpdateThreadTask | UpdatePassTask | PackedChunkTask | PackedFoldTask,
): ThreadOutcome {
  if ('update' in input) return updateJson(input.update);
  if ('updatePass' in input) return updatePass(input.updatePass);
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
  if (input.exactMeansOf !== undefined && input.exactKeep !== undefined && task.kind === 'exact') {
    return keptExactMeans(task, input.exactMeansOf, input.exactKeep);
  }
  const outcome = runChunkTask(cache, task);
  if (input.exactJson === true && 'exact' in outcome) return { exactJson: JSON.stringify(outcome.exact) };
  if (input.exactMeansOf !== undefined && 'exact' in outcome) return { exactMeans: exactOutputs(input.exactMeansOf, outcome.exact).means };
  if (encode !== true || !('summary' in outcome)) return outcome;
  return { summary: encodeSummary(input.metricsOnly === true ? metricsOnlySummary(outcome.summary) : outcome.summary) };
}

/** Runs `updateScenario` and serializes its answer here, so neither the work nor the JSON lands on the event loop. */
function updateJson({ scenario, observations, options }: UpdateThreadTask['update']): UpdateJsonOutcome {
  try {
    return { updateJson: JSON.stringify(updateScenario(scenario, observations, options)) };
  } catch (error) {
    if (error instanceof GeoriskError) return { issues: error.issues };
    throw error;
  }
}

/** One pass of an update (see `UpdatePassTask`); the observations were checked on the calling thread already. */
function updatePass({ scenario, overrides, observations, seed, pass }: UpdatePassTask['updatePass']): TrialWeights | RunSummary {
  const model = buildModel(scenario, overrides);
  const observed = readObservations(observations, model);
  if ('weigh' in pass) return weighTrials(model, observed, { seed, overrides, ...pass.weigh });
  return replayTrials(model, observed, { seed, overrides, list: pass.replay });
}
