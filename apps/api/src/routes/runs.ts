/** `/api/runs`: a Monte Carlo run on the pool, stored with its result (or error), and the stored runs. */
import { randomUUID } from 'node:crypto';
import {
  buildModel,
  checkRunOptions,
  finalizeResult,
  type LoadedScenario,
  type Model,
  type Overrides,
  planUncertainty,
  scenarioHash,
  type UncertaintyPlan,
  type UncertaintyResult,
} from '@georisk/engine';
import { planChunks } from '@georisk/engine/chunks';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, errorReply } from '../errors.ts';
import { errorResponses, ID_PARAM, jsonContent } from '../openapi-parts.ts';
import type { JobsPerClient, SimulationRouteConfig } from '../plugins/limits.ts';
import type { SimulationPool } from '../pool.ts';
import type { StorageQuotas } from '../quotas.ts';
import { clientGone, parseBody } from '../request-helpers.ts';
import { locateIssues, type ScenarioCatalog } from '../scenario-catalog.ts';
import { IdParamsSchema, RunListQuerySchema, type RunRequest, RunRequestSchema } from '../schemas.ts';
import type { Store } from '../store.ts';

export interface RunRoutesOptions {
  scenarios: ScenarioCatalog;
  store: Store;
  pool: SimulationPool;
  /** Ceiling on trials × steps for one run. */
  budget: number;
  /** Ceiling on the numbers one result holds (states × steps × series, metric summaries). */
  maxResultValues: number;
  simulationLimit: SimulationRouteConfig;
  jobsPerClient: JobsPerClient;
  quotas: StorageQuotas;
}

/** The run routes. */
export const runRoutes: FastifyPluginAsync<RunRoutesOptions> = async (app, options) => {
  const { scenarios, store, pool, budget, maxResultValues, jobsPerClient, quotas } = options;

  app.post('/api/runs', { config: options.simulationLimit }, async (request, reply) => {
    const body = parseBody(RunRequestSchema, request.body);
    const loaded = scenarios.fromRequest(body);
    const overrides: Overrides = body.overrides;
    if (body.uncertainty !== undefined) return runBand(body, body.uncertainty, loaded, request, reply);
    let model: Model;
    try {
      model = buildModel(loaded.scenario, overrides);
      checkRunOptions(model, { trials: body.trials, seed: body.seed, budget, maxResultValues });
    } catch (error) {
      throw locateIssues(loaded, error);
    }
    quotas.check(request.ip, 'runs', Buffer.byteLength(JSON.stringify(body)));
    const id = randomUUID();
    const scenarioId = body.scenarioId ?? loaded.scenario.id;
    store.startRun({ id, scenarioId, scenarioHash: scenarioHash(model), request: body, client: request.ip });
    const started = performance.now();
    try {
      const signal = clientGone(reply);
      const summary = await jobsPerClient.run(request.ip, () =>
        pool.runTrials(model, { seed: body.seed, trials: body.trials, overrides }, signal, request.ip),
      );
      const seconds = (performance.now() - started) / 1000;
      const workers = Math.min(pool.threads, planChunks(body.trials).length);
      const result = finalizeResult(model, summary, { seed: body.seed, overrides, seconds, workers });
      store.finishRun(id, { result });
      return reply.code(201).header('location', `/api/runs/${id}`).send({ id, status: 'done', result });
    } catch (error) {
      const located = locateIssues(loaded, error);
      store.finishRun(id, { error: errorReply(located, request.id).body });
      throw located;
    }
  });

  /** A two-level run (`uncertainty` in the body): planned and budgeted up front, its draws on every thread. */
  async function runBand(
    body: RunRequest,
    outer: NonNullable<RunRequest['uncertainty']>,
    loaded: LoadedScenario,
    request: FastifyRequest,
    reply: FastifyReply,
  ) {
    let plan: UncertaintyPlan;
    try {
      plan = planUncertainty(loaded.scenario, { ...outer, seed: body.seed, overrides: body.overrides, budget });
    } catch (error) {
      throw locateIssues(loaded, error);
    }
    quotas.check(request.ip, 'runs', Buffer.byteLength(JSON.stringify(body)));
    const id = randomUUID();
    const scenarioId = body.scenarioId ?? loaded.scenario.id;
    store.startRun({ id, scenarioId, scenarioHash: scenarioHash(buildModel(loaded.scenario)), request: body, client: request.ip });
    try {
      const signal = clientGone(reply);
      const result: UncertaintyResult = await jobsPerClient.run(request.ip, () => pool.uncertainty(plan, signal, request.ip));
      store.finishRun(id, { result });
      return reply.code(201).header('location', `/api/runs/${id}`).send({ id, status: 'done', result });
    } catch (error) {
      const located = locateIssues(loaded, error);
      store.finishRun(id, { error: errorReply(located, request.id).body });
      throw located;
    }
  }

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
      description:
        "With `uncertainty: {draws, design, trialsPerDraw, method}` it is a two-level run (`georisk run --uncertainty N`): parameter draws from the priors, each solved exactly or run as its own trials on every thread, and per metric the overall answer with its sampling error, the 5–95% band across draws, the variance split and the drivers; the same numbers as the library for any thread count, refused up front with 400 `budget_exceeded` when draws × trials per draw × steps exceeds the budget. Refused up front with 400 `result_too_large` when the result would hold more numbers than the limit (states × time points × 2 series, plus metric summaries); 413 `storage_quota_exceeded` / 429 `quota_exceeded` past the address's quotas; 413 `row_too_large` (recorded on the run) past the largest stored row; 429 `too_many_jobs` past the address's job cap.",
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
