/** The exact answer averaged over the parameters' declared priors: what a plain Monte Carlo run estimates. */
import type { ExactTask } from '../chunks/chunk-task.ts';
import { ModelCache } from '../chunks/model-cache.ts';
import { exactHereLane } from '../chunks/run-chunk-task.ts';
import { type CancelSignal, type Lane, scheduleChunks } from '../chunks/schedule-chunks.ts';
import { GeoriskError, issue } from '../errors.ts';
import type { ExactResult } from '../exact/index.ts';
import { buildModel, type Overrides } from '../model/model.ts';
import { parameterPrior } from '../parameter-prior.ts';
import { DEFAULT_SEED } from '../run.ts';
import { latinHypercube } from '../sampling.ts';
import type { ScenarioDocument } from '../scenario-schema.ts';
import { checkExactDraws } from './plan-uncertainty.ts';

/** Each metric's exact mean averaged over the draws, and the standard error of that average. */
export interface ExactOverPriors {
  /** The parameters drawn: those with an `uncertainty` that no override fixes (the ones a plain run draws every trial). */
  drawn: string[];
  draws: number;
  metrics: Record<string, { mean: number; se: number }>;
}

/** Where the draws are solved: lanes for exact tasks (the calling thread when left out). */
export interface ExactOverPriorsRuntime {
  exactLanes?: readonly Lane<ExactTask, ExactResult>[];
  signal?: CancelSignal;
  /** Called with the number of draws solved so far, as each is added in draw order (for a progress bar). */
  onDraw?: (drawsDone: number) => void;
}

/**
 * Solves the scenario exactly at `draws` Latin-hypercube draws of its declared `uncertainty` priors and
 * averages each metric's mean. A plain Monte Carlo run draws those parameters afresh every trial, so its
 * means estimate this average, not the exact answer at the parameters' values (they differ where a
 * metric is not linear in the parameters). The standard error is the draws' sd / √draws, which a Latin
 * hypercube does not exceed for large draws. Parameters with only a range (the two-level run's default
 * triangular priors) stay at their values, as they do in a plain run.
 * The draws are solved on the runtime's lanes (worker threads, say) and added up in draw order, so
 * the answer is the same bits on any lanes.
 * @example (await exactOverPriors(scenario, {}, 64)).metrics.p_war?.mean
 */
export async function exactOverPriors(
  scenario: ScenarioDocument,
  overrides: Overrides = {},
  draws = 64,
  seed = DEFAULT_SEED,
  runtime: ExactOverPriorsRuntime = {},
): Promise<ExactOverPriors> {
  if (!Number.isInteger(draws) || draws < 2)
    throw new GeoriskError([
      issue('bad_run_options', 'draws', `the number of draws must be a whole number >= 2, got ${draws}`, 'use e.g. 64'),
    ]);
  // Each draw is a full exact analysis, capped as a two-level run's exact draws are.
  checkExactDraws(draws);
  const model = buildModel(scenario, overrides);
  const drawn = model.params.names.flatMap((name, i) => {
    const d = model.params.uncertainty[i];
    return d === undefined ? [] : [{ name, prior: parameterPrior({ default: 0, uncertainty: d }) }];
  });
  const lanes = runtime.exactLanes ?? [exactHereLane(new ModelCache())];
  const signal = runtime.signal === undefined ? {} : { signal: runtime.signal };
  if (drawn.length === 0) {
    const at = await solveOne(lanes, { kind: 'exact', scenario, overrides }, signal);
    return {
      drawn: [],
      draws: 1,
      metrics: Object.fromEntries(Object.entries(at.metrics).map(([name, m]) => [name, { mean: m.mean, se: 0 }])),
    };
  }
  const unit = latinHypercube(draws, drawn.length, seed);
  const sums = new Map<string, { s: number; s2: number }>();
  await scheduleChunks({
    count: draws,
    lanes,
    ...signal,
    task: (k): ExactTask => {
      const point: Overrides = { ...overrides };
      drawn.forEach((p, d) => {
        point[p.name] = p.prior?.quantile(unit[k * drawn.length + d] ?? 0.5) ?? Number.NaN;
      });
      return { kind: 'exact', scenario, overrides: point };
    },
    // In draw order, whichever lane finished first: the sums are the same bits on any lanes.
    onSummary: (k, exact) => {
      for (const [name, m] of Object.entries(exact.metrics)) {
        const acc = sums.get(name) ?? { s: 0, s2: 0 };
        acc.s += m.mean;
        acc.s2 += m.mean * m.mean;
        sums.set(name, acc);
      }
      runtime.onDraw?.(k + 1);
    },
  });
  const metrics: ExactOverPriors['metrics'] = {};
  for (const [name, { s, s2 }] of sums) {
    const mean = s / draws;
    const variance = Math.max(0, (s2 - draws * mean * mean) / (draws - 1));
    metrics[name] = { mean, se: Math.sqrt(variance / draws) };
  }
  return { drawn: drawn.map((p) => p.name), draws, metrics };
}

/** One exact task on the lanes. */
async function solveOne(
  lanes: readonly Lane<ExactTask, ExactResult>[],
  task: ExactTask,
  signal: { signal?: CancelSignal },
): Promise<ExactResult> {
  let result: ExactResult | undefined;
  await scheduleChunks({ count: 1, lanes, ...signal, task: () => task, onSummary: (_, exact) => (result = exact) });
  return result as ExactResult;
}
