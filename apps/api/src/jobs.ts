/**
 * Long jobs (parameter sweeps) that run in the background: recorded before they start, each finished
 * point committed as a row (so it survives `kill -9`), resumed from the rows already stored when the
 * server starts again, and cancelled by DELETE. With a queue (`--queue`, GEORISK_QUEUE), a job's
 * chunks run on `georisk worker`s instead of this server's threads, with the same rows.
 */
import { type RunSummary, type SweepPlan, type SweepRowFacts, sweepRow } from '@georisk/engine';
import { type QueueConnection, type QueueProgress, QueueRunError, runPointsOnQueue } from '@georisk/queue';
import { ApiError, errorReply } from './errors.ts';
import type { JobsPerClient } from './plugins/limits.ts';
import type { SimulationPool } from './pool.ts';
import type { Store } from './store.ts';

interface Log {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** How the chunks of a job on the queue are going (in the job's `progress` beside its points). */
export interface QueueJobProgress {
  chunksDone: number;
  chunksTotal: number;
  chunksPerSecond: number;
  /** Seconds left at the current rate; null before a rate is known. */
  etaSeconds: number | null;
  workersSeen: number;
}

export class JobRunner {
  private readonly running = new Map<string, { controller: AbortController; finished: Promise<void> }>();
  /** The latest chunk progress of each job running on the queue. */
  private readonly queueProgress = new Map<string, QueueJobProgress>();

  constructor(
    private readonly store: Store,
    private readonly pool: SimulationPool,
    private readonly log: Log,
    /** The per-address job cap: a sweep or sensitivity job holds one of its client's slots until it ends. */
    private readonly jobsPerClient: JobsPerClient,
    /** A job still running this long after it started is stopped and recorded `deadline_exceeded`. */
    readonly deadlineMs: number,
    /** Where sweep chunks run: the queue when given, otherwise the pool's threads. */
    private readonly queue?: QueueConnection,
  ) {}

  /** Chunk progress of a job on the queue, kept after it ends (undefined for a local job, or before its first report). */
  chunkProgress(id: string): QueueJobProgress | undefined {
    return this.queueProgress.get(id);
  }

  /**
   * Records a new job and starts it, holding one of `client`'s job slots until it ends: 429 at once
   * when the address has as many jobs as it may, 503 when the pool has no slot. Returns its deadline.
   */
  start(id: string, kind: string, request: unknown, work: JobWork, client: string): { deadlineAt: string | null } {
    const release = this.jobsPerClient.acquire(client);
    if (this.pool.isFull) {
      release();
      throw new ApiError(503, 'server_busy', 'the server is running as many jobs as it can; try again shortly', '', 5);
    }
    const { plan } = work;
    const deadlineAt = Number.isFinite(this.deadlineMs) ? new Date(Date.now() + this.deadlineMs).toISOString() : null;
    try {
      this.store.startJob({
        id,
        kind,
        request,
        fingerprint: plan.fingerprint,
        total: plan.points.length,
        columns: work.columns,
        client,
        deadlineAt,
      });
    } catch (error) {
      release();
      throw error;
    }
    this.run(id, work, client, this.deadlineMs, release);
    return { deadlineAt };
  }

  /**
   * Continues a job a previous process left running (rows already stored are kept, not run again),
   * within what is left of its deadline; a job whose deadline passed meanwhile is ended `deadline_exceeded`.
   */
  resume(id: string, work: JobWork, job: { client: string; deadlineAt: string | null }): boolean {
    const left = job.deadlineAt === null ? Number.POSITIVE_INFINITY : Date.parse(job.deadlineAt) - Date.now();
    if (!(left > 0)) {
      this.store.finishJob(id, 'failed', deadlineBody(this.deadlineMs));
      return false;
    }
    // Counted against its client, though over the cap: it was admitted before the restart.
    this.run(id, work, job.client, left, this.jobsPerClient.acquire(job.client, true));
    return true;
  }

  /** Cancels a running job; false if it is not running here. */
  cancel(id: string): boolean {
    const job = this.running.get(id);
    this.store.finishJob(id, 'cancelled', { code: 'cancelled', message: 'cancelled by DELETE', path: '' });
    if (!job) return false;
    job.controller.abort(new Error('cancelled'));
    return true;
  }

  /** Resolves when every job running here has stopped (after the pool closes, they stop at once). */
  async settled(): Promise<void> {
    await Promise.all([...this.running.values()].map((j) => j.finished));
  }

  private run(id: string, work: JobWork, client: string, deadlineMs: number, release: () => void): void {
    const controller = new AbortController();
    const finished = this.pool
      .longJob(controller.signal, deadlineMs, async (signal) => {
        // A staged job (a Morris screen, then Sobol' on its leaders) stores each stage's rows after the previous stage's.
        let stage = work;
        let offset = 0;
        for (;;) {
          await this.runStage(id, stage, offset, client, signal);
          if (signal.aborted) throw signal.reason;
          const rows = stageRows(this.store.jobRows(id), offset);
          const next = await stage.next?.(rows, signal);
          if (next === undefined) return stage.finish ? await stage.finish(rows, signal) : undefined;
          offset += stage.plan.points.length;
          this.store.setJobTotal(id, offset + next.plan.points.length);
          stage = next;
        }
      })
      .then(
        (result) => {
          this.store.finishJob(id, 'done', undefined, result);
        },
        (error: unknown) => {
          // A server shutting down leaves the job running in the store, so the next start resumes it.
          if (error instanceof ApiError && error.code === 'shutting_down') return;
          let body = errorReply(error, id).body;
          // The stored message names the job's whole deadline, also when it resumed with what was left of it.
          if (body.code === 'deadline_exceeded') body = deadlineBody(this.deadlineMs);
          if (body.code === 'internal_error') this.log.error({ err: error, job: id }, 'job failed');
          this.store.finishJob(id, 'failed', body);
        },
      )
      .finally(() => {
        // The last chunk progress stays, so a finished queue job still reports its chunks and workers.
        this.running.delete(id);
        release();
      });
    this.running.set(id, { controller, finished });
  }

  /** Runs one stage's points without a row yet, on the pool's threads or on the queue; rows go at `offset` + point. */
  private async runStage(id: string, work: JobWork, offset: number, client: string, signal: AbortSignal): Promise<void> {
    if (this.queue !== undefined) return this.runOnQueue(id, work, offset, this.queue, signal);
    const { plan } = work;
    const done = stageRows(this.store.jobRows(id), offset);
    let next = 0;
    // Points run side by side, one lane per thread; each row is committed as soon as its point is done.
    const lane = async () => {
      while (!signal.aborted) {
        while (next < plan.points.length && done.has(next)) next++;
        if (next >= plan.points.length) return;
        const index = next++;
        const row = work.exactRow
          ? work.exactRow(await this.pool.exactPoint(plan, index, signal, client))
          : work.row(index, await this.pool.sweepPoint(plan, index, signal, client));
        this.store.saveJobRow(id, offset + index, row);
      }
    };
    await Promise.all(Array.from({ length: this.pool.threads }, lane));
  }

  /** Runs a stage's points on the queue from the first one without a row, committing each row in point order. */
  private async runOnQueue(id: string, work: JobWork, offset: number, queue: QueueConnection, signal: AbortSignal): Promise<void> {
    const { plan } = work;
    const done = stageRows(this.store.jobRows(id), offset);
    let start = 0;
    while (start < plan.points.length && done.has(start)) start++;
    if (start >= plan.points.length) return;
    const shown = (p: QueueProgress): QueueJobProgress => ({
      chunksDone: p.chunksDone,
      chunksTotal: p.chunksTotal,
      chunksPerSecond: Math.round(p.chunksPerSecond * 100) / 100,
      etaSeconds: p.etaSeconds === undefined ? null : Math.round(p.etaSeconds),
      workersSeen: p.workersSeen,
    });
    try {
      await runPointsOnQueue(plan, {
        queue,
        start,
        signal,
        onPoint: (index, summary) => {
          if (!done.has(index)) this.store.saveJobRow(id, offset + index, work.row(index, summary));
        },
        onProgress: (p) => this.queueProgress.set(id, shown(p)),
        onIdle: () =>
          this.log.warn(
            { job: id, queue: queue.address.display },
            `no chunk has come back yet: start workers with \`georisk worker --queue ${queue.address.display}\``,
          ),
        resumeAdvice: 'once it answers again, post the job again (finished chunks are not run twice)',
      });
    } catch (error) {
      // A worker refused or kept failing a chunk, or Redis went away: one clear line on the job.
      if (error instanceof QueueRunError) throw new ApiError(502, 'queue_failed', error.message);
      throw error;
    }
  }
}

/** What a job past its deadline records: a server-side limit, with what to do about it. */
function deadlineBody(deadlineMs: number) {
  return {
    code: 'deadline_exceeded',
    message: `the job did not finish within its deadline of ${Math.round(deadlineMs / 1000)} s and was stopped (rows finished so far are kept); start a smaller one (fewer points or trials)`,
    path: '',
  };
}

/** What a job runs: the points of a sweep plan, the row kept for each, and what to make of all rows at the end. */
export interface JobWork {
  plan: SweepPlan;
  columns: string[];
  row(index: number, summary: RunSummary): number[];
  /** With the exact solver: a point's row from its metrics' exact means, solved on the pool (the queue runs `row`). */
  exactRow?(means: number[]): number[];
  /** The job's result from its last stage's rows (analysed off the event loop); `signal` stops it. */
  finish?(rows: Map<number, (number | null)[]>, signal?: AbortSignal): Promise<unknown>;
  /** The stage that follows this one, planned from its rows (undefined: this stage's `finish` ends the job). */
  next?(rows: Map<number, (number | null)[]>, signal?: AbortSignal): Promise<JobWork | undefined>;
}

/** A stage's rows by its own point index: the stored rows from `offset` on, shifted down. */
function stageRows(rows: Map<number, (number | null)[]>, offset: number): Map<number, (number | null)[]> {
  if (offset === 0) return rows;
  const own = new Map<number, (number | null)[]>();
  for (const [point, row] of rows) if (point >= offset) own.set(point - offset, row);
  return own;
}

/**
 * A sweep: each point's row as `georisk sweep` writes it. `facts` (from the plan's thread) spare the
 * event loop building the plan's model for the first row; without them, the row builds it.
 */
export function sweepWork(plan: SweepPlan, facts?: SweepRowFacts): JobWork {
  return { plan, columns: plan.columns, row: (index, summary) => sweepRow(plan, index, summary, facts) };
}
