/**
 * Background jobs: `POST /api/sweeps` and `POST /api/sensitivity` start one (202), `GET /api/jobs/:id`
 * reads it with the rows finished so far, `GET /api/jobs/:id/events` streams its progress and
 * `DELETE /api/jobs/:id` cancels it.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../errors.ts';
import { jobAnswerJson } from '../job-answer-json.ts';
import type { JobPlanner } from '../job-planner.ts';
import type { JobRunner, JobWork } from '../jobs.ts';
import { errorResponses, ID_PARAM, jsonContent } from '../openapi-parts.ts';
import type { SimulationRouteConfig } from '../plugins/limits.ts';
import { parseBody } from '../request-helpers.ts';
import type { ScenarioCatalog, ScenarioSource } from '../scenario-catalog.ts';
import { IdParamsSchema, SensitivityRequestSchema, SweepRequestSchema } from '../schemas.ts';
import type { Store } from '../store.ts';

export interface JobRoutesOptions {
  scenarios: ScenarioCatalog;
  store: Store;
  jobs: JobRunner;
  planner: JobPlanner;
  simulationLimit: SimulationRouteConfig;
}

/** The job routes. */
export const jobRoutes: FastifyPluginAsync<JobRoutesOptions> = async (app, { scenarios, store, jobs, planner, simulationLimit }) => {
  /** Records and starts a job; answers 202 with where to follow it. */
  const start = (request: FastifyRequest, reply: FastifyReply, kind: 'sweep' | 'sensitivity', body: unknown, work: JobWork) => {
    const id = randomUUID();
    const { deadlineAt } = jobs.start(id, kind, body, work, request.ip);
    return reply
      .code(202)
      .header('location', `/api/jobs/${id}`)
      .send({
        id,
        kind,
        status: 'running',
        progress: { done: 0, total: work.plan.points.length },
        columns: work.columns,
        deadline: deadlineAt,
      });
  };
  /** A job's progress: points done of all, and on the queue its chunks, throughput, ETA and workers seen. */
  /** Plans a job; issues about a document checked off the loop get their lines there too. */
  const planned = async (body: ScenarioSource, plan: () => Promise<JobWork>): Promise<JobWork> => {
    try {
      return await plan();
    } catch (error) {
      throw await scenarios.relocate(body, error);
    }
  };
  const progressOf = (job: { id: string; done: number; total: number }) => {
    const chunks = jobs.chunkProgress(job.id);
    return { done: job.done, total: job.total, ...(chunks === undefined ? {} : { queue: chunks }) };
  };

  app.post('/api/sweeps', { config: simulationLimit }, async (request, reply) => {
    const body = parseBody(SweepRequestSchema, request.body);
    await scenarios.prepare(body);
    return start(request, reply, 'sweep', body, await planned(body, () => planner.sweep(body)));
  });

  app.post('/api/sensitivity', { config: simulationLimit }, async (request, reply) => {
    const body = parseBody(SensitivityRequestSchema, request.body);
    await scenarios.prepare(body);
    return start(request, reply, 'sensitivity', body, await planned(body, () => planner.sensitivity(body)));
  });

  app.get('/api/jobs/:id', async (request, reply) => {
    const { id } = parseBody(IdParamsSchema, request.params);
    const stored = store.jobText(id);
    if (!stored) throw new ApiError(404, 'not_found', `no job with id "${id}"`, 'id');
    // Rows as `georisk sweep --format jsonl` writes them: one object per finished point, in point order,
    // spliced as text (a job of thousands of points would otherwise hold the loop parsing and re-serializing them).
    return reply.type('application/json; charset=utf-8').send(jobAnswerJson(stored.job, stored.rows, progressOf(stored.job)));
  });

  app.get('/api/jobs/:id/events', async (request, reply) => {
    const { id } = parseBody(IdParamsSchema, request.params);
    if (!store.jobState(id)) throw new ApiError(404, 'not_found', `no job with id "${id}"`, 'id');
    streamJobEvents(request, reply, id, store, progressOf);
  });

  app.delete('/api/jobs/:id', async (request) => {
    const { id } = parseBody(IdParamsSchema, request.params);
    const job = store.getJob(id);
    if (!job) throw new ApiError(404, 'not_found', `no job with id "${id}"`, 'id');
    if (job.status === 'running') jobs.cancel(id);
    const after = store.getJob(id) ?? job;
    return { id, status: after.status, progress: { done: after.done, total: after.total } };
  });
};

/** Progress as server-sent events: `progress` whenever a point finishes, then `end` with the final status. */
function streamJobEvents(
  request: FastifyRequest,
  reply: FastifyReply,
  id: string,
  store: Store,
  progressOf: (job: { id: string; done: number; total: number }) => { queue?: { chunksDone: number } },
): void {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    connection: 'keep-alive',
  });
  let last = '';
  let timer: NodeJS.Timeout | undefined;
  const stop = () => {
    clearInterval(timer);
    if (!raw.writableEnded) raw.end();
  };
  const tick = () => {
    try {
      // Its state only: parsing the stored request (up to the body limit) every 200 ms would hold the loop.
      const job = store.db.open ? store.jobState(id) : undefined;
      if (!job) return stop();
      // On the queue, chunks finishing between points are progress too.
      const progress = progressOf(job);
      const mark = `${job.done}/${progress.queue?.chunksDone ?? ''}`;
      if (mark !== last) {
        last = mark;
        raw.write(`event: progress\ndata: ${JSON.stringify({ status: job.status, progress })}\n\n`);
      }
      if (job.status !== 'running') {
        raw.write(`event: end\ndata: ${JSON.stringify({ status: job.status, progress: progressOf(job), error: job.error })}\n\n`);
        stop();
      }
    } catch (err) {
      request.log.error({ err }, 'event stream failed');
      stop();
    }
  };
  raw.on('close', stop);
  tick();
  if (!raw.writableEnded) timer = setInterval(tick, 200);
}

/** The jobs routes in the OpenAPI document. */
export const JOB_PATHS = {
  '/api/sweeps': {
    post: {
      summary: "Start a parameter sweep (grid, Latin hypercube or Sobol') as a background job; rows equal `georisk sweep --format jsonl`",
      requestBody: { required: true, content: jsonContent('SweepRequest') },
      responses: {
        202: {
          description:
            "`{id, kind, status, progress, columns, deadline}`; poll /api/jobs/{id}. `deadline` (ISO time) is when the server stops the job if unfinished (status `failed`, error `deadline_exceeded`; default 30 minutes after the start, also across a restart). The job holds one of its address's job slots (429 `too_many_jobs`) until it ends.",
        },
        ...errorResponses(400, 404, 413, 429, 503),
      },
    },
  },
  '/api/sensitivity': {
    post: {
      summary:
        "Start a sensitivity analysis (tornado, Morris, Sobol'/Jansen with bootstrap intervals) as a background job; the finished job's `result` equals `georisk sensitivity --format json`",
      requestBody: { required: true, content: jsonContent('SensitivityRequest') },
      responses: {
        202: {
          description:
            "`{id, kind, status, progress, columns, deadline}`; poll /api/jobs/{id}. `deadline` (ISO time) is when the server stops the job if unfinished (status `failed`, error `deadline_exceeded`; default 30 minutes after the start, also across a restart). The job holds one of its address's job slots (429 `too_many_jobs`) until it ends.",
        },
        ...errorResponses(400, 404, 413, 429, 503),
      },
    },
  },
  '/api/jobs/{id}': {
    get: {
      summary: 'A job: status (running, done, failed, cancelled), progress, columns, deadline and the rows finished so far',
      description:
        '`deadline` is when the server stops the job if unfinished (error `deadline_exceeded`). `progress` is `{done, total}` points; on a server started with a queue (--queue, GEORISK_QUEUE) a running job adds `queue`: `{chunksDone, chunksTotal, chunksPerSecond, etaSeconds, workersSeen}`.',
      parameters: ID_PARAM,
      responses: { 200: { description: 'job' }, ...errorResponses(404) },
    },
    delete: {
      summary: 'Cancel a running job (the rows finished so far are kept)',
      parameters: ID_PARAM,
      responses: { 200: { description: '`{id, status, progress}`' }, ...errorResponses(404) },
    },
  },
  '/api/jobs/{id}/events': {
    get: {
      summary:
        'Progress as server-sent events: `progress` {status, progress} whenever a point (or, on a queue, a chunk) finishes, then `end` with the final status',
      parameters: ID_PARAM,
      responses: { 200: { description: 'text/event-stream' }, ...errorResponses(404) },
    },
  },
};
