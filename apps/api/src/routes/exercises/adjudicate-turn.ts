/**
 * Adjudicating one turn of a seminar: the scenario run with the decisions in force and with none
 * (same seed), each conditioned on what the exercise has released up to the turn, and the turn's
 * questions answered from both.
 */
import { buildModel, finalizeResult, type LoadedScenario, type MetricSummary, type Overrides, type Receipt } from '@georisk/engine';
import { type Exercise, type LeverDecision, type QuestionOutcome, questionOutcomes } from '@georisk/engine/classroom';
import { outcomeFromSummary, releasedObservations, turnDecisions, turnExercise, turnNoActionOverrides } from '@georisk/engine/seminar';
import type { SimulationPool } from '../../pool.ts';

/** What one run of a turn gives: the turn's answers, every metric's mean, the receipt and the effective sample size. */
interface TurnRun {
  outcomes: Record<string, QuestionOutcome>;
  means: Record<string, number>;
  receipt: Receipt;
  effectiveSampleSize: number | null;
}

/** A turn's adjudication, stored when the teacher closes the turn. */
export interface TurnResult {
  turn: string;
  title: string;
  decisions: LeverDecision[];
  /** The overrides in force: this turn's decisions over the earlier turns'. */
  overrides: Overrides;
  outcomes: Record<string, QuestionOutcome>;
  noAction: Record<string, QuestionOutcome>;
  means: { withDecisions: Record<string, number>; noAction: Record<string, number> };
  /** Observations the runs were conditioned on (all turns up to this one), with the effective sample sizes. */
  conditioned: { observations: number; effectiveSampleSize: { withDecisions: number; noAction: number } } | null;
  receipts: { withDecisions: Receipt; noAction: Receipt };
  submitted: number;
  /** When the teacher closed the turn (absent from turns closed before it was kept): a student who joined later could not answer it. */
  closedAt?: string;
}

/** Everything a turn run needs. */
export interface TurnContext {
  exercise: Exercise;
  loaded: LoadedScenario;
  pool: SimulationPool;
  budget: number;
  client: string;
}

const meansOf = (metrics: Record<string, MetricSummary>) => Object.fromEntries(Object.entries(metrics).map(([k, m]) => [k, m.mean]));

/** One run of turn k: plain when nothing has been released, else conditioned on the released observations. */
async function runTurn(ctx: TurnContext, k: number, overrides: Overrides): Promise<TurnRun> {
  const { exercise, loaded, pool, client } = ctx;
  const asked = turnExercise(exercise, k);
  const observations = releasedObservations(exercise, k);
  const model = buildModel(loaded.scenario, overrides);
  if (observations === undefined) {
    const summary = await pool.runTrials(model, { seed: exercise.seed, trials: exercise.trials, overrides }, undefined, client);
    const result = finalizeResult(model, summary, { seed: exercise.seed, overrides, seconds: 0, workers: 1 });
    const outcomes = questionOutcomes(asked, model, summary);
    return { outcomes, means: meansOf(result.metrics), receipt: result.receipt, effectiveSampleSize: null };
  }
  // Quantity questions are scored on their whole conditioned distribution, which the update returns as grids.
  const grids = asked.questions.filter((q) => q.kind === 'quantity').map((q) => q.metric);
  const options = { trials: exercise.trials, seed: exercise.seed, overrides, budget: ctx.budget, method: 'smc' as const, grids };
  const json = await pool.updateJson({ scenario: loaded.scenario, observations, options }, undefined, client);
  const answer = JSON.parse(json) as {
    metrics: Record<string, MetricSummary>;
    receipt: Receipt;
    conditioning: { effectiveSampleSize: number };
    grids?: Record<string, number[]>;
  };
  const outcomes: Record<string, QuestionOutcome> = {};
  for (const q of asked.questions) {
    const m = answer.metrics[q.metric];
    if (m === undefined) throw new RangeError(`question "${q.id}": the scenario has no metric "${q.metric}"`);
    outcomes[q.id] = outcomeFromSummary(q, m, answer.grids?.[q.metric]);
  }
  return {
    outcomes,
    means: meansOf(answer.metrics),
    receipt: answer.receipt,
    effectiveSampleSize: answer.conditioning.effectiveSampleSize,
  };
}

/**
 * Adjudicates turn k: the class's decisions of this turn over those of earlier turns (`earlier`),
 * and no action at all, both with the exercise's seed (common random numbers).
 */
export async function adjudicateTurn(
  ctx: TurnContext,
  k: number,
  submissions: readonly { team: string | null; decisions: Record<string, string | number> }[],
  earlier: Overrides,
): Promise<TurnResult> {
  const turn = ctx.exercise.turns?.[k];
  const decided = turnDecisions(ctx.exercise, k, submissions, earlier);
  const noActionRun = runTurn(ctx, k, turnNoActionOverrides(ctx.exercise, k));
  const [withDecisions, noAction] = await Promise.all([runTurn(ctx, k, decided.overrides), noActionRun]);
  const observations = (ctx.exercise.turns ?? []).slice(0, k + 1).reduce((n, t) => n + t.observations.length, 0);
  return {
    turn: turn?.id ?? '',
    title: turn?.title ?? ctx.exercise.title,
    decisions: decided.decisions,
    overrides: decided.overrides,
    outcomes: withDecisions.outcomes,
    noAction: noAction.outcomes,
    means: { withDecisions: withDecisions.means, noAction: noAction.means },
    conditioned:
      withDecisions.effectiveSampleSize === null || noAction.effectiveSampleSize === null
        ? null
        : {
            observations,
            effectiveSampleSize: { withDecisions: withDecisions.effectiveSampleSize, noAction: noAction.effectiveSampleSize },
          },
    receipts: { withDecisions: withDecisions.receipt, noAction: noAction.receipt },
    submitted: submissions.length,
  };
}
