/** `GET /docs/research/:name`: the project's research notes (docs/research/*.md) as plain text, read-only, so the sources the web app cites open in a browser. */
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import { ApiError } from '../errors.ts';

export interface ResearchNotesRoutesOptions {
  /** The repository's docs/research folder; missing serves nothing. */
  researchDir: string;
}

/** The notes a request may name: a plain lower-case file name ending in .md, nothing else. */
const NOTE_NAME = /^[a-z0-9][a-z0-9-]*\.md$/;

/** The notes in `dir` (regular files only, no links), read once at start: the allowlist is exactly these names. */
export function readResearchNotes(dir: string): Map<string, string> {
  const notes = new Map<string, string>();
  if (!existsSync(dir)) return notes;
  for (const name of readdirSync(dir).sort()) {
    if (NOTE_NAME.test(name) && lstatSync(join(dir, name)).isFile()) notes.set(name, readFileSync(join(dir, name), 'utf8'));
  }
  return notes;
}

/** The research-notes route: a fixed prefix, a name from the allowlist, the text as text/plain. */
export const researchNotesRoutes: FastifyPluginAsync<ResearchNotesRoutesOptions> = async (app, { researchDir }) => {
  const notes = readResearchNotes(researchDir);
  app.get<{ Params: { name: string } }>('/docs/research/:name', { config: { rateLimit: false } }, async (request, reply) => {
    const text = notes.get(request.params.name);
    if (text === undefined) throw new ApiError(404, 'not_found', `no research note "${request.params.name}"`, 'name');
    return reply.header('cache-control', 'no-cache').type('text/plain; charset=utf-8').send(text);
  });
};

/** The research-notes route in the OpenAPI document. */
export const RESEARCH_NOTES_PATHS = {
  '/docs/research/{name}': {
    get: {
      summary: "The project's research notes (docs/research/*.md) as plain text, which scenario sources cite",
      parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string', pattern: NOTE_NAME.source } }],
      responses: { 200: { description: 'the note, text/plain' }, 404: { description: 'not_found: no such note' } },
    },
  },
};
