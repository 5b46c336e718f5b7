/** `POST /api/update`: the forecast conditioned on observations, on the pool (the scenario document checked on the document thread first). */
import { buildModel, checkResultSize, GeoriskError } from '@georisk/engine';
import type { FastifyPluginAsync } from 'fastify';
import { errorResponses, jsonContent } from '../openapi-parts.ts';
import type { JobsPerClient, SimulationRouteConfig } from '../plugins/limits.ts';
import type { SimulationPool } from '../pool.ts';
import { clientGone, parseBody } from '../request-helpers.ts';
import { locateIssues, type ScenarioCatalog } from '../scenario-catalog.ts';
import { UpdateRequestSchema } from '../schemas.ts';

export interface UpdateRoutesOptions {
  scenarios: ScenarioCatalog;
  pool: SimulationPool;
  simulationLimit: SimulationRouteConfig;
  jobsPerClient: JobsPerClient;
  /** Ceiling on trials × steps (both passes of the update together). */
  budget: number;
  /** Ceiling on the numbers one result holds. */
  maxResultValues: number;
}

/** The update route. */
export const updateRoutes: FastifyPluginAsync<UpdateRoutesOptions> = async (
  app,
  { scenarios, pool, simulationLimit, jobsPerClient, budget, maxResultValues },
) => {
  app.post('/api/update', { config: simulationLimit }, async (request, reply) => {
    const body = parseBody(UpdateRequestSchema, request.body);
    // The scenario document is checked on a document thread, so a bad one costs no simulation slot.
    await scenarios.prepare(body, { maxResultValues });
    const loaded = scenarios.fromRequest(body);
    try {
      if (body.text === undefined) checkResultSize(buildModel(loaded.scenario, body.overrides), maxResultValues);
      const signal = clientGone(reply);
      const options = { trials: body.trials, seed: body.seed, overrides: body.overrides, budget, method: body.method };
      // The observations are read, and the answer serialized, on the simulation thread.
      const json = await jobsPerClient.run(request.ip, () =>
        pool.updateJson({ scenario: loaded.scenario, observations: body.observations, options }, signal, request.ip),
      );
      return reply.type('application/json; charset=utf-8').send(json);
    } catch (error) {
      // Issues about the observations already point into their text; the others, into the scenario.
      if (error instanceof GeoriskError && error.issues.every((i) => i.path.startsWith('observations') || i.path === 'as_of')) throw error;
      throw await scenarios.relocate(body, locateIssues(loaded, error));
    }
  });
};

/** The update route in the OpenAPI document. */
export const UPDATE_PATHS = {
  '/api/update': {
    post: {
      summary: 'The forecast conditioned on what has been observed so far (georisk update)',
      description:
        "Weighs every trial by the likelihood of the observations and resamples them systematically: an ordinary run result with `receipt.observationsHash` and a `conditioning` block (effective sample size, each observation's probability given the ones before, parameter shifts, warnings), plus `exact` where the chain is Markov and only tracks and events are observed (per track, and `exact.metrics` for every metric `georisk exact` answers, conditioned; `exact.unavailable` says why the others have none). 400 `bad_observation` or `impossible_observation` name the observation (path into the observations text, with line and column).",
      requestBody: { required: true, content: jsonContent('UpdateRequest') },
      responses: { 200: { description: 'conditioned result' }, ...errorResponses(400, 404, 413, 429, 503) },
    },
  },
};
