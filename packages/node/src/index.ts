/** @georisk/node: the engine on Node worker threads, shared by the CLI and the server. */
export * from './analyse-job.ts';
export * from './calling-thread-lane.ts';
export * from './check-document.ts';
export * from './check-exercise.ts';
export type {
  DocumentThreadTask,
  EncodedOutcome,
  FinalizeThreadTask,
  ThreadTask,
  UpdateJsonOutcome,
  UpdatePassTask,
  UpdateThreadTask,
} from './chunk-thread.ts';
export * from './confined-resolver.ts';
export * from './packed-run.ts';
export * from './plan-job.ts';
export * from './thread-exec-argv.ts';
export * from './thread-pool.ts';
