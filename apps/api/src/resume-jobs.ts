/** On start, picks up the jobs a previous server process left running, keeping the rows already stored. */
import type { FastifyBaseLogger } from 'fastify';
import type { JobPlanner } from './job-planner.ts';
import type { JobRunner } from './jobs.ts';
import type { Store } from './store.ts';

/** Resumes every unfinished job whose plan still matches (planned off the event loop); marks the others failed with the reason. */
export async function resumeUnfinishedJobs(store: Store, jobs: JobRunner, planner: JobPlanner, log: FastifyBaseLogger): Promise<void> {
  for (const job of store.unfinishedJobs()) {
    try {
      const work = await planner.stored(job.kind, job.request);
      if (work.plan.fingerprint !== job.fingerprint) throw new Error('the scenario or the engine changed since the job started');
      if (jobs.resume(job.id, work, job)) log.warn({ job: job.id, done: job.done, total: job.total }, 'resuming a job left unfinished');
      else log.warn({ job: job.id }, 'a job left unfinished passed its deadline meanwhile; marked failed');
    } catch (error) {
      store.finishJob(job.id, 'failed', {
        code: 'server_restarted',
        message: `the job could not be resumed after a restart (${error instanceof Error ? error.message.split('\n')[0] : String(error)}); start it again`,
        path: '',
      });
    }
  }
}
