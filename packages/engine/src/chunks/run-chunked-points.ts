/** A sweep's points as (point, chunk) tasks on lanes, each point's chunks merged in order: the same rows for any lanes. */
import { emptySummaryLike } from '../simulate/run-summary.ts';
import { mergeSummaries, type RunSummary } from '../simulate/simulate.ts';
import { pointOverrides, type SweepPlan } from '../sweep.ts';
import type { SweepPointChunkTask } from './chunk-task.ts';
import { chunkAt } from './plan-chunks.ts';
import { type CancelSignal, type Lane, scheduleChunks } from './schedule-chunks.ts';

export interface ChunkedPointsOptions {
  lanes: readonly Lane<SweepPointChunkTask, RunSummary>[];
  /** First point to run (points before it are done already, e.g. when resuming). */
  start?: number;
  /** One past the last point to run (default: every point). */
  end?: number;
  /** No task starts more than this many points ahead of the next point to emit, so memory stays flat. */
  maxAhead?: number;
  signal?: CancelSignal;
  /** Called once per point, in point order, with the point's merged summary. */
  onPoint: (index: number, summary: RunSummary) => void;
}

/** Runs points [start, end) of a plan; chunks merge exactly, so the summaries are the same for any lanes. */
export async function runChunkedPoints(plan: SweepPlan, options: ChunkedPointsOptions): Promise<void> {
  const start = options.start ?? 0;
  const end = options.end ?? plan.points.length;
  const perPoint = plan.chunks.length;
  const pointOf = (index: number) => start + Math.floor(index / perPoint);
  const { maxAhead } = options;
  let nextToEmit = start;
  let total: RunSummary | undefined;
  await scheduleChunks({
    count: Math.max(0, end - start) * perPoint,
    lanes: options.lanes,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    task: (index): SweepPointChunkTask => ({
      kind: 'sweep-point',
      scenario: plan.scenario,
      sweep: plan.fingerprint,
      point: pointOf(index),
      overrides: pointOverrides(plan, pointOf(index)),
      seed: plan.seed,
      chunk: chunkAt(plan.chunks, index % perPoint),
    }),
    ...(maxAhead === undefined ? {} : { mayStart: (index: number) => pointOf(index) - nextToEmit <= maxAhead }),
    onSummary: (index, summary) => {
      // The empty base is shaped from the chunk, not built from the model: for a server, this is its event loop.
      total = mergeSummaries(total ?? emptySummaryLike(summary), summary);
      if (index % perPoint !== perPoint - 1) return;
      options.onPoint(nextToEmit++, total);
      total = undefined;
    },
  });
}
