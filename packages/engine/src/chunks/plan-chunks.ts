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
