/**
 * Multi-turn seminar exercises: what each turn asks and releases, the decisions in force at each
 * turn, team payoffs from metric means, and forecasts scored against what happened.
 *
 * What a decision means in the model (docs/teaching/README.md, "Seminars"): the scenario language
 * has no parameter that changes at a time, so a lever decided in turn k sets its parameter for the
 * whole run, and turn k is adjudicated on the runs that agree with everything released up to turn k
 * (the observations condition the run, as `georisk update` does). Read a turn-2 decision as "the
 * policy held throughout, in the worlds that look like what the class had seen by then".
 */
import {
  classDecisions,
  type Exercise,
  type LeverDecision,
  noActionOverrides,
  type Question,
  type QuestionOutcome,
  type Submission,
  type Team,
} from './classroom.ts';
import { brierScore } from './scoring.ts';
import type { MetricSummary } from './summarize.ts';

/** The number of turns (1 for an exercise without turns). */
export function turnCount(exercise: Exercise): number {
  return exercise.turns?.length ?? 1;
}

/** The exercise's questions and levers that `turns` ask and offer. */
function askedIn(exercise: Exercise, turns: readonly { questions: string[]; levers: string[] }[]): Pick<Exercise, 'questions' | 'levers'> {
  const questions = new Set(turns.flatMap((t) => t.questions));
  const levers = new Set(turns.flatMap((t) => t.levers));
  return {
    questions: exercise.questions.filter((q) => questions.has(q.id)),
    levers: exercise.levers.filter((l) => levers.has(l.id)),
  };
}

/** The exercise as seen in turn k (0-based): only that turn's questions and levers. An exercise without turns is itself. */
export function turnExercise(exercise: Exercise, k: number): Exercise {
  const turn = exercise.turns?.[k];
  return turn === undefined ? exercise : { ...exercise, ...askedIn(exercise, [turn]) };
}

/** The exercise cut to its turns 0 … k, with only their questions and levers: what a reveal after the deadline scores. */
export function playedTurns(exercise: Exercise, k: number): Exercise {
  if (exercise.turns === undefined) return exercise;
  const turns = exercise.turns.slice(0, k + 1);
  return { ...exercise, turns, ...askedIn(exercise, turns) };
}

/**
 * The observations released up to turn k, as an observations document (JSON, which the YAML reader
 * reads), or undefined when nothing has been released.
 */
export function releasedObservations(exercise: Exercise, k: number): string | undefined {
  const released = (exercise.turns ?? []).slice(0, k + 1);
  const observations = released.flatMap((t) => t.observations);
  if (observations.length === 0) return undefined;
  const asOf = released.at(-1)?.asOf;
  return JSON.stringify({ kind: 'observations', ...(asOf === undefined ? {} : { as_of: asOf }), observations });
}

/** The class's decisions in turn k and the overrides in force then: earlier turns' decisions, then this turn's. */
export function turnDecisions(
  exercise: Exercise,
  k: number,
  submissions: readonly { team: string | null; decisions: Submission['decisions'] }[],
  earlier: Record<string, number>,
): { decisions: LeverDecision[]; overrides: Record<string, number> } {
  const decided = classDecisions(turnExercise(exercise, k), submissions);
  return { decisions: decided.decisions, overrides: { ...earlier, ...decided.overrides } };
}

/** The "no action" run's overrides in turn k: every lever offered up to that turn at no action (`noActionOverrides`). */
export function turnNoActionOverrides(exercise: Exercise, k: number): Record<string, number> {
  return noActionOverrides(playedTurns(exercise, k).levers);
}

/**
 * A question's outcome from a conditioned run's metric summary (the conditioned runs give summaries,
 * not accumulators). A quantity is scored on `grid`, its conditioned distribution as equally likely
 * values read from the replayed trials' counts (`UpdateResult.grids`): a summary's histogram is too
 * coarse for it (a bin can hold most of the trials).
 */
export function outcomeFromSummary(question: Question, m: MetricSummary, grid?: readonly number[]): QuestionOutcome {
  if (question.kind === 'probability') {
    if (!m.probability) throw new RangeError(`question "${question.id}": "${question.metric}" is not a yes/no (0 or 1) metric`);
    // A conditioned turn's trials are worth its effective sample size: the decision effect's interval uses it.
    return { kind: 'probability', p: m.probability.p, ci95: m.probability.ci95, n: m.effectiveN ?? m.n };
  }
  if (grid === undefined)
    throw new RangeError(`question "${question.id}": a quantity needs the distribution of "${question.metric}" (the update's grids)`);
  return {
    kind: 'quantity',
    mean: m.mean,
    se: m.se,
    median: m.quantiles.p50,
    quantiles: { ...m.quantiles },
    histogram: m.histogram,
    grid: [...grid],
    n: m.effectiveN ?? m.n,
  };
}

/** A team's payoff with the class's decisions and with none. */
export interface TeamPayoff {
  team: string;
  name: string;
  aims: string;
  withDecisions: number;
  noAction: number;
  difference: number;
  terms: { metric: string; weight: number; withDecisions: number; noAction: number }[];
}

/** Each team's payoff, Σ weight × metric mean, in the two final runs; teams without a payoff are left out. */
export function teamPayoffs(teams: readonly Team[], withDecisions: Record<string, number>, noAction: Record<string, number>): TeamPayoff[] {
  return teams.flatMap((t) => {
    if (t.payoff === undefined) return [];
    const terms = t.payoff.map((term) => {
      const a = withDecisions[term.metric];
      const b = noAction[term.metric];
      if (a === undefined || b === undefined) throw new RangeError(`team "${t.id}": the scenario has no metric "${term.metric}"`);
      return { metric: term.metric, weight: term.weight, withDecisions: a, noAction: b };
    });
    const sum = (pick: (x: (typeof terms)[number]) => number) => terms.reduce((s, x) => s + x.weight * pick(x), 0);
    const w = sum((x) => x.withDecisions);
    const n = sum((x) => x.noAction);
    return [{ team: t.id, name: t.name, aims: t.aims ?? '', withDecisions: w, noAction: n, difference: w - n, terms }];
  });
}

/** How a historical question resolved: what happened, the engine's answer and score, and the class median's. */
export interface HistoryRow {
  question: string;
  label: string;
  kind: Question['kind'];
  actual: number;
  source: string;
  note: string;
  engine: number;
  /** The engine's Brier score (probability) or absolute error of its median (quantity) against what happened. */
  engineScore: number;
  classMedian: number | null;
  classScore: number | null;
}

/** One row per question that records what happened. */
export function historyRows(
  exercise: Exercise,
  outcomes: Record<string, QuestionOutcome>,
  classMedians: Record<string, number>,
): HistoryRow[] {
  return exercise.questions.flatMap((q) => {
    const o = outcomes[q.id];
    if (q.actual === undefined || o === undefined) return [];
    const actual = q.actual.value;
    const score = (x: number) => (q.kind === 'probability' ? brierScore(x, actual as 0 | 1) : Math.abs(x - actual));
    const engine = o.kind === 'probability' ? o.p : o.median;
    const median = classMedians[q.id];
    return [
      {
        question: q.id,
        label: q.label,
        kind: q.kind,
        actual,
        source: q.actual.source,
        note: q.actual.note ?? '',
        engine,
        engineScore: score(engine),
        classMedian: median ?? null,
        classScore: median === undefined ? null : score(median),
      },
    ];
  });
}
