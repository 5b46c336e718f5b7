/** The chunk plan: trials split into fixed blocks, the unit of work every runtime hands out. */

/** Trials per chunk of a run. */
export const CHUNK_TRIALS = 16_384;

/**
 * Trials per chunk of a sweep point: smaller than a run's chunks, so that the last tasks of a sweep
 * are short and no worker idles long at the end (results never depend on it: chunks merge exactly).
 */
export const SWEEP_CHUNK_TRIALS = 4096;

/** A contiguous block of trials: the unit of work, keyed by position, never by worker. */
export interface Chunk {
  firstTrial: number;
  trials: number;
}

/** Splits trials into fixed-size chunks. */
export function planChunks(trials: number, size = CHUNK_TRIALS): Chunk[] {
  const chunks: Chunk[] = [];
  for (let first = 0; first < trials; first += size) chunks.push({ firstTrial: first, trials: Math.min(size, trials - first) });
  return chunks;
}

/** The chunk at `index` of a plan; an index outside it is a scheduling bug, never a user's error. */
export function chunkAt(chunks: readonly Chunk[], index: number): Chunk {
  const chunk = chunks[index];
  if (chunk === undefined) throw new Error(`internal: no chunk ${index} in a plan of ${chunks.length}`);
  return chunk;
}
