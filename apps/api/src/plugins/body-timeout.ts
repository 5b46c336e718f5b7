/**
 * Answers 408 `body_timeout` when a request body stops arriving (a body shorter than its
 * Content-Length, or a client that trickles it), instead of holding the request until the socket
 * times out: the body is read through a stream that fails once no byte has come for `idleMs`.
 */
import { Transform } from 'node:stream';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { ApiError } from '../errors.ts';

export interface BodyTimeoutOptions {
  /** Milliseconds without a byte of the body before the request is answered 408. */
  idleMs: number;
}

/** Default for `idleMs`: ten seconds, far beyond a pause of any client that is still sending. */
export const DEFAULT_BODY_IDLE_MS = 10_000;

const bodyTimeout: FastifyPluginAsync<BodyTimeoutOptions> = async (app, { idleMs }) => {
  app.addHook('preParsing', async (request, _reply, payload) => {
    const h = request.headers;
    // Only a body that is on its way is watched (a GET with none must not time out while it runs).
    if (h['content-length'] === undefined && h['transfer-encoding'] === undefined) return payload;
    let timer: NodeJS.Timeout | undefined;
    const watched: Transform = new Transform({
      transform(chunk, _encoding, done) {
        arm();
        done(null, chunk);
      },
      flush(done) {
        clearTimeout(timer);
        done();
      },
    });
    function arm() {
      clearTimeout(timer);
      timer = setTimeout(() => {
        // The socket stays open for the answer (sent with "connection: close"), so only our stream fails.
        payload.unpipe(watched);
        watched.destroy(
          new ApiError(
            408,
            'body_timeout',
            `no byte of the request body arrived for ${idleMs / 1000} s: the body is shorter than its Content-Length, or too slow; nothing was done`,
          ),
        );
      }, idleMs);
    }
    arm();
    watched.on('close', () => clearTimeout(timer));
    // Fastify's body reader takes the error (and answers 408); this keeps a late one from being uncaught.
    watched.on('error', () => clearTimeout(timer));
    payload.on('error', (error) => watched.destroy(error));
    payload.pipe(watched);
    return watched;
  });
};

/** The body-read timeout, for the whole app (not encapsulated). */
export const bodyTimeoutPlugin = fp(bodyTimeout, { name: 'georisk-body-timeout' });
