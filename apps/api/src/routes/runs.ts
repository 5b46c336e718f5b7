/** `/api/runs`: a Monte Carlo run on the pool, stored with its result (or error), and the stored runs. */
import { randomUUID } from 'node:crypto';
import { buildModel, checkRunOptions, finalizeResult, type Model, type Overrides, scenarioHash } from '@georisk/engine';
import { planChunks } from '@georisk/engine/chunks';
import type { FastifyPluginAsync } from 'fastify';
import { ApiError, errorReply } from '../errors.ts';
import { errorResponses, ID_PARAM, jsonContent } from '../openapi-parts.ts';
import type { JobsPerClient, SimulationRouteConfig } from '../plugins/limits.ts';
import type { SimulationPool } from '../pool.ts';
import { clientGone, parseBody } from '../request-helpers.ts';
import { locateIssues, type ScenarioCatalog } from '../scenario-catalog.ts';
import { IdParamsSchema, RunListQuerySchema, RunRequestSchema } from '../schemas.ts';
import type { Store } from '../store.ts';

export interface RunRoutesOptions {
  scenarios: ScenarioCatalog;
  store: Store;
  pool: SimulationPool;
  /** Ceiling on trials × steps for one run. */
  budget: number;
  simulationLimit: SimulationRouteConfig;
  jobsPerClient: JobsPerClient;
}

/** The run routes. */
export const runRoutes: FastifyPluginAsync<RunRoutesOptions> = async (app, options) => {
  const { scenarios, store, pool, budget, jobsPerClient } = options;

  app.post('/api/runs', { config: options.simulationLimit }, async (request, reply) => {
    const body = parseBody(RunRequestSchema, request.body);
    // The document is parsed and checked on a document thread; only a valid one reaches this thread.
    await scenarios.prepare(body);
    const loaded = scenarios.fromRequest(body);
    const overrides: Overrides = body.overrides;
    let model: Model;
    try {
      model = buildModel(loaded.scenario, overrides);
      checkRunOptions(model, { trials: body.trials, seed: body.seed, budget });
    } catch (error) {
      throw await scenarios.relocate(body, locateIssues(loaded, error));
    }
    const id = randomUUID();
    store.startRun({ id, scenarioId: body.scenarioId ?? loaded.scenario.id, scenarioHash: scenarioHash(model), request: body });
    const started = performance.now();
    try {
      const signal = clientGone(reply);
      const summary = await jobsPerClient.run(request.ip, () =>
        pool.runTrials(model, { seed: body.seed, trials: body.trials, overrides }, signal),
      );
      const seconds = (performance.now() - started) / 1000;
      const workers = Math.min(pool.threads, planChunks(body.trials).length);
      const result = finalizeResult(model, summary, { seed: body.seed, overrides, seconds, workers });
      store.finishRun(id, { result });
      return reply.code(201).header('location', `/api/runs/${id}`).send({ id, status: 'done', result });
    } catch (error) {
      const located = await scenarios.relocate(body, locateIssues(loaded, error));
      store.finishRun(id, { error: errorReply(located, request.id).body });
      throw located;
    }
  });

  app.get('/api/runs', async (request) => {
    const { limit } = parseBody(RunListQuerySchema, request.query);
    return { runs: store.recentRuns(limit) };
  });

  app.get('/api/runs/:id', async (request) => {
    const { id } = parseBody(IdParamsSchema, request.params);
    const run = store.getRun(id);
    if (!run) throw new ApiError(404, 'not_found', `no run with id "${id}"`, 'id');
    return run;
  });
};

/** The runs routes in the OpenAPI document. */
export const RUN_PATHS = {
  '/api/runs': {
    get: {
      summary: 'The latest runs, newest first (id, status, scenario, times), without results',
      parameters: [{ name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500, default: 50 } }],
      responses: { 200: { description: '`{runs}`' }, ...errorResponses(400) },
    },
    post: {
      summary: 'Run a scenario by Monte Carlo; the result (with its receipt) is stored',
      requestBody: { required: true, content: jsonContent('RunRequest') },
      responses: { 201: { description: '`{id, status, result}`' }, ...errorResponses(400, 404, 413, 429, 503) },
    },
  },
  '/api/runs/{id}': {
    get: {
      summary: 'A stored run: status, request, result or error',
      parameters: ID_PARAM,
      responses: { 200: { description: 'run' }, ...errorResponses(404) },
    },
  },
};
