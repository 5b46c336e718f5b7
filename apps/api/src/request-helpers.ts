/** Small helpers the route plugins share: reading a request part with zod, and noticing a client that went away. */
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import { ApiError, zodBody } from './errors.ts';

/**
 * Parses a body (or params, or query) with a zod schema; a failure becomes a 400
 * `{code, message, path, hint}` in the error handler, the hint read from the schema (an unknown key's nearest known one).
 */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  const { code, message, path, hint } = zodBody(parsed.error, schema, body ?? {});
  const error = new ApiError(400, code, message, path);
  if (hint !== undefined) error.hint = hint;
  throw error;
}

/**
 * A signal that fires when the client goes away before the answer is sent. (Fastify's
 * `request.signal` listens for the request's 'close', which Node emits as soon as a body has been
 * read, so it would cancel every POST; the response's 'close' before its end is the real sign.)
 */
export function clientGone(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableEnded) controller.abort(new Error('client closed the connection'));
  });
  return controller.signal;
}
