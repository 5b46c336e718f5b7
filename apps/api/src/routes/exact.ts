/** `POST /api/exact`: an exact analysis on the pool (scenarios whose tracks form a finite Markov chain). */
import { buildModel, checkResultSize } from '@georisk/engine';
import type { FastifyPluginAsync } from 'fastify';
import { errorResponses, jsonContent } from '../openapi-parts.ts';
import type { JobsPerClient, SimulationRouteConfig } from '../plugins/limits.ts';
import type { SimulationPool } from '../pool.ts';
import { clientGone, parseBody } from '../request-helpers.ts';
import { locateIssues, type ScenarioCatalog } from '../scenario-catalog.ts';
import { ExactRequestSchema } from '../schemas.ts';

export interface ExactRoutesOptions {
  scenarios: ScenarioCatalog;
  pool: SimulationPool;
  simulationLimit: SimulationRouteConfig;
  jobsPerClient: JobsPerClient;
  /** Ceiling on the numbers one result holds. */
  maxResultValues: number;
}

/** The exact-analysis route. */
export const exactRoutes: FastifyPluginAsync<ExactRoutesOptions> = async (
  app,
  { scenarios, pool, simulationLimit, jobsPerClient, maxResultValues },
) => {
  app.post('/api/exact', { config: simulationLimit }, async (request, reply) => {
    const body = parseBody(ExactRequestSchema, request.body);
    // A document is checked with its overrides on a document thread, so a bad one costs no simulation slot.
    await scenarios.prepare(body, { maxResultValues });
    const loaded = scenarios.fromRequest(body);
    try {
      // A library or saved scenario is checked here with the overrides (its model is cached: cheap); a
      // document's model was built on the document thread, and its result size is checked there too.
      if (body.text === undefined) checkResultSize(buildModel(loaded.scenario, body.overrides), maxResultValues);
      const signal = clientGone(reply);
      // The result arrives as JSON text, serialized on the simulation thread rather than here.
      const json = await jobsPerClient.run(request.ip, () => pool.exactJson(loaded.scenario, body.overrides, signal, request.ip));
      return reply.type('application/json; charset=utf-8').send(json);
    } catch (error) {
      throw await scenarios.relocate(body, locateIssues(loaded, error));
    }
  });
};

/** The exact route in the OpenAPI document. */
export const EXACT_PATHS = {
  '/api/exact': {
    post: {
      summary: 'Solve a scenario exactly (scenarios whose tracks form a finite Markov chain)',
      requestBody: { required: true, content: jsonContent('ExactRequest') },
      responses: { 200: { description: 'exact result' }, ...errorResponses(400, 404, 413, 429, 503) },
    },
  },
};
