/** Worker-thread entry of `georisk worker`: runs one chunk and returns its summary encoded for the queue. */
import type { Issue } from '@georisk/engine';
import { encodeSummary } from '@georisk/queue';
import runChunk, { type ChunkTask } from './run-worker.ts';

/** The encoded summary (encoding here keeps the worker's main thread free to renew its job locks), or the scenario's issues. */
export type QueueTaskOutcome = { summary: string } | { issues: Issue[] };

/** Runs a chunk (piscina calls the default export). */
export default function runQueueChunk(task: ChunkTask): QueueTaskOutcome {
  const outcome = runChunk(task);
  return 'issues' in outcome ? outcome : { summary: encodeSummary(outcome.summary) };
}
