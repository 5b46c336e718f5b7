/**
 * Parses JSON bodies as fastify does, but names a forbidden key (`__proto__`, or `prototype` under
 * `constructor`) and where it sits, rather than calling the body invalid JSON.
 */
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { ApiError } from '../errors.ts';

/** The path of the first key that could tamper with prototypes, if any (walked without recursion, so any depth is safe). */
export function forbiddenKeyPath(body: unknown): string | undefined {
  const stack: [unknown, string][] = [[body, '']];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const [value, path] = next;
    if (typeof value !== 'object' || value === null) continue;
    for (const [key, child] of Object.entries(value)) {
      const at = Array.isArray(value) ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`;
      if (key === '__proto__') return at;
      if (key === 'constructor' && typeof child === 'object' && child !== null && Object.hasOwn(child, 'prototype'))
        return `${at}.prototype`;
      stack.push([child, at]);
    }
  }
  return undefined;
}

const jsonBody: FastifyPluginAsync = async (app) => {
  // A compressed body would be read as its raw bytes and called invalid JSON (or YAML): say what it is.
  app.addHook('onRequest', async (request) => {
    const encoding = request.headers['content-encoding']?.trim().toLowerCase();
    if (encoding !== undefined && encoding !== '' && encoding !== 'identity') {
      const refused = new ApiError(
        415,
        'unsupported_media_type',
        `the body is encoded (Content-Encoding: ${encoding.slice(0, 40)}); this server reads plain bodies`,
      );
      refused.hint = 'send the body uncompressed, without a Content-Encoding header';
      throw refused;
    }
  });
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, text, done) => {
    const body = String(text);
    if (body.length === 0) {
      done(new ApiError(400, 'invalid_json', "Body cannot be empty when content-type is set to 'application/json'"), undefined);
      return;
    }
    let value: unknown;
    try {
      // JSON.parse keeps a "__proto__" key as an own property (it never sets a prototype); it is refused below.
      value = JSON.parse(body);
    } catch (error) {
      // The parser's words name where it stopped ("Unexpected end of JSON input", "… at position 14").
      const why = error instanceof SyntaxError ? `: ${error.message.slice(0, 200)}` : '';
      const refused = new ApiError(400, 'invalid_json', `Body is not valid JSON but content-type is set to 'application/json'${why}`);
      refused.hint = `send one JSON object, e.g. ${exampleBody(request.url)}; /api/docs lists each route’s fields`;
      done(refused, undefined);
      return;
    }
    const path = forbiddenKeyPath(value);
    if (path === undefined) {
      done(null, value);
      return;
    }
    const key = path.slice(path.lastIndexOf('.') + 1);
    const error = new ApiError(400, 'invalid_json', `${path}: the key "${key}" is not allowed in a request body`, path);
    error.hint = 'remove the key, or rename it';
    done(error, undefined);
  });
};

/** The JSON body parser, for the whole app. */
export const jsonBodyPlugin = fp(jsonBody, { name: 'georisk-json-body' });

/** An example body for the route a malformed one was sent to (the run example fits most routes, not the classroom's). */
function exampleBody(url: string): string {
  const path = url.split('?')[0] ?? '';
  if (path === '/api/exercises/join') return '{"code": "AMAERY", "name": "Ana"}';
  if (/^\/api\/exercises\/[^/]+\/submission$/.test(path)) return '{"forecasts": {"war": 0.2}, "decisions": {}}';
  if (path === '/api/exercises') return '{"scenarioId": "alliance-dilemma", "title": "…", "questions": […]}';
  return '{"scenarioId": "alliance-dilemma", "trials": 10000}';
}
