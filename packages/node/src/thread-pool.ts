/** Worker threads for the engine (piscina), all running the one entry `chunk-thread`, offered as lanes to the chunk scheduler. */

import { pathToFileURL } from 'node:url';
import type { Issue, RunSummary, TrialWeights } from '@georisk/engine';
import type { ChunkOutcome, ChunkTask, EngineTask, ExactOutcome, ExactTask, Lane } from '@georisk/engine/chunks';
import { Piscina } from 'piscina';
import type { AnalyseOutcome, AnalyseTask } from './analyse-job.ts';
import type { DocumentOutcome, DocumentTask } from './check-document.ts';
import type { ExerciseOutcome, ExerciseTask } from './check-exercise.ts';
import type {
  DocumentThreadTask,
  EncodedOutcome,
  ExactJsonOutcome,
  ExactMeansOutcome,
  FinalizeThreadTask,
  ThreadOutcome,
  ThreadTask,
  UpdateJsonOutcome,
  UpdatePassTask,
  UpdateThreadTask,
} from './chunk-thread.ts';
import type { PackedChunkTask, PackedFoldTask } from './packed-run.ts';
import type { PlanOutcome, PlanTask } from './plan-job.ts';
import { acceptedByThreads, runsFromSource, threadExecArgv, withoutRequireEsm } from './thread-exec-argv.ts';

export interface ThreadPoolOptions {
  threads: number;
  /** Tasks each thread holds at once (default 1). */
  tasksPerThread?: number;
  /** Idle threads above none end after this long (piscina's default when left out). */
  idleTimeoutMs?: number;
  /** Most tasks waiting for a thread; more are refused (piscina's "queue is at limit"). */
  maxQueue?: number;
  /** Old-generation heap limit of each thread. */
  heapMb?: number;
  /** Told about a thread that failed outside a task (it is replaced). */
  onError?: (error: unknown) => void;
}

/**
 * A bundled worker entry that a process running from source may start its threads on, named by
 * `GEORISK_THREAD_BUNDLE` (an absolute path). The test suite names the CLI's bundle, which its global
 * setup builds from the same sources before any test: a thread then starts in about 0.2 s instead
 * of the 2.5 s tsx takes to compile the engine afresh in every new thread (measured on the 2-core
 * machine), which every test that builds a server or a pool paid.
 */
const BUNDLE_VARIABLE = 'GEORISK_THREAD_BUNDLE';

/** Where a thread starts: beside this file in source (or the bundle named above), beside the bundle (dist/chunk-thread.js) when bundled. */
function threadEntry(): { url: string; execArgv: string[] } {
  if (!runsFromSource(import.meta.url)) return { url: new URL('./chunk-thread.js', import.meta.url).href, execArgv: process.execArgv };
  const bundle = process.env[BUNDLE_VARIABLE];
  if (bundle !== undefined && bundle !== '') return { url: pathToFileURL(bundle).href, execArgv: process.execArgv };
  return { url: new URL('./chunk-thread.ts', import.meta.url).href, execArgv: threadExecArgv() };
}

/** A fixed number of worker threads running engine tasks. */
export class ThreadPool {
  readonly threads: number;
  private readonly piscina: Piscina<
    ThreadTask | DocumentThreadTask | FinalizeThreadTask | UpdateThreadTask | UpdatePassTask | PackedChunkTask | PackedFoldTask,
    ThreadOutcome
  >;

  constructor(options: ThreadPoolOptions) {
    this.threads = options.threads;
    const entry = threadEntry();
    this.piscina = new Piscina<
      ThreadTask | DocumentThreadTask | FinalizeThreadTask | UpdateThreadTask | UpdatePassTask | PackedChunkTask | PackedFoldTask,
      ThreadOutcome
    >({
      filename: entry.url,
      minThreads: options.threads,
      maxThreads: options.threads,
      ...(options.tasksPerThread === undefined ? {} : { concurrentTasksPerWorker: options.tasksPerThread }),
      ...(options.idleTimeoutMs === undefined ? {} : { idleTimeout: options.idleTimeoutMs }),
      ...(options.maxQueue === undefined ? {} : { maxQueue: options.maxQueue }),
      ...(options.heapMb === undefined ? {} : { resourceLimits: { maxOldGenerationSizeMb: options.heapMb } }),
      execArgv: acceptedByThreads(withoutRequireEsm(entry.execArgv)),
    });
    // Without a listener, an 'error' event would throw and take the whole process down.
    if (options.onError !== undefined) this.piscina.on('error', options.onError);
  }

  /** Tasks waiting for a thread. */
  get queueSize(): number {
    return this.piscina.queueSize;
  }

  /** Runs a task on a thread; `signal` stops it (the promise rejects). */
  run(task: ExactTask, signal?: AbortSignal): Promise<ExactOutcome>;
  run(task: ChunkTask, signal?: AbortSignal): Promise<ChunkOutcome>;
  run(task: EngineTask, signal?: AbortSignal): Promise<ChunkOutcome | ExactOutcome>;
  run(task: EngineTask, signal?: AbortSignal): Promise<ThreadOutcome> {
    return this.piscina.run({ task }, signal === undefined ? {} : { signal });
  }

  /** Runs a chunk on a thread and returns its summary encoded for the queue (only its metrics with `metricsOnly`). */
  runEncoded(task: ChunkTask, signal?: AbortSignal, metricsOnly = false): Promise<EncodedOutcome> {
    const input: ThreadTask = { task, encodeSummary: true, ...(metricsOnly ? { metricsOnly } : {}) };
    return this.piscina.run(input, signal === undefined ? {} : { signal }) as Promise<EncodedOutcome>;
  }

  /** Checks a scenario document on a thread (`checkDocument`); `signal` stops it, ending the thread. */
  checkDocument(task: DocumentTask, signal?: AbortSignal): Promise<DocumentOutcome> {
    return this.piscina.run({ document: task }, signal === undefined ? {} : { signal }) as Promise<DocumentOutcome>;
  }

  /** Checks a classroom exercise against its scenario on a thread (`checkExercise`); `signal` stops it. */
  checkExercise(task: ExerciseTask, signal?: AbortSignal): Promise<ExerciseOutcome> {
    return this.piscina.run({ exercise: task }, signal === undefined ? {} : { signal }) as Promise<ExerciseOutcome>;
  }

  /** Plans a sweep or sensitivity job on a thread (`planJob`); `signal` stops it. */
  planJob(task: PlanTask, signal?: AbortSignal): Promise<PlanOutcome> {
    return this.piscina.run({ planJob: task }, signal === undefined ? {} : { signal }) as Promise<PlanOutcome>;
  }

  /** Analyses a finished sensitivity stage on a thread (`analyseJob`); `signal` stops it. */
  analyseJob(task: AnalyseTask, signal?: AbortSignal): Promise<AnalyseOutcome> {
    return this.piscina.run({ analyse: task }, signal === undefined ? {} : { signal }) as Promise<AnalyseOutcome>;
  }

  /** Turns a run's merged summary into its result on a thread (`finalizeResult` with the thread's cached model), as JSON text. */
  finalizeRun(task: FinalizeThreadTask['finalize'], signal?: AbortSignal): Promise<string> {
    return this.piscina.run({ finalize: task }, signal === undefined ? {} : { signal }) as Promise<string>;
  }

  /** Runs a chunk of a packed run on a thread; its summary comes back packed. */
  runPackedChunk(task: PackedChunkTask['packedChunk'], signal?: AbortSignal): Promise<ChunkOutcome<Uint8Array>> {
    return this.piscina.run({ packedChunk: task }, signal === undefined ? {} : { signal }) as Promise<ChunkOutcome<Uint8Array>>;
  }

  /** Merges a packed run's summaries in order on a thread: the packed total, or with `finalize` the result as JSON text. */
  foldPacked(task: PackedFoldTask['packedFold'], signal?: AbortSignal): Promise<Uint8Array | string> {
    return this.piscina.run({ packedFold: task }, signal === undefined ? {} : { signal }) as Promise<Uint8Array | string>;
  }

  /** Solves a scenario exactly on a thread and returns the result as JSON text (or the issues). */
  runExactJson(task: ExactTask, signal?: AbortSignal): Promise<ExactJsonOutcome | { issues: Issue[] }> {
    return this.piscina.run({ task, exactJson: true }, signal === undefined ? {} : { signal }) as Promise<
      ExactJsonOutcome | { issues: Issue[] }
    >;
  }

  /** Conditions a forecast on observations on a thread (`updateScenario`); the answer as JSON text, or the issues. */
  runUpdateJson(task: UpdateThreadTask['update'], signal?: AbortSignal): Promise<UpdateJsonOutcome> {
    return this.piscina.run({ update: task }, signal === undefined ? {} : { signal }) as Promise<UpdateJsonOutcome>;
  }

  /** Runs one pass of an update over part of the trials on a thread (`UpdatePassTask`). */
  runUpdatePass(task: UpdatePassTask['updatePass']): Promise<TrialWeights | RunSummary> {
    return this.piscina.run({ updatePass: task }) as Promise<TrialWeights | RunSummary>;
  }

  /**
   * Solves a scenario exactly on a thread and returns only `metrics`' means (or the issues). With
   * `keep` (e.g. a sweep's fingerprint), the thread keeps the answers of tasks under the same key
   * and solves each metric again only where a parameter it reads changed (`ExactPoints`).
   */
  runExactMeans(task: ExactTask, metrics: string[], signal?: AbortSignal, keep?: string): Promise<ExactMeansOutcome | { issues: Issue[] }> {
    const input = { task, exactMeansOf: metrics, ...(keep === undefined ? {} : { exactKeep: keep }) };
    return this.piscina.run(input, signal === undefined ? {} : { signal }) as Promise<ExactMeansOutcome | { issues: Issue[] }>;
  }

  /** One lane per thread, each holding up to `capacity` tasks. */
  lanes<T extends ChunkTask>(capacity = 1, signal?: AbortSignal): Lane<T, RunSummary>[] {
    return Array.from({ length: this.threads }, () => ({ capacity, run: (task: T) => this.run(task, signal) }));
  }

  /** Stops the threads (tasks still running reject). */
  async destroy(): Promise<void> {
    await this.piscina.destroy();
  }
}
