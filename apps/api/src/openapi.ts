/**
 * The OpenAPI 3.0 document: the path entries each route file declares beside its routes, and the
 * components generated from the zod request schemas, served at /api/openapi.json
 * with a docs page at /api/docs (@fastify/swagger in static mode feeding @fastify/swagger-ui).
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { ENGINE_VERSION } from '@georisk/engine';
import { ExerciseSchema } from '@georisk/engine/classroom';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { API_ERROR_CODES } from './errors.ts';
import { EXACT_PATHS } from './routes/exact.ts';
import { CLASSROOM_PATHS } from './routes/exercises/index.ts';
import { HEALTH_PATHS } from './routes/health.ts';
import { JOB_PATHS } from './routes/jobs.ts';
import { RESEARCH_NOTES_PATHS } from './routes/research-notes.ts';
import { RUN_PATHS } from './routes/runs.ts';
import { SCENARIO_PATHS } from './routes/scenarios.ts';
import { UPDATE_PATHS } from './routes/update.ts';
import {
  DocumentRequestSchema,
  ErrorBodySchema,
  ExactRequestSchema,
  RunAnswerSchema,
  RunRequestSchema,
  SensitivityRequestSchema,
  SweepRequestSchema,
  UpdateRequestSchema,
  ValidationAnswerSchema,
} from './schemas.ts';

/** A zod schema as an OpenAPI 3.0 schema. */
function schema(s: z.ZodType, io: 'input' | 'output' = 'input'): Record<string, unknown> {
  const json = z.toJSONSchema(s, { target: 'openapi-3.0', io, unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}

/** The OpenAPI document. */
export function openApiDocument(): Record<string, unknown> {
  return {
    openapi: '3.0.3',
    info: {
      title: 'georisk API',
      version: ENGINE_VERSION,
      description:
        'Probabilistic escalation scenarios: validate and save scenario documents, run seeded Monte Carlo (the same numbers as `georisk run` for the same inputs) and exact analyses.',
    },
    paths: {
      ...HEALTH_PATHS,
      ...RESEARCH_NOTES_PATHS,
      ...SCENARIO_PATHS,
      ...RUN_PATHS,
      ...JOB_PATHS,
      ...EXACT_PATHS,
      ...UPDATE_PATHS,
      ...CLASSROOM_PATHS,
    },
    components: {
      schemas: {
        DocumentRequest: schema(DocumentRequestSchema),
        RunRequest: schema(RunRequestSchema),
        ExactRequest: schema(ExactRequestSchema),
        UpdateRequest: schema(UpdateRequestSchema),
        SweepRequest: schema(SweepRequestSchema),
        SensitivityRequest: schema(SensitivityRequestSchema),
        Exercise: schema(ExerciseSchema),
        RunAnswer: schema(RunAnswerSchema, 'output'),
        ValidationAnswer: schema(ValidationAnswerSchema, 'output'),
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
