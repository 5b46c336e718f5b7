/**
 * Document checking off the event loop: a small pool of its own (not the simulation pool) that parses,
 * expands and validates request documents, with a bounded queue and a time limit per document.
 */
import { GeoriskError, type Issue } from '@georisk/engine';
import {
  type AnalyseOutcome,
  type AnalyseTask,
  type CheckedDocument,
  type DocumentOutcome,
  type DocumentTask,
  type ExerciseOutcome,
  type ExerciseTask,
  type PlanOutcome,
  type PlanTask,
  ThreadPool,
} from '@georisk/node';
import { ApiError } from './errors.ts';

/** What to check beside the document itself (see `DocumentTask`). */
export type DocumentCheck = Pick<DocumentTask, 'withScenario' | 'packed' | 'overrides' | 'run' | 'maxResultValues' | 'validate'>;

export interface DocumentCheckOptions {
  /** Threads checking documents (default 1). */
  threads?: number;
  /** Documents waiting for a thread; more get 503 `server_busy` (default 16). */
  maxQueue?: number;
  /** A document still being checked this long after a thread took it is refused with 400 `document_too_complex` (default 10 s). */
  timeLimitMs?: number;
  /** Old-generation heap limit of each thread. */
  heapMb?: number;
  /** Told about a thread that failed outside a task (it is replaced). */
  onError?: (error: unknown) => void;
}

/**
 * Checks documents on their own threads. They are not the simulation pool's: a document must not wait
 * behind sweeps that hold every simulation thread for minutes, and a hostile one must not take a slot
 * from a simulation; a check is bounded (its time limit ends the thread), so one thread suffices.
 */
export class DocumentChecker {
  readonly timeLimitMs: number;
  private readonly threads: number;
  private readonly maxQueue: number;
  private readonly pool: ThreadPool;
  /** The threads' first task, which loads their code: checks wait for it, so that their time limit counts only checking. */
  private readonly warm: Promise<unknown>;
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    /** The only folder `include` may read from. */
    private readonly root: string,
    options: DocumentCheckOptions = {},
  ) {
    this.timeLimitMs = options.timeLimitMs ?? 10_000;
    this.threads = options.threads ?? 1;
    this.maxQueue = options.maxQueue ?? 16;
    this.pool = new ThreadPool({
      threads: this.threads,
      heapMb: options.heapMb ?? 512,
      onError: (error: unknown) => options.onError?.(error),
    });
    this.warm = this.pool.checkDocument({ text: 'id: warm-up', root }).catch(() => undefined);
  }

  /** What a valid document defines (and what `options` ask for); throws `GeoriskError` with its issues otherwise. */
  async check(text: string, options: DocumentCheck = {}): Promise<CheckedDocument> {
    const outcome = await this.run(text, options);
    if ('checked' in outcome) return outcome.checked;
    if ('issues' in outcome) throw new GeoriskError(outcome.issues);
    throw new Error('internal: a document check answered with located issues');
  }

  /** `issues` about a valid document with their lines and columns added. */
  async locate(text: string, issues: Issue[]): Promise<Issue[]> {
    const outcome = await this.run(text, { locate: issues });
    return 'located' in outcome ? outcome.located : issues;
  }

  /** Checks an exercise definition against its scenario (`checkExercise`) on a document thread. */
  async checkExercise(task: ExerciseTask): Promise<ExerciseOutcome> {
    return this.slot((signal) => this.pool.checkExercise(task, signal), '');
  }

  /** Plans a sweep, sensitivity or uncertainty job (`planJob`) on a document thread: the plan comes back as plain data. */
  async plan(task: PlanTask): Promise<PlanOutcome> {
    const fix = task.job.kind === 'uncertainty' ? 'ask for fewer draws' : 'ask for fewer points or parameters';
    return this.slot(
      (signal) => this.pool.planJob(task, signal),
      '',
      `planning the job took longer than ${this.timeLimitMs / 1000} s, the limit; ${fix}`,
    );
  }

  /**
   * Analyses a finished sensitivity stage (`analyseJob`) on a document thread. A job already admitted must
   * not fail for a busy queue or a document's time limit, so it waits unbounded and runs to its end (its
   * job's deadline bounds it); `signal` (the job's) stops it.
   */
  async analyse(task: AnalyseTask, signal?: AbortSignal): Promise<AnalyseOutcome> {
    await this.warm;
    await this.acquire(false);
    try {
      return await this.pool.analyseJob(task, signal);
    } finally {
      this.release();
    }
  }

  /** One check on a free thread: queued here (bounded), so that its time limit starts when a thread takes it. */
  private run(text: string, extra: DocumentCheck & { locate?: Issue[] }): Promise<DocumentOutcome> {
    return this.slot((signal) => this.pool.checkDocument({ text, root: this.root, ...extra }, signal));
  }

  /** Runs `work` on a free thread with the time limit's signal; past it, 400 `document_too_complex` at `path`. */
  private async slot<T>(work: (signal: AbortSignal) => Promise<T>, path = 'text', tooLong?: string): Promise<T> {
    await this.warm;
    await this.acquire();
    const deadline = AbortSignal.timeout(this.timeLimitMs);
    try {
      return await work(deadline);
    } catch (error) {
      if (deadline.aborted) {
        throw new ApiError(
          400,
          'document_too_complex',
          tooLong ?? `checking the document took longer than ${this.timeLimitMs / 1000} s, the limit; make it smaller or simpler`,
          path,
        );
      }
      throw error;
    } finally {
      this.release();
    }
  }

  /** Takes a thread, waiting for one; `bounded`: 503 `server_busy` when `maxQueue` already wait. */
  private async acquire(bounded = true): Promise<void> {
    if (this.running < this.threads) {
      this.running++;
      return;
    }
    if (bounded && this.waiting.length >= this.maxQueue) {
      throw new ApiError(503, 'server_busy', 'the server is checking many documents; try again shortly', '', 5);
    }
    // The slot passes straight from the releasing check to this one.
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }

  /** Stops the threads. */
  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
