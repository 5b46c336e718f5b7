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

/**
 * A run's chunks without a list of them: computed by position, so a run of 10^12 trials (past the
 * default budget, allowed by a raised one) costs no memory before its first chunk (a list of its
 * 61 million chunks grew past 4 GB). An array of chunks is one too.
 */
export interface ChunkList {
  readonly length: number;
  at(index: number): Chunk | undefined;
}

/** `trials` trials from `offset` on in chunks of `size` (the last one shorter), computed by position: `planChunks` without the list. */
export function evenChunks(trials: number, size = CHUNK_TRIALS, offset = 0): ChunkList {
  const length = Math.ceil(trials / size);
  return {
    length,
    at: (index) =>
      Number.isInteger(index) && index >= 0 && index < length
        ? { firstTrial: offset + index * size, trials: Math.min(size, trials - index * size) }
        : undefined,
  };
}

/** Every chunk of a list, in order (for lists known to be short). */
export function listChunks(chunks: ChunkList): Chunk[] {
  return Array.from({ length: chunks.length }, (_, i) => chunkAt(chunks, i));
}

/** The chunks of `first`, then those of `second`. */
export function concatChunks(first: ChunkList, second: ChunkList): ChunkList {
  return {
    length: first.length + second.length,
    at: (index) => (index < first.length ? first.at(index) : second.at(index - first.length)),
  };
}

/** The chunk at `index` of a plan; an index outside it is a scheduling bug, never a user's error. */
export function chunkAt(chunks: ChunkList, index: number): Chunk {
  const chunk = chunks.at(index);
  if (chunk === undefined) throw new Error(`internal: no chunk ${index} in a plan of ${chunks.length}`);
  return chunk;
}
