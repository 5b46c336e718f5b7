/**
 * Simulation off the event loop: one long-lived piscina pool shared by all requests, with admission
 * control in front of it (a bounded number of jobs, running or waiting), a deadline per job, and
 * cancellation through an AbortSignal (client gone, deadline passed, server closing).
 */
import { availableParallelism } from 'node:os';
import {
  type Chunk,
  contentHash,
  type ExactResult,
  emptySummary,
  GeoriskError,
  type Issue,
  type Model,
  mergeSummaries,
  type Overrides,
  planChunks,
  planModel,
  pointOverrides,
  type RunSummary,
  type ScenarioDocument,
  type SweepPlan,
} from '@georisk/engine';
import { Piscina } from 'piscina';
import { ApiError } from './errors.ts';
import type { WorkerOutcome, WorkerTask } from './worker.ts';

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

/**
 * When this module runs from TypeScript source (tests), worker threads need the tsx loader; they
 * inherit `node --import tsx`, otherwise they are told to load it. The bundle (dist/) needs neither.
 */
function workerExecArgv(): string[] {
  const args = process.execArgv;
  // A loader argument naming tsx itself (not just any path with "tsx" in it: pnpm folder names mention it).
  const isTsx = (arg: string | undefined) => arg !== undefined && /(^tsx$|^tsx\/|[\\/]tsx[\\/]|^--import=tsx$)/.test(arg);
  const loaded = args.some((arg, i) => isTsx(arg) && (arg.startsWith('--import=') || ['--import', '--loader'].includes(args[i - 1] ?? '')));
  return loaded ? args : [...args, '--import', import.meta.resolve('tsx')];
}

/** How long a client should wait before retrying when the pool is full. */
const RETRY_AFTER_SECONDS = 5;

export class SimulationPool {
  readonly threads: number;
  readonly maxJobs: number;
  readonly jobDeadlineMs: number;
  private readonly piscina: Piscina<WorkerTask, WorkerOutcome>;
  private jobs = 0;
  private readonly closing = new AbortController();

  constructor(options: PoolOptions = {}) {
    this.threads = options.threads ?? Math.max(1, availableParallelism() - 1);
    this.maxJobs = options.maxJobs ?? this.threads * 4;
    this.jobDeadlineMs = options.jobDeadlineMs ?? 120_000;
    const fromSource = import.meta.url.endsWith('.ts');
    this.piscina = new Piscina<WorkerTask, WorkerOutcome>({
      filename: new URL(`./worker.${fromSource ? 'ts' : 'js'}`, import.meta.url).href,
      minThreads: this.threads,
      maxThreads: this.threads,
      idleTimeout: 60_000,
      // Admission control bounds the work; this is a backstop (each job keeps at most `threads` tasks queued).
      maxQueue: this.maxJobs * this.threads,
      resourceLimits: { maxOldGenerationSizeMb: options.workerHeapMb ?? 1024 },
      ...(fromSource ? { execArgv: workerExecArgv() } : {}),
    });
    // Without a listener, an 'error' event would throw and take the whole server down.
    this.piscina.on('error', (error: unknown) => options.onWorkerError?.(error));
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
    return this.piscina.queueSize;
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
        throw new ApiError(503, 'cancelled', 'the job was cancelled because its client went away', '', RETRY_AFTER_SECONDS);
      }
      throw error;
    } finally {
      this.jobs--;
    }
  }

  /** Runs one task; a full piscina queue (a backstop) becomes a 503 too. */
  private async task(task: WorkerTask, signal: AbortSignal): Promise<WorkerOutcome> {
    try {
      return await this.piscina.run(task, { signal });
    } catch (error) {
      if (error instanceof Error && /queue is at limit/i.test(error.message)) {
        throw new ApiError(503, 'server_busy', 'the server is busy; try again shortly', '', RETRY_AFTER_SECONDS);
      }
      throw error;
    }
  }

  /**
   * Runs all trials of a model in fixed chunks on the pool and merges them: the numbers are the
   * same as the CLI's for any number of threads (trial i always draws from the streams of (seed, i)).
   */
  runTrials(model: Model, run: { seed: number; trials: number; overrides: Overrides }, signal?: AbortSignal): Promise<RunSummary> {
    return this.job(signal, async (jobSignal) => {
      const chunks = planChunks(run.trials);
      const key = contentHash({ scenario: model.scenario, overrides: run.overrides });
      const parts = new Array<RunSummary | undefined>(chunks.length);
      // The failure of the earliest chunk wins, so the error reported never depends on thread timing.
      const failures: { index: number; issues: Issue[] }[] = [];
      let next = 0;
      const lane = async () => {
        while (next < chunks.length && failures.length === 0 && !jobSignal.aborted) {
          const index = next++;
          const outcome = await this.task(
            { kind: 'chunk', scenario: model.scenario, key, overrides: run.overrides, seed: run.seed, chunk: chunks[index] as Chunk },
            jobSignal,
          );
          if ('issues' in outcome) failures.push({ index, issues: outcome.issues });
          else if ('summary' in outcome) parts[index] = outcome.summary;
        }
      };
      await Promise.all(Array.from({ length: Math.min(this.threads, chunks.length) }, lane));
      if (jobSignal.aborted) throw jobSignal.reason;
      const first = failures.reduce<(typeof failures)[number] | undefined>(
        (a, b) => (a === undefined || b.index < a.index ? b : a),
        undefined,
      );
      if (first !== undefined) throw new GeoriskError(first.issues);
      // Merge in chunk order (exact sums make any order give the same bits; order keeps it obvious).
      const total = emptySummary(model);
      for (const part of parts) mergeSummaries(total, part as RunSummary);
      return total;
    });
  }

  /**
   * Runs a long job (a sweep) in one admission slot with no deadline: it ends when its work does,
   * when `signal` fires (DELETE), or when the pool closes.
   */
  longJob<T>(signal: AbortSignal, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return this.job(signal, work, Number.POSITIVE_INFINITY);
  }

  /** One point of a sweep plan: its chunks on the pool one after another, merged exactly (the CLI's rows, bit for bit). */
  async sweepPoint(plan: SweepPlan, index: number, signal: AbortSignal): Promise<RunSummary> {
    const total = emptySummary(planModel(plan));
    const overrides = pointOverrides(plan, index);
    for (const chunk of plan.chunks) {
      const outcome = await this.task(
        { kind: 'chunk', scenario: plan.scenario, key: `${plan.fingerprint}:${index}`, overrides, seed: plan.seed, chunk },
        signal,
      );
      if ('issues' in outcome) throw new GeoriskError(outcome.issues);
      if (!('summary' in outcome)) throw new Error('worker returned no summary');
      mergeSummaries(total, outcome.summary);
    }
    return total;
  }

  /** Solves a scenario exactly on the pool. */
  exact(scenario: ScenarioDocument, overrides: Overrides, signal?: AbortSignal): Promise<ExactResult> {
    return this.job(signal, async (jobSignal) => {
      const outcome = await this.task({ kind: 'exact', scenario, overrides }, jobSignal);
      if ('issues' in outcome) throw new GeoriskError(outcome.issues);
      if (!('exact' in outcome)) throw new Error('worker returned no exact result');
      return outcome.exact;
    });
  }

  /** Cancels every job and stops the threads. */
  async close(): Promise<void> {
    this.closing.abort(new Error('pool closing'));
    await this.piscina.destroy();
  }
}
