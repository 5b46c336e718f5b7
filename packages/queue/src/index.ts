/** @georisk/queue: sweeps and two-level runs on a Redis-backed BullMQ queue, shared by the CLI (coordinator and worker) and the server. */
export * from './errors.ts';
export * from './queue.ts';
export * from './summary-codec.ts';
export * from './uncertainty-on-queue.ts';
