/**
 * `GET /api/health`: liveness, pool load and the store's and the queue's state, never waiting for a
 * simulation (nor for Redis: its client's connection state is read, nothing is sent) and never rate
 * limited. "degraded" (503) while the latest write to the store failed (disk full, read-only), or while
 * the server's Redis queue is not connected (sweeps sent then would fail).
 */
import { ENGINE_VERSION } from '@georisk/engine';
import type { QueueConnection } from '@georisk/queue';
import type { FastifyPluginAsync } from 'fastify';
import type { SimulationPool } from '../pool.ts';
import type { Store } from '../store.ts';

export interface HealthRoutesOptions {
  pool: SimulationPool;
  /** The Redis queue sweep jobs run on, when the server has one. */
  queue: QueueConnection | undefined;
  store: Pick<Store, 'writeState'>;
}

/** The health route. */
export const healthRoutes: FastifyPluginAsync<HealthRoutesOptions> = async (app, { pool, queue, store }) => {
  app.get('/api/health', { config: { rateLimit: false } }, async (_request, reply) => {
    // The state of the latest write, kept in memory: a health check never writes to the disk.
    const storeState = store.writeState();
    const queueState = queue === undefined ? undefined : { address: queue.address.display, connected: queue.redis.status === 'ready' };
    const ok = storeState.writable && queueState?.connected !== false;
    if (!ok) reply.code(503);
    return {
      status: ok ? 'ok' : 'degraded',
      engineVersion: ENGINE_VERSION,
      uptimeSeconds: Math.round(process.uptime()),
      pool: { threads: pool.threads, activeJobs: pool.activeJobs, maxJobs: pool.maxJobs, queuedTasks: pool.queuedTasks },
      store: storeState,
      ...(queueState === undefined ? {} : { queue: queueState }),
    };
  });
};

/** The health route in the OpenAPI document. */
export const HEALTH_PATHS = {
  '/api/health': {
    get: {
      summary: 'Liveness, pool load and store state; never waits for a simulation',
      responses: {
        200: { description: 'ok' },
        503: { description: 'degraded: the latest write to the store failed, or the Redis queue is not connected' },
      },
    },
  },
};
