/** `GET /api/health`: liveness and pool load, never waiting for a simulation and never rate limited. */
import { ENGINE_VERSION } from '@georisk/engine';
import type { QueueConnection } from '@georisk/queue';
import type { FastifyPluginAsync } from 'fastify';
import type { SimulationPool } from '../pool.ts';

export interface HealthRoutesOptions {
  pool: SimulationPool;
  /** The Redis queue sweep jobs run on, when the server has one. */
  queue: QueueConnection | undefined;
}

/** The health route. */
export const healthRoutes: FastifyPluginAsync<HealthRoutesOptions> = async (app, { pool, queue }) => {
  app.get('/api/health', { config: { rateLimit: false } }, async () => ({
    status: 'ok',
    engineVersion: ENGINE_VERSION,
    uptimeSeconds: Math.round(process.uptime()),
    pool: { threads: pool.threads, activeJobs: pool.activeJobs, maxJobs: pool.maxJobs, queuedTasks: pool.queuedTasks },
    ...(queue === undefined ? {} : { queue: queue.address.display }),
  }));
};

/** The health route in the OpenAPI document. */
export const HEALTH_PATHS = {
  '/api/health': {
    get: { summary: 'Liveness and pool load; never waits for a simulation', responses: { 200: { description: 'ok' } } },
  },
};
