/**
 * Simulation off the event loop: one long-lived piscina pool shared by all requests, with admission
 * control in front of it (a bounded number of jobs, running or waiting), a deadline per job, and
 * cancellation through an AbortSignal (client gone, deadline passed, server closing).
 */
import { availableParallelism } from 'node:os';
import {
  GeoriskError,
  type Model,
  type Overrides,
  pointOverrides,
  type RunSummary,
  runUncertaintyPlan,
  type ScenarioDocument,
  type SweepPlan,
  type UncertaintyPlan,
  type UncertaintyResult,
} from '@georisk/engine';
import {
  type ChunkOutcome,
  type ChunkTask,
  chunkAt,
  type ExactTask,
  evenChunks,
  type Lane,
  runChunkedPoints,
  runChunkedTrials,
  scheduleChunks,
} from '@georisk/engine/chunks';
import { type FinalizeThreadTask, type PackedScenario, ThreadPool, type UpdateThreadTask } from '@georisk/node';
import { ApiError } from './errors.ts';
import { FairShare } from './fair-share.ts';

export interface PoolOptions {
  /** Worker threads (default: every core but one, at least one). */
  threads?: number;
  /** Jobs (runs or exact analyses) admitted at once, running or waiting; more get 503. */
  maxJobs?: number;
  /** A job still unfinished after this long is cancelled (503). */
  jobDeadlineMs?: number;
  /** Old-generation heap limit of each worker. */
  workerHeapMb?: number;
  /** Told about a worker thread that failed outside a task (it is replaced); without it the error is ignored. */
  onWorkerError?: (error: unknown) => void;
}

/** Default deadline of a run or exact analysis: past it, the server stops the job (503 `deadline_exceeded`). */
export const DEFAULT_JOB_DEADLINE_MS = 120_000;

/** Packed chunk summaries held on the event loop before a thread merges them (bounds the memory a large run holds here). */
const FOLD_EVERY = 8;

/** A chunk of a packed run, as its lane hands it to a thread. */
type PackedChunkTask = Parameters<ThreadPool['runPackedChunk']>[0];

/** How long a client should wait before retrying when the pool is full. */
const RETRY_AFTER_SECONDS = 5;

export class SimulationPool {
  readonly threads: number;
  readonly maxJobs: number;
  readonly jobDeadlineMs: number;
  private readonly pool: ThreadPool;
  /** Hands the threads to the clients' tasks in turn. */
  private readonly fair: FairShare;
  private jobs = 0;
  private readonly closing = new AbortController();

  constructor(options: PoolOptions = {}) {
    this.threads = options.threads ?? Math.max(1, availableParallelism() - 1);
    this.maxJobs = options.maxJobs ?? this.threads * 4;
    this.jobDeadlineMs = options.jobDeadlineMs ?? DEFAULT_JOB_DEADLINE_MS;
    this.fair = new FairShare(this.threads);
    this.pool = new ThreadPool({
      threads: this.threads,
      idleTimeoutMs: 60_000,
      // Admission control bounds the work; this is a backstop (each job keeps at most `threads` tasks queued).
      maxQueue: this.maxJobs * this.threads,
      heapMb: options.workerHeapMb ?? 1024,
      // Without a listener, an 'error' event would throw and take the whole server down.
      onError: (error: unknown) => options.onWorkerError?.(error),
    });
  }

  /** Jobs admitted now (running or waiting for a thread). */
  get activeJobs(): number {
    return this.jobs;
  }

  /** True when a new job would be refused (every slot taken, or closing). */
  get isFull(): boolean {
    return this.jobs >= this.maxJobs || this.closing.signal.aborted;
  }

  /** Tasks waiting for a thread. */
  get queuedTasks(): number {
    return this.pool.queueSize + this.fair.queued;
  }

  /**
   * Admits one job or refuses at once with 503 and Retry-After; the job gets a signal that fires
   * when the caller's signal does, when its deadline passes, or when the pool closes.
   */
  private async job<T>(
    signal: AbortSignal | undefined,
    work: (signal: AbortSignal) => Promise<T>,
    deadlineMs = this.jobDeadlineMs,
  ): Promise<T> {
    if (this.closing.signal.aborted) throw new ApiError(503, 'shutting_down', 'the server is shutting down', '', RETRY_AFTER_SECONDS);
    if (this.jobs >= this.maxJobs) {
      throw new ApiError(503, 'server_busy', `the server is running ${this.jobs} jobs; try again shortly`, '', RETRY_AFTER_SECONDS);
    }
    this.jobs++;
    const deadline = Number.isFinite(deadlineMs) ? AbortSignal.timeout(deadlineMs) : new AbortController().signal;
    const combined = AbortSignal.any([deadline, this.closing.signal, ...(signal ? [signal] : [])]);
    try {
      return await work(combined);
    } catch (error) {
      if (combined.aborted) {
        if (deadline.aborted) {
          throw new ApiError(503, 'deadline_exceeded', `the job did not finish within ${deadlineMs / 1000} s`, '', RETRY_AFTER_SECONDS);
        }
        if (this.closing.signal.aborted) {
          throw new ApiError(503, 'shutting_down', 'the server shut down before the job finished; run it again', '', RETRY_AFTER_SECONDS);
        }
        // Told apart from `deadline_exceeded`: the server's socket timeout outlasts every job deadline, so only the client closes early.
        throw new ApiError(
          503,
          'client_gone',
          'the job was stopped because its client closed the connection before the answer (the server cut nothing)',
          '',
          RETRY_AFTER_SECONDS,
        );
      }
      throw error;
    } finally {
      this.jobs--;
    }
  }

  /** Runs one task; a full piscina queue (a backstop) becomes a 503 too. */
  private task(task: ChunkTask, signal: AbortSignal, client: string): Promise<ChunkOutcome> {
    // Each client's tasks take their turn for a thread (fair share), then run on the pool.
    return this.busyAs503(() => this.fair.run(client, () => this.pool.run(task, signal), signal));
  }

  /** `work`, with a full piscina queue (a backstop) turned into 503 `server_busy`. */
  private async busyAs503<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof Error && /queue is at limit/i.test(error.message)) {
        throw new ApiError(503, 'server_busy', 'the server is busy; try again shortly', '', RETRY_AFTER_SECONDS);
      }
      throw error;
    }
  }

  /** `count` lanes on the pool, one task in flight each, stopped by `signal`. */
  private lanes<T extends ChunkTask>(count: number, signal: AbortSignal, client: string): Lane<T, RunSummary>[] {
    return Array.from({ length: count }, () => ({ run: (task: T) => this.task(task, signal, client) }));
  }

  /**
   * Runs all trials of a model in fixed chunks on the pool and merges them: the numbers are the
   * same as the CLI's for any number of threads (trial i always draws from the streams of (seed, i)).
   */
  runTrials(
    model: Model,
    run: { seed: number; trials: number; overrides: Overrides },
    signal?: AbortSignal,
    client = '',
  ): Promise<RunSummary> {
    return this.job(signal, (jobSignal) =>
      runChunkedTrials(model, run, {
        lanes: this.lanes(Math.min(this.threads, evenChunks(run.trials).length), jobSignal, client),
        signal: jobSignal,
      }),
    );
  }

  /**
   * Runs all trials of a document checked off the event loop and finalizes them there: the scenario and
   * each chunk's summary cross threads packed, chunks are merged in order on a thread (every
   * `FOLD_EVERY` chunks, so that few wait here), and the result comes back as JSON text. Nothing the
   * size of the document or its result is built on the event loop.
   * The numbers equal `runTrials` and `finalizeJson`'s: the same merges in the same order.
   */
  runPacked(
    packed: PackedScenario,
    run: { seed: number; trials: number },
    signal?: AbortSignal,
    client = '',
  ): Promise<(info: { seconds: number; workers: number }) => Promise<string>> {
    const chunks = evenChunks(run.trials);
    return this.job(signal, async (jobSignal) => {
      const pending: Uint8Array[] = [];
      // Folds run one after another, each on the total of the previous one, so the order of merging is the chunks'.
      let total: Promise<Uint8Array | undefined> = Promise.resolve(undefined);
      const fold = (parts: Uint8Array[]) => {
        total = total.then(async (acc) => {
          const folded = await this.busyAs503(() =>
            this.pool.foldPacked({ ...packed, ...(acc === undefined ? {} : { acc }), parts }, jobSignal),
          );
          if (typeof folded === 'string') throw new Error('internal: a fold answered with a result');
          return folded;
        });
        // Awaited below; until then a failed fold must not count as unhandled.
        total.catch(() => undefined);
      };
      const lane = {
        run: (task: PackedChunkTask) =>
          this.busyAs503(() => this.fair.run(client, () => this.pool.runPackedChunk(task, jobSignal), jobSignal)),
      };
      await scheduleChunks({
        count: chunks.length,
        lanes: Array.from({ length: Math.min(this.threads, chunks.length) }, () => lane),
        signal: jobSignal,
        task: (index): PackedChunkTask => ({ ...packed, seed: run.seed, chunk: chunkAt(chunks, index) }),
        onSummary: (_, part) => {
          pending.push(part);
          if (pending.length >= FOLD_EVERY) fold(pending.splice(0));
        },
      });
      const acc = await total;
      const parts = pending.splice(0);
      return async (info) => {
        const json = await this.busyAs503(() =>
          this.pool.foldPacked({ ...packed, ...(acc === undefined ? {} : { acc }), parts, finalize: { seed: run.seed, ...info } }),
        );
        if (typeof json !== 'string') throw new Error('internal: a finalizing fold answered without a result');
        return json;
      };
    });
  }

  /**
   * A run's result from its merged summary, computed on a thread (`finalizeResult`) and returned as
   * JSON text, so neither its model is built nor a large result serialized on the event loop.
   */
  finalizeJson(task: FinalizeThreadTask['finalize']): Promise<string> {
    return this.busyAs503(() => this.pool.finalizeRun(task));
  }

  /**
   * Runs a long job (a sweep) in one admission slot: it ends when its work does, when `signal` fires
   * (DELETE), when `deadlineMs` passes (503 `deadline_exceeded`), or when the pool closes.
   */
  longJob<T>(signal: AbortSignal, deadlineMs: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return this.job(signal, work, deadlineMs);
  }

  /** One point of a sweep plan: its chunks on the pool one after another, merged exactly (the CLI's rows, bit for bit). */
  async sweepPoint(plan: SweepPlan, index: number, signal: AbortSignal, client = ''): Promise<RunSummary> {
    let total: RunSummary | undefined;
    await runChunkedPoints(plan, {
      lanes: this.lanes(1, signal, client),
      start: index,
      end: index + 1,
      onPoint: (_, summary) => {
        total = summary;
      },
    });
    if (total === undefined) throw new Error('the sweep point ran no chunks');
    return total;
  }

  /**
   * One point of a sweep plan solved exactly on a thread: its metrics' means (the thread solves, the
   * loop only copies numbers). The thread keeps the plan's answers (`ExactPoints`, as the library
   * does), so a metric is solved again only where a parameter it reads changed.
   */
  async exactPoint(plan: SweepPlan, index: number, signal: AbortSignal, client = ''): Promise<number[]> {
    const task: ExactTask = { kind: 'exact', scenario: plan.scenario, overrides: pointOverrides(plan, index), everyState: false };
    const outcome = await this.busyAs503(() =>
      this.fair.run(client, () => this.pool.runExactMeans(task, [...plan.metrics], signal, plan.fingerprint), signal),
    );
    if ('issues' in outcome) throw new GeoriskError(outcome.issues);
    return outcome.exactMeans;
  }

  /**
   * A two-level run on every thread: sampled draws' chunks or exact solves as tasks, merged in draw
   * order, so the numbers equal the library's for any number of threads.
   */
  uncertainty(plan: UncertaintyPlan, signal?: AbortSignal, client = ''): Promise<UncertaintyResult> {
    return this.job(signal, (jobSignal) =>
      runUncertaintyPlan(plan, {
        lanes: this.lanes(this.threads, jobSignal, client),
        exactLanes: Array.from({ length: this.threads }, () => ({
          run: async (task: ExactTask) => {
            const outcome = await this.busyAs503(() => this.fair.run(client, () => this.pool.run(task, jobSignal), jobSignal));
            return 'exact' in outcome ? { summary: outcome.exact } : outcome;
          },
        })),
        signal: jobSignal,
      }),
    );
  }

  /** Solves a scenario exactly on the pool; the result comes back as JSON text, serialized on the thread. */
  exactJson(scenario: ScenarioDocument, overrides: Overrides, signal?: AbortSignal, client = ''): Promise<string> {
    return this.job(signal, async (jobSignal) => {
      const task: ExactTask = { kind: 'exact', scenario, overrides };
      const outcome = await this.busyAs503(() => this.fair.run(client, () => this.pool.runExactJson(task, jobSignal), jobSignal));
      if ('issues' in outcome) throw new GeoriskError(outcome.issues);
      return outcome.exactJson;
    });
  }

  /** Conditions a forecast on observations on the pool (`updateScenario`); the answer comes back as JSON text, serialized on the thread. */
  updateJson(task: UpdateThreadTask['update'], signal?: AbortSignal, client = ''): Promise<string> {
    return this.job(signal, async (jobSignal) => {
      const outcome = await this.busyAs503(() => this.fair.run(client, () => this.pool.runUpdateJson(task, jobSignal), jobSignal));
      if ('issues' in outcome) throw new GeoriskError(outcome.issues);
      return outcome.updateJson;
    });
  }

  /** Cancels every job and stops the threads. */
  async close(): Promise<void> {
    this.closing.abort(new Error('pool closing'));
    await this.pool.destroy();
  }
}
