/**
 * Runs whose checked document stays off the event loop: the expanded scenario and every chunk's summary
 * cross threads packed (`v8.serialize`, exact: every number, `Infinity` and `-0` kept), so the loop holds
 * bytes rather than large object graphs, and chunks are merged and the result finalized on a thread.
 */
import { deserialize, serialize } from 'node:v8';
import { emptySummary, finalizeResult, mergeSummaries, type Overrides, type RunSummary, type ScenarioDocument } from '@georisk/engine';
import { type Chunk, type ChunkOutcome, type ModelCache, runChunkTask } from '@georisk/engine/chunks';

/** A run's scenario packed by the document thread, with the model cache key of (scenario, overrides). */
export interface PackedScenario {
  scenario: Uint8Array;
  key: string;
  overrides: Overrides;
}

/** One chunk of a packed run's trials. */
export interface PackedChunkTask {
  packedChunk: PackedScenario & { seed: number; chunk: Chunk };
}

/**
 * Packed chunk summaries to merge in chunk order into `acc` (a previous fold's total) or, for the
 * first fold, into the model's empty summary; with `finalize`, the run's result as JSON text comes back,
 * otherwise the packed total.
 */
export interface PackedFoldTask {
  packedFold: PackedScenario & {
    acc?: Uint8Array;
    parts: Uint8Array[];
    finalize?: { seed: number; seconds: number; workers: number };
  };
}

// The scenario of the latest packed task, unpacked once per run on this thread (its key names it).
let unpacked: { key: string; scenario: ScenarioDocument } | undefined;

function scenarioOf(task: PackedScenario): ScenarioDocument {
  if (unpacked?.key !== task.key) unpacked = { key: task.key, scenario: deserialize(task.scenario) as ScenarioDocument };
  return unpacked.scenario;
}

/** Packs a value for another thread (what `deserialize` reads back exactly). */
export function pack(value: unknown): Uint8Array {
  return serialize(value);
}

/** Runs one chunk with this thread's model cache; its summary comes back packed. */
export function runPackedChunk(cache: ModelCache, task: PackedChunkTask['packedChunk']): ChunkOutcome<Uint8Array> {
  const outcome = runChunkTask(cache, {
    kind: 'run',
    scenario: scenarioOf(task),
    key: task.key,
    overrides: task.overrides,
    seed: task.seed,
    chunk: task.chunk,
  });
  return 'summary' in outcome ? { summary: pack(outcome.summary) } : outcome;
}

/** Merges packed summaries in order (as the event loop would have, so the numbers are the same bit for bit). */
export function foldPacked(cache: ModelCache, task: PackedFoldTask['packedFold']): Uint8Array | string {
  const model = cache.modelOf(scenarioOf(task), task.overrides, task.key);
  const total = task.acc === undefined ? emptySummary(model) : (deserialize(task.acc) as RunSummary);
  for (const part of task.parts) mergeSummaries(total, deserialize(part) as RunSummary);
  if (task.finalize === undefined) return pack(total);
  return JSON.stringify(finalizeResult(model, total, { ...task.finalize, overrides: task.overrides }));
}
