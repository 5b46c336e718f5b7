/**
 * Long jobs (parameter sweeps) that run in the background: recorded before they start, each finished
 * point committed as a row (so it survives `kill -9`), resumed from the rows already stored when the
 * server starts again, and cancelled by DELETE.
 */
import { type RunSummary, type SweepPlan, sweepRow } from '@georisk/engine';
import { ApiError, errorReply } from './errors.ts';
import type { SimulationPool } from './pool.ts';
import type { Store } from './store.ts';

interface Log {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export class JobRunner {
  private readonly running = new Map<string, { controller: AbortController; finished: Promise<void> }>();

  constructor(
    private readonly store: Store,
    private readonly pool: SimulationPool,
    private readonly log: Log,
  ) {}

  /** Records a new job and starts it; throws 503 at once when the pool has no slot. */
  start(id: string, kind: string, request: unknown, work: JobWork): void {
    if (this.pool.isFull) throw new ApiError(503, 'server_busy', 'the server is running as many jobs as it can; try again shortly', '', 5);
    const { plan } = work;
    this.store.startJob({ id, kind, request, fingerprint: plan.fingerprint, total: plan.points.length, columns: work.columns });
    this.run(id, work);
  }

  /** Continues a job a previous process left running (rows already stored are kept, not run again). */
  resume(id: string, work: JobWork): void {
    this.run(id, work);
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

  private run(id: string, work: JobWork): void {
    const { plan } = work;
    const controller = new AbortController();
    const finished = this.pool
      .longJob(controller.signal, async (signal) => {
        const done = this.store.jobRows(id);
        let next = 0;
        // Points run side by side, one lane per thread; each row is committed as soon as its point is done.
        const lane = async () => {
          while (!signal.aborted) {
            while (next < plan.points.length && done.has(next)) next++;
            if (next >= plan.points.length) return;
            const index = next++;
            const summary = await this.pool.sweepPoint(plan, index, signal);
            this.store.saveJobRow(id, index, work.row(index, summary));
          }
        };
        await Promise.all(Array.from({ length: this.pool.threads }, lane));
        if (signal.aborted) throw signal.reason;
      })
      .then(
        () => {
          const result = work.finish ? work.finish(this.store.jobRows(id)) : undefined;
          this.store.finishJob(id, 'done', undefined, result);
        },
        (error: unknown) => {
          // A server shutting down leaves the job running in the store, so the next start resumes it.
          if (error instanceof ApiError && error.code === 'shutting_down') return;
          const body = errorReply(error, id).body;
          if (body.code === 'internal_error') this.log.error({ err: error, job: id }, 'job failed');
          this.store.finishJob(id, 'failed', body);
        },
      )
      .finally(() => {
        this.running.delete(id);
      });
    this.running.set(id, { controller, finished });
  }
}

/** What a job runs: the points of a sweep plan, the row kept for each, and what to make of all rows at the end. */
export interface JobWork {
  plan: SweepPlan;
  columns: string[];
  row(index: number, summary: RunSummary): number[];
  finish?(rows: Map<number, (number | null)[]>): unknown;
}

/** A sweep: each point's row as `georisk sweep` writes it. */
export function sweepWork(plan: SweepPlan): JobWork {
  return { plan, columns: plan.columns, row: (index, summary) => sweepRow(plan, index, summary) };
}
