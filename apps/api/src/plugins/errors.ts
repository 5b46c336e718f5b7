/**
 * Installs the one error mapping (errors.ts) as the app's error and not-found handlers, so every route
 * answers 4xx as `{code, message, path}` and 5xx with only a request id; `fastifyErrorOptions` does the
 * same for what fastify and Node answer before any route (bad URLs, over-long ids, malformed HTTP).
 */
import type { Socket } from 'node:net';
import type { FastifyPluginAsync, FastifyServerOptions } from 'fastify';
import fp from 'fastify-plugin';
import { ApiError, clientErrorResponse, sendError } from '../errors.ts';

const errors: FastifyPluginAsync = async (app) => {
  // The API's routes by method and path pattern, so that a path the API has, asked with a method it
  // does not take, is told which methods it takes (405 and Allow), not that no such route exists.
  const routes: { method: string; pattern: RegExp }[] = [];
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/')) return;
    const pattern = new RegExp(`^${route.url.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/:[^/]+/g, '[^/]+')}/?$`);
    for (const method of [route.method].flat()) if (method !== 'HEAD') routes.push({ method, pattern });
  });
  app.setErrorHandler((error, request, reply) => sendError(error, request, reply));
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const allowed = [...new Set(routes.filter((r) => r.pattern.test(path)).map((r) => r.method))].sort();
    if (allowed.length > 0) {
      reply.header('allow', allowed.join(', '));
      const error = new ApiError(
        405,
        'method_not_allowed',
        `${routeShown(request.url)} takes ${allowed.join(', ')}, not ${request.method}`,
      );
      error.hint = '/api/docs lists each route with its methods';
      return sendError(error, request, reply);
    }
    return sendError(new ApiError(404, 'not_found', `no route ${request.method} ${routeShown(request.url)}`), request, reply);
  });
};

/** The path of a URL for a message: without the query, and cut short so a long URL is not echoed in full. */
function routeShown(url: string): string {
  const path = url.split('?')[0] ?? '';
  return path.length > 200 ? `${path.slice(0, 200)}…` : path;
}

/** The error handlers, for the whole app (not encapsulated). */
export const errorsPlugin = fp(errors, { name: 'georisk-errors' });

/**
 * Fastify options that route the errors raised before routing (`frameworkErrors`: invalid
 * percent-encoding, ids over the length limit) and Node's parser errors (`clientErrorHandler`:
 * malformed request line or headers, headers too large, request timeout) to the same shape.
 */
export const fastifyErrorOptions: Pick<FastifyServerOptions, 'frameworkErrors' | 'clientErrorHandler'> = {
  frameworkErrors: (error, request, reply) => {
    sendError(error, request, reply);
  },
  clientErrorHandler: (error: NodeJS.ErrnoException, socket: Socket) => {
    // A reset connection has nobody left to answer.
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    if (socket.writable) socket.write(clientErrorResponse(error));
    socket.destroy();
  },
};
