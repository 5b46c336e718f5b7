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
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, text, done) => {
    const body = String(text);
    if (body.length === 0) {
      done(new ApiError(400, 'invalid_json', "Body cannot be empty when content-type is set to 'application/json'"), undefined);
      return;
    }
    let value: unknown;
    try {
      // JSON.parse keeps a "__proto__" key as an own property (it never sets a prototype); it is refused below.
      value = JSON.parse(body);
    } catch {
      done(new ApiError(400, 'invalid_json', "Body is not valid JSON but content-type is set to 'application/json'"), undefined);
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
