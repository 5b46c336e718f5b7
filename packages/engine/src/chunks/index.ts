/**
 * @georisk/engine/chunks: the execution layer every runtime shares. A run or sweep is planned in
 * fixed chunks, each chunk is a plain-data task, `runChunkTask` runs one on any thread with a model
 * cache, and `scheduleChunks` hands tasks to lanes and merges results in chunk order.
 *
 * @example
 * const cache = new ModelCache();
 * const here = { run: async (task) => runChunkTask(cache, task) };
 * const summary = await runChunkedTrials(model, { seed: 1, trials: 100_000, overrides: {} }, { lanes: [here] });
 */
export * from './chunk-task.ts';
export * from './merge-all.ts';
export * from './model-cache.ts';
export * from './plan-chunks.ts';
export * from './run-chunk-task.ts';
export * from './run-chunked-points.ts';
export * from './run-chunked-trials.ts';
export * from './run-paired-chunk.ts';
export * from './schedule-chunks.ts';
