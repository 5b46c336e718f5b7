/**
 * The scheduler every runtime shares: hands chunk tasks out to lanes (the calling thread, worker
 * threads, web workers, a queue), keeps a bounded number in flight per lane, and hands results
 * back in chunk order, so what a caller builds from them never depends on the lanes.
 */
import { GeoriskError, type Issue } from '../errors.ts';
import type { ChunkOutcome } from './chunk-task.ts';

/** Tasks a lane holds at once when it says nothing: one. */
const DEFAULT_CAPACITY = 1;

/** Anything that runs tasks: the calling thread, a worker thread, a web worker, a queue. */
export interface Lane<T, S> {
  /** Runs one task; the outcome carries a scenario's issues as data, a rejection means the transport failed. */
  run(task: T): Promise<ChunkOutcome<S>>;
  /** Tasks this lane may hold at once (1 when left out): more keep a thread busy while its answers wait to be read. */
  capacity?: number;
  /**
   * True for a lane that computes on the calling thread. It gets its tasks after every other lane
   * has its first ones (a thread busy computing hands out nothing), and its `run` must yield to the
   * event loop before computing, so that the other lanes' finished tasks are taken in between.
   */
  callingThread?: boolean;
}

/** The part of an `AbortSignal` the scheduler reads (the engine knows no DOM or Node types). */
export interface CancelSignal {
  readonly aborted: boolean;
  readonly reason?: unknown;
}

export interface ScheduleOptions<T, S> {
  /** Tasks 0..count-1. */
  count: number;
  task: (index: number) => T;
  lanes: readonly Lane<T, S>[];
  /** Called with each chunk's summary in chunk order (all earlier chunks first). */
  onSummary: (index: number, summary: S) => void;
  /** Called as each chunk finishes, in the order they finish (for progress). */
  onChunkDone?: (index: number) => void;
  /** False while task `index` must wait (back-pressure); asked again after each chunk finishes. */
  mayStart?: (index: number) => boolean;
  /** Once aborted no further task is handed out, and the scheduler throws its reason. */
  signal?: CancelSignal;
}

/** Holds results that arrive early and passes each on once every earlier chunk's has been. */
function inChunkOrder<S>(deliver: (index: number, summary: S) => void): (index: number, summary: S) => void {
  const early = new Map<number, S>();
  let next = 0;
  return (index, summary) => {
    early.set(index, summary);
    while (early.has(next)) {
      const ready = early.get(next) as S;
      early.delete(next);
      deliver(next++, ready);
    }
  };
}

/**
 * Runs tasks 0..count-1 on the lanes. Each lane holds up to its capacity, but near the end no more
 * than its share of what is left: a task queued on a lane is committed to it, and the others would
 * sit idle while it worked through a long queue alone. The failure of the earliest chunk wins (a
 * `GeoriskError` with its issues), so the error never depends on the lanes or on timing.
 * @example await scheduleChunks({ count: chunks.length, task: (i) => taskOf(chunks[i]), lanes, onSummary: (i, s) => parts.push(s) })
 */
export async function scheduleChunks<T, S>(options: ScheduleOptions<T, S>): Promise<void> {
  const { count, lanes, signal } = options;
  const held = lanes.map(() => 0);
  const failures: { index: number; issues: Issue[] }[] = [];
  const deliver = inChunkOrder(options.onSummary);
  let next = 0;
  let broken = false;
  let waiting: (() => void)[] = [];
  const stopped = () => broken || failures.length > 0 || signal?.aborted === true;
  const room = (lane: number) => {
    const share = Math.ceil((count - next) / lanes.length);
    return Math.max(1, Math.min(lanes[lane]?.capacity ?? DEFAULT_CAPACITY, share)) - (held[lane] ?? 0);
  };
  const take = async (lane: number): Promise<number | undefined> => {
    for (;;) {
      if (next >= count || stopped()) return undefined;
      if (options.mayStart?.(next) !== false && room(lane) > 0) {
        held[lane] = (held[lane] ?? 0) + 1;
        return next++;
      }
      await new Promise<void>((go) => waiting.push(go));
    }
  };
  const settle = (lane: number, index: number, outcome: ChunkOutcome<S>) => {
    held[lane] = (held[lane] ?? 0) - 1;
    if ('issues' in outcome) failures.push({ index, issues: outcome.issues });
    else {
      options.onChunkDone?.(index);
      deliver(index, outcome.summary);
    }
    wakeAll();
  };
  const wakeAll = () => {
    const wake = waiting;
    waiting = [];
    for (const go of wake) go();
  };
  const slot = async (lane: number) => {
    const runner = lanes[lane];
    if (runner === undefined) return;
    for (let index = await take(lane); index !== undefined; index = await take(lane)) {
      let outcome: ChunkOutcome<S>;
      try {
        outcome = await runner.run(options.task(index));
      } catch (error) {
        broken = true;
        wakeAll();
        throw error;
      }
      settle(lane, index, outcome);
    }
  };
  // Lanes on other threads first: they get their first tasks before the calling thread computes.
  const order = lanes
    .map((lane, index) => ({ lane, index }))
    .sort((a, b) => Number(a.lane.callingThread === true) - Number(b.lane.callingThread === true));
  await Promise.all(order.flatMap(({ lane, index }) => Array.from({ length: lane.capacity ?? DEFAULT_CAPACITY }, () => slot(index))));
  if (signal?.aborted === true) throw signal.reason ?? new Error('cancelled');
  const first = failures.reduce<(typeof failures)[number] | undefined>((a, b) => (a === undefined || b.index < a.index ? b : a), undefined);
  if (first !== undefined) throw new GeoriskError(first.issues);
}
