/** The one worker-thread entry of the CLI and the server: runs any engine task with this thread's model cache, or checks a document. */
import { type ChunkOutcome, type EngineTask, type ExactOutcome, ModelCache, runChunkTask } from '@georisk/engine/chunks';
import { encodeSummary } from '@georisk/queue/summary-codec';
import { checkDocument, type DocumentOutcome, type DocumentTask } from './check-document.ts';

/** What a thread is handed: a task, and whether to return its summary encoded for the queue. */
export interface ThreadTask {
  task: EngineTask;
  /** Encode the summary (`encodeSummary`) on this thread, keeping the queue worker's main thread free to renew its job locks. */
  encodeSummary?: boolean;
}

/** What a document-checking thread is handed. */
export interface DocumentThreadTask {
  document: DocumentTask;
}

/** A chunk's outcome with its summary encoded for the queue. */
export type EncodedOutcome = ChunkOutcome<string>;

/** What a thread returns. */
export type ThreadOutcome = ChunkOutcome | ExactOutcome | EncodedOutcome | DocumentOutcome;

// A thread runs many chunks of the same run or sweep; it compiles the scenario once.
const cache = new ModelCache();

/** Runs a task (piscina calls the default export). */
export default function runThreadTask(input: ThreadTask | DocumentThreadTask): ThreadOutcome {
  if ('document' in input) return checkDocument(input.document);
  const { task, encodeSummary: encode } = input;
  const outcome = runChunkTask(cache, task);
  if (encode !== true || !('summary' in outcome)) return outcome;
  return { summary: encodeSummary(outcome.summary) };
}
