/** The calling thread as a lane of the chunk scheduler: it computes chunks itself instead of idling while threads do. */
import type { RunSummary } from '@georisk/engine';
import { type ChunkTask, type Lane, ModelCache, runChunkTask } from '@georisk/engine/chunks';

/**
 * A lane that runs chunks on this thread. Before each chunk it yields to the event loop, which
 * hands out the next tasks to the other lanes and takes in their finished ones; it needs no
 * start-up, so the first chunks begin at once.
 */
export function callingThreadLane<T extends ChunkTask>(cache = new ModelCache()): Lane<T, RunSummary> {
  return {
    callingThread: true,
    run: async (task) => {
      await new Promise<void>((go) => setImmediate(go));
      return runChunkTask(cache, task);
    },
  };
}
