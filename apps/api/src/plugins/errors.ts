/**
 * Installs the one error mapping (errors.ts) as the app's error and not-found handlers, so every route
 * answers 4xx as `{code, message, path}` and 5xx with only a request id.
 */
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { ApiError, sendError } from '../errors.ts';

const errors: FastifyPluginAsync = async (app) => {
  app.setErrorHandler((error, request, reply) => sendError(error, request, reply));
  app.setNotFoundHandler((request, reply) =>
    sendError(new ApiError(404, 'not_found', `no route ${request.method} ${request.url.split('?')[0]}`), request, reply),
  );
};

/** The error handlers, for the whole app (not encapsulated). */
export const errorsPlugin = fp(errors, { name: 'georisk-errors' });
