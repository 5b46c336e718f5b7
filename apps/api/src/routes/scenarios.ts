/** `/api/scenarios`: the library and saved scenarios, one scenario with its text, and checking or saving a document. */
import { GeoriskError } from '@georisk/engine';
import type { FastifyPluginAsync } from 'fastify';
import type { ScenarioSummary } from '../library.ts';
import { ANY_OBJECT, errorResponses, ID_PARAM, jsonContent } from '../openapi-parts.ts';
import type { StorageQuotas } from '../quotas.ts';
import { parseBody } from '../request-helpers.ts';
import type { ScenarioCatalog } from '../scenario-catalog.ts';
import { DocumentBodySchema, DocumentRequestSchema, IdParamsSchema } from '../schemas.ts';
import type { Store } from '../store.ts';

export interface ScenarioRoutesOptions {
  scenarios: ScenarioCatalog;
  store: Store;
  quotas: StorageQuotas;
}

/** A document from a JSON `{text}` body or a raw YAML body. */
function documentText(body: unknown): string {
  return typeof body === 'string' ? parseBody(DocumentBodySchema, body) : parseBody(DocumentRequestSchema, body).text;
}

/** The library's scenarios, then the saved ones. */
function listScenarios(scenarios: ScenarioCatalog, store: Store): ScenarioSummary[] {
  const list: ScenarioSummary[] = [...scenarios.library.values()].map(({ id, title, question, tags, hash, source }) => ({
    id,
    title,
    question,
    tags,
    hash,
    source,
  }));
  for (const s of store.listScenarios()) {
    list.push({ id: s.id, title: s.title, question: s.question, tags: s.tags, hash: s.hash, source: 'user', createdAt: s.createdAt });
  }
  return list;
}

/**
 * The verdict on a document (checked on a document thread): what it defines when valid, with the
 * warnings `georisk validate` gives (the model's, then each parameter's, located in one check), every issue when not.
 */
async function validateDocument(scenarios: ScenarioCatalog, text: string) {
  try {
    const { id, title, hash, steps, tracks, parameters, metrics, warnings } = await scenarios.checkText(text, { validate: true });
    return { valid: true, id, title, hash, steps, tracks, parameters, metrics, warnings, issues: [] };
  } catch (error) {
    if (!(error instanceof GeoriskError)) throw error;
    // An invalid document is this route's normal answer, not a failed request.
    return { valid: false, issues: error.issues, warnings: [] };
  }
}

/** The scenario routes. */
export const scenarioRoutes: FastifyPluginAsync<ScenarioRoutesOptions> = async (app, { scenarios, store, quotas }) => {
  app.get('/api/scenarios', async () => ({ scenarios: listScenarios(scenarios, store) }));

  app.get('/api/scenarios/:id', async (request) => {
    const { id } = parseBody(IdParamsSchema, request.params);
    const entry = scenarios.library.get(id);
    if (entry) {
      const { loaded, text, ...summary } = entry;
      return { ...summary, text, scenario: loaded.scenario };
    }
    const stored = store.getScenario(id);
    if (!stored) throw scenarios.unknown(id, 'id');
    await scenarios.prepare({ scenarioId: id });
    const { loaded } = scenarios.byId(id);
    const { id: savedId, title, question, tags, hash, createdAt, text } = stored;
    return { id: savedId, title, question, tags, hash, source: 'user', createdAt, text, scenario: loaded.scenario };
  });

  app.post('/api/scenarios/validate', async (request) => await validateDocument(scenarios, documentText(request.body)));

  app.post('/api/scenarios', async (request, reply) => {
    const text = documentText(request.body);
    const s = await scenarios.checkText(text);
    const id = `${s.id}-${s.hash.slice(0, 12)}`;
    if (!store.getScenario(id)) quotas.check(request.ip, 'scenarios', Buffer.byteLength(text));
    const saved = store.saveScenario(
      {
        id,
        hash: s.hash,
        documentId: s.id,
        title: s.title,
        question: s.question?.trim() ?? null,
        tags: s.tags,
        text,
      },
      request.ip,
    );
    return reply
      .code(201)
      .header('location', `/api/scenarios/${saved.id}`)
      .send({ id: saved.id, hash: saved.hash, documentId: saved.documentId, createdAt: saved.createdAt });
  });
};

/** The scenarios routes in the OpenAPI document. */
export const SCENARIO_PATHS = {
  '/api/scenarios': {
    get: {
      summary: 'The scenario library and saved user scenarios (id, title, question, tags, hash)',
      responses: { 200: { description: 'list' } },
    },
    post: {
      summary: 'Save a user scenario; returns its id and hash',
      requestBody: {
        required: true,
        content: { ...jsonContent('DocumentRequest'), 'application/yaml': { schema: { type: 'string' } } },
      },
      responses: {
        201: { description: 'saved', content: { 'application/json': { schema: ANY_OBJECT } } },
        // 413 also `storage_quota_exceeded` and `row_too_large`; 429 also `quota_exceeded` (per-address quotas).
        ...errorResponses(400, 413, 429, 503),
      },
    },
  },
  '/api/scenarios/{id}': {
    get: {
      summary: 'One scenario: metadata, its text and the expanded document',
      parameters: ID_PARAM,
      responses: { 200: { description: 'scenario' }, ...errorResponses(404) },
    },
  },
  '/api/scenarios/validate': {
    post: {
      summary: 'Check a document: `{valid, issues, warnings}`, each issue with code, path, line, column and hint',
      requestBody: {
        required: true,
        content: { ...jsonContent('DocumentRequest'), 'application/yaml': { schema: { type: 'string' } } },
      },
      responses: { 200: { description: 'the verdict', content: jsonContent('ValidationAnswer') }, ...errorResponses(400, 413, 429, 503) },
    },
  },
};
