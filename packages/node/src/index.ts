/** @georisk/node: the engine on Node worker threads, shared by the CLI and the server. */
export * from './calling-thread-lane.ts';
export type { EncodedOutcome, ThreadTask } from './chunk-thread.ts';
export * from './thread-exec-argv.ts';
export * from './thread-pool.ts';
