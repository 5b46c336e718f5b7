/**
 * The worker side of a two-level run in the page: plan the draws and list their engine tasks, run one
 * task, and turn all tasks' outcomes into the band through the engine's own `runUncertaintyPlan`
 * (replaying the outcomes as its lanes), so the numbers are the library's for any number of workers.
 */
import {
  drawOverrides,
  type ExactResult,
  type Issue,
  planUncertainty,
  type RunSummary,
  runUncertaintyPlan,
  type UncertaintyPlan,
  type UncertaintyResult,
} from '@georisk/engine';
import { chunkAt, type ExactTask, type ModelCache, runChunkTask, type SweepPointChunkTask } from '@georisk/engine/chunks';
import type { BandRequest } from './protocol.ts';

/** One engine task of a two-level run: a chunk of a sampled draw's trials, or an exact solve of a draw. */
export type BandTask = SweepPointChunkTask | ExactTask;

/** Plans a two-level run and lists its tasks in the order the engine schedules them. */
export function planBand(req: BandRequest): { plan: UncertaintyPlan; tasks: BandTask[] } {
  const plan = planUncertainty(req.scenario, {
    draws: req.draws,
    trialsPerDraw: req.trialsPerDraw,
    seed: req.seed,
    overrides: req.overrides,
    ...(req.method === undefined ? {} : { method: req.method }),
  });
  const tasks: BandTask[] = [];
  for (let draw = 0; draw < plan.draws; draw++) {
    const overrides = drawOverrides(plan, draw);
    if (plan.method === 'exact') {
      tasks.push({ kind: 'exact', scenario: plan.scenario, overrides, metrics: plan.metrics });
      continue;
    }
    for (let c = 0; c < plan.chunks.length; c++) {
      const chunk = chunkAt(plan.chunks, c);
      tasks.push({
        kind: 'sweep-point',
        scenario: plan.scenario,
        sweep: plan.fingerprint,
        point: draw,
        overrides,
        seed: plan.seed,
        chunk: { firstTrial: draw * plan.trialsPerDraw + chunk.firstTrial, trials: chunk.trials },
      });
    }
  }
  return { plan, tasks };
}

/**
 * Runs one task of a two-level run; a scenario's issues come back as data. The outcome comes back
 * without what the band never reads (see `forBand`).
 */
export function runBandTask(cache: ModelCache, task: BandTask): { summary: RunSummary | ExactResult } | { issues: Issue[] } {
  const outcome = runChunkTask(cache, task);
  if ('issues' in outcome) return outcome;
  return { summary: forBand('exact' in outcome ? outcome.exact : outcome.summary) };
}

const NO_SERIES = new Float64Array(0);

/**
 * An outcome as the band reads it: a chunk's metric accumulators and a solve's metrics. The series
 * by track state (a chunk's occupancy and first entries, 0.4 MB of the 2022 scenario's; a solve's
 * curves) are left out: every outcome crosses to the page and back to the worker that finishes
 * the band, and copying them there took the page's main thread 150 ms at the end of a band.
 */
function forBand(outcome: RunSummary | ExactResult): RunSummary | ExactResult {
  return 'occupancy' in outcome ? { ...outcome, occupancy: NO_SERIES, firstAt: NO_SERIES } : { ...outcome, tracks: {} };
}

/** A chunk's outcome from `forBand` with zero series of its model's sizes again, so that it merges with the engine's summaries. */
function mergeable(outcome: RunSummary | ExactResult, zeros: Map<number, Float64Array>): RunSummary | ExactResult {
  if (!('occupancy' in outcome) || outcome.occupancy.length > 0) return outcome;
  const zero = (length: number) => {
    let z = zeros.get(length);
    if (z === undefined) zeros.set(length, (z = new Float64Array(length)));
    return z;
  };
  const slots = outcome.final.length;
  return { ...outcome, occupancy: zero(slots * (outcome.steps + 2)), firstAt: zero(slots * (outcome.steps + 1)) };
}

/** The band from every task's outcome (in task order), computed by the engine as the library computes it. */
export async function finishBand(plan: UncertaintyPlan, outcomes: (RunSummary | ExactResult)[]): Promise<UncertaintyResult> {
  let next = 0;
  // Shared zero series: a merge only reads the outcome it adds.
  const zeros = new Map<number, Float64Array>();
  // One lane each, so the engine asks for the tasks in order: the i-th ask gets the i-th outcome.
  const replay = async () => {
    const summary = outcomes[next++];
    if (summary === undefined) throw new Error('internal: the band has fewer outcomes than tasks');
    return { summary: mergeable(summary, zeros) };
  };
  return runUncertaintyPlan(plan, {
    lanes: [{ run: replay as () => Promise<{ summary: RunSummary }> }],
    exactLanes: [{ run: replay as () => Promise<{ summary: ExactResult }> }],
  });
}
