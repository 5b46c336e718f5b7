/** `/api/runs`: a Monte Carlo run on the pool, stored with its result (or error), and the stored runs. */
import { randomUUID } from 'node:crypto';
import {
  buildModel,
  checkRunOptions,
  GeoriskError,
  type Issue,
  type LoadedScenario,
  type Model,
  scenarioHash,
  type UncertaintyPlan,
  type UncertaintyResult,
} from '@georisk/engine';
import { modelKey, planChunks } from '@georisk/engine/chunks';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, errorReply } from '../errors.ts';
import { errorResponses, ID_PARAM, jsonContent } from '../openapi-parts.ts';
import type { JobsPerClient, SimulationRouteConfig } from '../plugins/limits.ts';
import type { SimulationPool } from '../pool.ts';
import type { StorageQuotas } from '../quotas.ts';
import { clientGone, parseBody } from '../request-helpers.ts';
import { inRequestTerms, locateIssues, type ScenarioCatalog } from '../scenario-catalog.ts';
import { type BandRunRequest, IdParamsSchema, type PlainRunRequest, RunListQuerySchema, RunRequestSchema } from '../schemas.ts';
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

/** Turns a run's trials into its result as JSON text (on a simulation thread), given how long they took and on how many threads. */
type FinishRun = (info: { seconds: number; workers: number }) => Promise<string>;

/** A run ready to start: its scenario's id and hash, its warnings, how to run its trials (then finish them), and how to place its issues. */
interface PreparedRun {
  scenarioId: string;
  hash: string;
  warnings: Issue[];
  trials(signal: AbortSignal): Promise<FinishRun>;
  locate(error: unknown): Promise<unknown>;
}

/**
 * Checks a run request. A document is checked with its overrides and run options on a document
 * thread, which hands its scenario back packed: its chunks run, merge and finalize on simulation
 * threads, so neither its model nor its scenario, summaries or result are built on this one. A
 * library or saved scenario (already parsed) is compiled here, as before.
 */
async function prepareRun(options: RunRoutesOptions, body: PlainRunRequest, client: string): Promise<PreparedRun> {
  const { scenarios, pool, budget, maxResultValues } = options;
  const run = { seed: body.seed, trials: body.trials, overrides: body.overrides };
  if (body.text !== undefined) {
    const checked = await scenarios.checkText(body.text, {
      packed: true,
      overrides: body.overrides,
      run: { ...run, budget, maxResultValues },
    });
    const { scenarioPacked, run: prepared } = checked;
    if (scenarioPacked === undefined || prepared === undefined) throw new Error('internal: the run check returned no scenario');
    const packed = { scenario: scenarioPacked, key: prepared.key, overrides: body.overrides };
    return {
      scenarioId: checked.id,
      hash: checked.hash,
      warnings: requestWarnings(checked.warnings),
      trials: (signal) => pool.runPacked(packed, run, signal, client),
      locate: (error) => scenarios.relocate(body, error),
    };
  }
  await scenarios.prepare(body);
  const loaded = scenarios.fromRequest(body);
  const locate = (error: unknown) => scenarios.relocate(body, locateIssues(loaded, error));
  let model: Model;
  try {
    model = buildModel(loaded.scenario, body.overrides);
    checkRunOptions(model, { trials: body.trials, seed: body.seed, budget, maxResultValues });
  } catch (error) {
    throw await locate(error);
  }
  const key = modelKey(loaded.scenario, body.overrides);
  return {
    scenarioId: loaded.scenario.id,
    hash: scenarioHash(model),
    warnings: requestWarnings(model.warnings),
    trials: async (signal) => {
      const summary = await pool.runTrials(model, run, signal, client);
      return (info) =>
        pool.finalizeJson({ scenario: loaded.scenario, key, summary, run: { seed: body.seed, overrides: body.overrides, ...info } });
    },
    locate,
  };
}

/**
 * The warnings about the request itself that `georisk run` prints on stderr: an override outside its
 * parameter's range (`bad_override`, path `overrides.NAME`). The document's own warnings are validate's.
 */
function requestWarnings(warnings: readonly Issue[]): Issue[] {
  return warnings.filter((w) => w.code === 'bad_override');
}

/** The request fields of a band's options, by the names the engine gives them in its issues (`planUncertainty`'s options). */
const BAND_FIELDS: Readonly<Record<string, string>> = {
  draws: 'uncertainty.draws',
  design: 'uncertainty.design',
  method: 'uncertainty.method',
  metrics: 'uncertainty.metrics',
  trialsPerDraw: 'uncertainty.trialsPerDraw',
};

/** The run routes. */
export const runRoutes: FastifyPluginAsync<RunRoutesOptions> = async (app, options) => {
  const { store, pool, jobsPerClient, quotas, budget } = options;

  app.post('/api/runs', { config: options.simulationLimit }, async (request, reply) => {
    const body = parseBody(RunRequestSchema, request.body);
    if (body.uncertainty !== undefined) {
      // The document is parsed and checked on a document thread; planning the draws is the engine's.
      await options.scenarios.prepare(body);
      return runBand(body, options.scenarios.fromRequest(body), request, reply);
    }
    const prepared = await prepareRun(options, body, request.ip);
    // Serialized once, for the quota and the stored request.
    const requestJson = JSON.stringify(body);
    quotas.check(request.ip, 'runs', Buffer.byteLength(requestJson));
    const id = randomUUID();
    const scenarioId = body.scenarioId ?? prepared.scenarioId;
    const { warnings } = prepared;
    store.startRun({ id, scenarioId, scenarioHash: prepared.hash, request: body, requestJson, warnings, client: request.ip });
    const started = performance.now();
    try {
      const signal = clientGone(reply);
      const finish = await jobsPerClient.run(request.ip, () => prepared.trials(signal));
      const seconds = (performance.now() - started) / 1000;
      const workers = Math.min(pool.threads, planChunks(body.trials).length);
      // The result arrives as JSON text: a large one is never serialized on the event loop, and the
      // answer is the bytes JSON.stringify({id, status, warnings, result}) would give.
      const resultJson = await finish({ seconds, workers });
      store.finishRun(id, { resultJson });
      const head = JSON.stringify({ id, status: 'done', warnings }).slice(0, -1);
      return reply
        .code(201)
        .header('location', `/api/runs/${id}`)
        .type('application/json; charset=utf-8')
        .send(`${head},"result":${resultJson}}`);
    } catch (error) {
      const located = await prepared.locate(error);
      store.finishRun(id, { error: errorReply(located, request.id).body });
      throw located;
    }
  });

  /** A two-level run (`uncertainty` in the body): planned and budgeted up front, its draws on every thread. */
  async function runBand(body: BandRunRequest, loaded: LoadedScenario, request: FastifyRequest, reply: FastifyReply) {
    // The engine's issues placed in the document, and its option paths named as this request's fields.
    const locate = (error: unknown) => inRequestTerms(locateIssues(loaded, error), BAND_FIELDS);
    const { metrics, ...uncertainty } = body.uncertainty;
    // Planned on a document thread: drawing the parameters' quantiles takes seconds for many draws.
    const planned = await options.scenarios.documents.plan({
      scenario: loaded.scenario,
      // `metrics` left out is every metric, as `--metrics` left out.
      job: {
        kind: 'uncertainty',
        options: { ...uncertainty, ...(metrics === undefined ? {} : { metrics }), seed: body.seed, overrides: body.overrides, budget },
      },
      maxResultValues: options.maxResultValues,
    });
    if ('issues' in planned) throw locate(new GeoriskError(planned.issues));
    if (!('uncertainty' in planned)) throw new Error('an uncertainty job planned as another kind');
    const plan: UncertaintyPlan = planned.uncertainty;
    quotas.check(request.ip, 'runs', Buffer.byteLength(JSON.stringify(body)));
    const id = randomUUID();
    const scenarioId = body.scenarioId ?? loaded.scenario.id;
    // The model as planUncertainty built and checked it (overrides applied), for the run's hash and warnings.
    const model = buildModel(loaded.scenario, body.overrides);
    const warnings = requestWarnings(model.warnings);
    store.startRun({ id, scenarioId, scenarioHash: scenarioHash(model), request: body, warnings, client: request.ip });
    try {
      const signal = clientGone(reply);
      const result: UncertaintyResult = await jobsPerClient.run(request.ip, () => pool.uncertainty(plan, signal, request.ip));
      store.finishRun(id, { result });
      return reply.code(201).header('location', `/api/runs/${id}`).send({ id, status: 'done', warnings, result });
    } catch (error) {
      const located = locate(error);
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
        "With `uncertainty: {draws, design, trialsPerDraw, method, metrics}` it is a two-level run (`georisk run --uncertainty N`; `trials` beside it is refused with 400 `invalid_request`, path `trials`, as the CLI refuses `--trials`, and `metrics` reports only the metrics named, as `--metrics` does, an unknown one refused with 400 `bad_run_options`; a refusal names the request's field, such as `uncertainty.draws`, and the stored request carries no `trials`): parameter draws from the priors, each solved exactly or run as its own trials on every thread, and per metric the overall answer with its sampling error, the 5–95% band across draws, the variance split and the drivers; the same numbers as the library for any thread count, refused up front with 400 `budget_exceeded` when draws × trials per draw × steps exceeds the budget. Refused up front with 400 `result_too_large` when the result would hold more numbers than the limit (states × time points × 2 series, plus metric summaries); 413 `storage_quota_exceeded` / 429 `quota_exceeded` past the address's quotas; 413 `row_too_large` (recorded on the run) past the largest stored row; 429 `too_many_jobs` past the address's job cap.",
      responses: {
        201: {
          description:
            "`{id, status, warnings, result}`: `warnings` lists what is wrong with the request yet does not stop the run, as `georisk run` prints on stderr (an override outside its parameter's range: `bad_override`, path `overrides.NAME`); empty when nothing is",
          content: jsonContent('RunAnswer'),
        },
        ...errorResponses(400, 404, 413, 429, 503),
      },
    },
  },
  '/api/runs/{id}': {
    get: {
      summary: 'A stored run: status, request, warnings (as the POST answered them), result or error',
      parameters: ID_PARAM,
      responses: { 200: { description: 'run' }, ...errorResponses(404) },
    },
  },
};
