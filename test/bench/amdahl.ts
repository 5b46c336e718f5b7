/**
 * Amdahl's law for a chunked run or sweep: the time on W threads (the calling thread and W − 1
 * workers) from the fixed and serial costs measured one by one (`fixed-costs.ts`), so that a
 * machine with two cores predicts one with sixteen.
 */

/** The measured costs a prediction is made from, in seconds (CPU seconds of one thread). */
export interface CostModel {
  /** Process start and loading the bundle (`georisk --version`): once, before anything else. */
  processStart: number;
  /** Reading, expanding and checking the scenario, building its model and planning: once, on the calling thread. */
  load: number;
  /** A worker thread's start, to its first answer: once per worker, alongside `load` (the threads start first). */
  workerStart: number;
  /** A worker's own model build (the calling thread reuses the one `load` built): once per worker. */
  build: number;
  /** The first chunks' extra time while the JIT compiles the engine: once per thread, the calling one included. */
  warmUp: number;
  /** One chunk, at steady speed. */
  chunk: number;
  /** The last chunks, where a job ends in finer ones (a run on several threads: `tailChunks`); default `chunk`. */
  lastChunk?: number;
  /** Chunks in the job. */
  chunks: number;
  /** The calling thread's share of each chunk a worker ran: sending the task, reading and merging its summary. */
  perChunkCalling: number;
  /** The calling thread's merge of a chunk it ran itself. */
  perChunkMerge: number;
  /** Per-point costs of a sweep: the calling thread's row, and a worker's value setting per chunk. */
  perPointCalling: number;
  perChunkWorker: number;
  points: number;
  /** Finalizing and writing the result: once, at the end. */
  finish: number;
}

/** The parts of a predicted time, in seconds. */
export interface Prediction {
  serial: number;
  parallel: number;
  tail: number;
  total: number;
}

/**
 * The time on `w` threads. Work that any thread can do is shared by all `w` (the chunk scheduler
 * deals chunks out as threads free up); what only the calling thread can do (start, load, finish)
 * is serial; the workers start while the calling thread loads, so only the longer of the two counts.
 * At the end the threads finish half a (last) chunk apart on average.
 */
export function predict(m: CostModel, w: number): Prediction {
  const workers = w - 1;
  const serial = m.processStart + Math.max(m.load, workers > 0 ? m.workerStart : 0) + m.finish;
  const shared =
    m.chunks * m.chunk +
    m.chunks * (workers > 0 ? m.perChunkCalling * (workers / w) + m.perChunkMerge / w : m.perChunkMerge) +
    m.points * m.perPointCalling +
    m.chunks * m.perChunkWorker +
    w * m.warmUp +
    workers * m.build;
  const parallel = shared / w;
  const tail = (((m.lastChunk ?? m.chunk) / 2) * (w - 1)) / w;
  return { serial, parallel, tail, total: serial + parallel + tail };
}

/**
 * The CPU seconds of all threads on `w` threads: what a loaded machine can still check, where wall
 * times mean little (the workers' starts cost CPU even where they overlap the calling thread's load).
 */
export function predictCpu(m: CostModel, w: number): number {
  const p = predict(m, w);
  return p.serial - Math.max(m.load, w > 1 ? m.workerStart : 0) + m.load + (w - 1) * m.workerStart + p.parallel * w;
}

/** The speed-up on `w` threads over one, by the same model. */
export function speedUp(m: CostModel, w: number): number {
  return predict(m, 1).total / predict(m, w).total;
}
