/**
 * The OpenAPI 3.0 document, generated from the zod request schemas, served at /api/openapi.json
 * with a docs page at /api/docs (@fastify/swagger in static mode feeding @fastify/swagger-ui).
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { ENGINE_VERSION } from '@georisk/engine';
import { ExerciseSchema } from '@georisk/engine/classroom';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { CLASSROOM_PATHS } from './classroom.ts';
import { API_ERROR_CODES } from './errors.ts';
import {
  DocumentRequestSchema,
  ErrorBodySchema,
  ExactRequestSchema,
  RunRequestSchema,
  SensitivityRequestSchema,
  SweepRequestSchema,
} from './schemas.ts';

function schema(s: z.ZodType, io: 'input' | 'output' = 'input'): Record<string, unknown> {
  const json = z.toJSONSchema(s, { target: 'openapi-3.0', io, unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}

const json = (ref: string) => ({ 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } });
const errors = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [String(s), { description: ERROR_TEXT[s] ?? 'error', content: json('Error') }]));

const ERROR_TEXT: Record<number, string> = {
  400: 'Invalid request or scenario: `{code, message, path, issues}` (issues carry line and column)',
  404: 'No such scenario or run',
  413: 'Body larger than the limit',
  429: 'Rate limit exceeded, or this address already has two simulation jobs running (Retry-After)',
  503: 'Server busy, job deadline passed or shutting down (Retry-After)',
};

const anyObject = { type: 'object', additionalProperties: true };

/** The OpenAPI document. */
export function openApiDocument(): Record<string, unknown> {
  const idParam = [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }];
  return {
    openapi: '3.0.3',
    info: {
      title: 'georisk API',
      version: ENGINE_VERSION,
      description:
        'Probabilistic escalation scenarios: validate and save scenario documents, run seeded Monte Carlo (the same numbers as `georisk run` for the same inputs) and exact analyses.',
    },
    paths: {
      '/api/health': {
        get: { summary: 'Liveness and pool load; never waits for a simulation', responses: { 200: { description: 'ok' } } },
      },
      '/api/scenarios': {
        get: {
          summary: 'The scenario library and saved user scenarios (id, title, question, tags, hash)',
          responses: { 200: { description: 'list' } },
        },
        post: {
          summary: 'Save a user scenario; returns its id and hash',
          requestBody: {
            required: true,
            content: { ...json('DocumentRequest'), 'application/yaml': { schema: { type: 'string' } } },
          },
          responses: { 201: { description: 'saved', content: { 'application/json': { schema: anyObject } } }, ...errors(400, 413, 429) },
        },
      },
      '/api/scenarios/{id}': {
        get: {
          summary: 'One scenario: metadata, its text and the expanded document',
          parameters: idParam,
          responses: { 200: { description: 'scenario' }, ...errors(404) },
        },
      },
      '/api/scenarios/validate': {
        post: {
          summary: 'Check a document: `{valid, issues, warnings}`, each issue with code, path, line, column and hint',
          requestBody: {
            required: true,
            content: { ...json('DocumentRequest'), 'application/yaml': { schema: { type: 'string' } } },
          },
          responses: { 200: { description: 'the verdict' }, ...errors(400, 413, 429) },
        },
      },
      '/api/runs': {
        get: {
          summary: 'The latest runs, newest first (id, status, scenario, times), without results',
          parameters: [{ name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500, default: 50 } }],
          responses: { 200: { description: '`{runs}`' }, ...errors(400) },
        },
        post: {
          summary: 'Run a scenario by Monte Carlo; the result (with its receipt) is stored',
          requestBody: { required: true, content: json('RunRequest') },
          responses: { 201: { description: '`{id, status, result}`' }, ...errors(400, 404, 413, 429, 503) },
        },
      },
      '/api/runs/{id}': {
        get: {
          summary: 'A stored run: status, request, result or error',
          parameters: idParam,
          responses: { 200: { description: 'run' }, ...errors(404) },
        },
      },
      '/api/sweeps': {
        post: {
          summary:
            "Start a parameter sweep (grid, Latin hypercube or Sobol') as a background job; rows equal `georisk sweep --format jsonl`",
          requestBody: { required: true, content: json('SweepRequest') },
          responses: {
            202: { description: '`{id, kind, status, progress, columns}`; poll /api/jobs/{id}' },
            ...errors(400, 404, 413, 429, 503),
          },
        },
      },
      '/api/sensitivity': {
        post: {
          summary:
            "Start a sensitivity analysis (tornado, Morris, Sobol'/Jansen with bootstrap intervals) as a background job; the finished job's `result` equals `georisk sensitivity --format json`",
          requestBody: { required: true, content: json('SensitivityRequest') },
          responses: {
            202: { description: '`{id, kind, status, progress, columns}`; poll /api/jobs/{id}' },
            ...errors(400, 404, 413, 429, 503),
          },
        },
      },
      '/api/jobs/{id}': {
        get: {
          summary: 'A job: status (running, done, failed, cancelled), progress, columns and the rows finished so far',
          description:
            '`progress` is `{done, total}` points; on a server started with a queue (--queue, GEORISK_QUEUE) a running job adds `queue`: `{chunksDone, chunksTotal, chunksPerSecond, etaSeconds, workersSeen}`.',
          parameters: idParam,
          responses: { 200: { description: 'job' }, ...errors(404) },
        },
        delete: {
          summary: 'Cancel a running job (the rows finished so far are kept)',
          parameters: idParam,
          responses: { 200: { description: '`{id, status, progress}`' }, ...errors(404) },
        },
      },
      '/api/jobs/{id}/events': {
        get: {
          summary:
            'Progress as server-sent events: `progress` {status, progress} whenever a point (or, on a queue, a chunk) finishes, then `end` with the final status',
          parameters: idParam,
          responses: { 200: { description: 'text/event-stream' }, ...errors(404) },
        },
      },
      '/api/exact': {
        post: {
          summary: 'Solve a scenario exactly (scenarios whose tracks form a finite Markov chain)',
          requestBody: { required: true, content: json('ExactRequest') },
          responses: { 200: { description: 'exact result' }, ...errors(400, 404, 413, 429, 503) },
        },
      },
      ...CLASSROOM_PATHS,
    },
    components: {
      schemas: {
        DocumentRequest: schema(DocumentRequestSchema),
        RunRequest: schema(RunRequestSchema),
        ExactRequest: schema(ExactRequestSchema),
        SweepRequest: schema(SweepRequestSchema),
        SensitivityRequest: schema(SensitivityRequestSchema),
        Exercise: schema(ExerciseSchema),
        Error: {
          ...schema(ErrorBodySchema, 'output'),
          description: `Every 4xx and 5xx body. The API's own codes:\n${Object.entries(API_ERROR_CODES)
            .map(([code, meaning]) => `- \`${code}\`: ${meaning}`)
            .join(
              '\n',
            )}\n\nScenario problems carry the engine's code (e.g. \`yaml_syntax\`, \`unknown_name\`, \`budget_exceeded\`) and every issue with its line and column.`,
        },
      },
    },
  };
}

/** Serves the document and the docs page. */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  const document = openApiDocument();
  app.get('/api/openapi.json', async () => document);
  // biome-ignore lint/suspicious/noExplicitAny: the static document is built by hand, not typed against openapi-types.
  await app.register(swagger, { mode: 'static', specification: { document: document as any } });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });
}
