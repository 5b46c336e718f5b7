/**
 * A sweep's points, or a two-level run's draws, run here or on a queue (`georisk sweep|sensitivity
 * --queue`, `georisk run --uncertainty N --queue`), with the queue's progress on the coordinator's stderr.
 */
import type { RunSummary, SweepPlan, UncertaintyPlan, UncertaintyResult } from '@georisk/engine';
import { type QueueAddress, type QueueConnection, type QueueProgress, runPointsOnQueue, runUncertaintyOnQueue } from '@georisk/queue';
import { runPoints } from './parallel.ts';

/**
 * Runs the points of a plan on this machine's threads, or on the queue when one is given, calling
 * `onPoint` in point order either way; a queue run reports its progress on stderr.
 */
export async function runPlanPoints(
  plan: SweepPlan,
  options: {
    queue: QueueConnection | undefined;
    workers: number;
    start?: number;
    progress: boolean;
    onPoint: (index: number, summary: RunSummary) => void;
  },
): Promise<void> {
  const { queue, onPoint } = options;
  const start = options.start === undefined ? {} : { start: options.start };
  if (queue === undefined) {
    await runPoints(plan, { workers: options.workers, ...start, onPoint });
    return;
  }
  const reporter = queueProgressReporter(options.progress, queue.address);
  let completed = false;
  try {
    await runPointsOnQueue(plan, {
      queue,
      ...start,
      onPoint,
      onProgress: reporter.onProgress,
      onIdle: reporter.onIdle,
      resumeAdvice: 'once it answers again, rerun the same command (with --out, add --resume)',
    });
    completed = true;
  } finally {
    reporter.finish(completed);
  }
}

/**
 * Runs a two-level run's sampled draws on the queue (the caller solves exact draws on its threads),
 * reporting the queue's progress on stderr; the result equals a run on threads, timing aside.
 */
export async function runUncertaintyPlanOnQueue(
  plan: UncertaintyPlan,
  options: { queue: QueueConnection; progress: boolean },
): Promise<{ result: UncertaintyResult; workersSeen: number }> {
  const reporter = queueProgressReporter(options.progress, options.queue.address, 'draws');
  let workersSeen = 0;
  let completed = false;
  try {
    const result = await runUncertaintyOnQueue(plan, {
      queue: options.queue,
      onProgress: (p) => {
        workersSeen = p.workersSeen;
        reporter.onProgress(p);
      },
      onIdle: reporter.onIdle,
      resumeAdvice: 'once it answers again, rerun the same command',
    });
    completed = true;
    return { result, workersSeen };
  } finally {
    reporter.finish(completed);
  }
}

/** Formats seconds as "1 h 02 min", "3 min 05 s" or "12 s". */
function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s >= 3600) return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
  if (s >= 60) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${s} s`;
}

/** One line of progress: chunks done, throughput, ETA, workers seen; `points` names what the chunks make up (draws of a two-level run). */
export function formatQueueProgress(p: QueueProgress, points = 'points'): string {
  const rate = p.chunksPerSecond > 0 ? `${p.chunksPerSecond.toFixed(p.chunksPerSecond < 10 ? 1 : 0)} chunks/s` : 'waiting for workers';
  const eta = p.etaSeconds !== undefined && p.chunksDone < p.chunksTotal ? `, ETA ${duration(p.etaSeconds)}` : '';
  return `${p.chunksDone}/${p.chunksTotal} chunks, ${p.pointsDone}/${p.pointsTotal} ${points}, ${rate}${eta}, ${p.workersSeen} worker${p.workersSeen === 1 ? '' : 's'} seen`;
}

/**
 * Progress of a queue sweep on stderr: a line redrawn in place on a terminal, otherwise a line
 * every 10 seconds; a last line when done. Nothing at all when disabled.
 */
export function queueProgressReporter(
  enabled: boolean,
  address: QueueAddress,
  points = 'points',
): { onProgress: (p: QueueProgress) => void; onIdle: () => void; finish: (completed: boolean) => void } {
  const tty = process.stderr.isTTY === true;
  let last: QueueProgress | undefined;
  let lastLine = 0;
  const write = (text: string) => process.stderr.write(text);
  return {
    onProgress(p) {
      last = p;
      if (!enabled) return;
      const now = performance.now();
      if (tty) write(`\r\x1b[2Kgeorisk: ${formatQueueProgress(p, points)}`);
      else if (now - lastLine >= 10_000) {
        lastLine = now;
        write(`georisk: ${formatQueueProgress(p, points)}\n`);
      }
    },
    onIdle() {
      if (enabled) {
        write(
          `${tty ? '\r\x1b[2K' : ''}georisk: no chunk has come back yet: start workers with \`georisk worker --queue ${address.display}\` on any machine with this repository\n`,
        );
      }
    },
    /** A last line when the sweep completed; otherwise only the redrawn line is cleared, for the error that follows. */
    finish(completed) {
      if (!enabled) return;
      if (tty) write('\r\x1b[2K');
      if (!completed || last === undefined) return;
      write(
        `georisk: ${last.chunksDone} chunks on ${last.workersSeen} worker${last.workersSeen === 1 ? '' : 's'} in ${duration(last.seconds)} (queue ${address.display})\n`,
      );
    },
  };
}
