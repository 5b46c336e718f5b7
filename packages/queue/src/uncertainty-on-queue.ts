/**
 * Two-level runs on the queue: each sampled parameter draw's trials go to `georisk worker`s as
 * chunks, and the draws' merged summaries make the same band, bit for bit, as a run on threads.
 */
import {
  type DrawMoments,
  drawOverrides,
  runUncertaintyPlan,
  sampledDrawMoments,
  type UncertaintyPlan,
  type UncertaintyResult,
  uncertaintyResult,
} from '@georisk/engine';
import { type QueuedPoints, type QueuePointOptions, runQueuedPoints } from './queue.ts';

/** The sampled draws of a two-level plan as queue points: draw i runs trials i·T … i·T + T − 1, as on threads. */
export function uncertaintyPoints(plan: UncertaintyPlan): QueuedPoints {
  return {
    fingerprint: plan.fingerprint,
    scenario: plan.scenario,
    seed: plan.seed,
    count: plan.draws,
    trials: plan.trialsPerDraw,
    overrides: (draw) => drawOverrides(plan, draw),
    firstTrial: (draw) => draw * plan.trialsPerDraw,
    // A draw's band reads only its metrics: half the text to encode, carry and decode.
    metricsOnly: true,
  };
}

/** How a two-level run on the queue goes: the queue options of a sweep, with progress per draw. */
export interface QueueUncertaintyOptions extends Omit<QueuePointOptions, 'onPoint' | 'start'> {
  /** Called as each draw is done, in draw order. */
  onDraw?: (drawsDone: number) => void;
}

/**
 * Runs a planned two-level run with its sampled draws on the queue; the result equals
 * `runUncertaintyPlan`'s for the same plan (timing aside) whatever the number of workers. Draws
 * solved exactly (`plan.method === 'exact'`) have no trials to queue and are solved here.
 * @example const result = await runUncertaintyOnQueue(planUncertainty(scenario, { draws: 200 }), { queue })
 */
export async function runUncertaintyOnQueue(plan: UncertaintyPlan, options: QueueUncertaintyOptions): Promise<UncertaintyResult> {
  const { onDraw, ...queueOptions } = options;
  if (plan.method === 'exact') return runUncertaintyPlan(plan, onDraw === undefined ? {} : { onDraw });
  const started = performance.now();
  const draws: DrawMoments[][] = [];
  await runQueuedPoints(uncertaintyPoints(plan), {
    ...queueOptions,
    onPoint: (_, summary) => {
      draws.push(sampledDrawMoments(plan, summary));
      onDraw?.(draws.length);
    },
  });
  return uncertaintyResult(plan, draws, (performance.now() - started) / 1000);
}
