/**
 * The reveal of a seminar: the last turn adjudicated like the earlier ones, every student's
 * forecasts of every turn scored against their own turn's runs, and the team payoffs from the last turn.
 */
import { buildDebrief, type Exercise, type QuestionOutcome } from '@georisk/engine/classroom';
import { historyRows, teamPayoffs } from '@georisk/engine/seminar';
import type { StoredExercise, StoredStudent, TurnSubmission } from '../../classroom-store.ts';
import { adjudicateTurn, type TurnContext, type TurnResult } from './adjudicate-turn.ts';
import { classMedians, type RevealResult } from './reveal.ts';

/**
 * Each student's forecasts of every turn, the closed turns' kept submissions and the open turn's,
 * and the questions of turns closed before the student joined: those could not be answered, so
 * they are excused, not scored as skipped.
 */
function forecastsOfAllTurns(
  exercise: Exercise,
  students: readonly StoredStudent[],
  kept: readonly TurnSubmission[],
  closed: readonly TurnResult[],
) {
  return students.map((s) => {
    const forecasts: Record<string, number> = {};
    for (const t of kept) if (t.studentId === s.id) Object.assign(forecasts, t.submission.forecasts);
    Object.assign(forecasts, s.submission?.forecasts ?? {});
    const excused = closed.flatMap((t, k) =>
      t.closedAt !== undefined && t.closedAt < s.joinedAt ? (exercise.turns?.[k]?.questions ?? []) : [],
    );
    return { id: s.id, name: s.name, team: s.team, forecasts, excused };
  });
}

/** Runs the open (last) turn and builds the whole seminar's debrief. */
export async function runSeminarReveal(
  ctx: TurnContext,
  e: StoredExercise,
  students: readonly StoredStudent[],
  kept: readonly TurnSubmission[],
): Promise<RevealResult> {
  const started = performance.now();
  const exercise: Exercise = ctx.exercise;
  const earlier = e.turnResults as TurnResult[];
  const submitted = students.filter((s) => s.submission !== null);
  const last = await adjudicateTurn(
    ctx,
    e.turn,
    submitted.map((s) => ({ team: s.team, decisions: s.submission?.decisions ?? {} })),
    earlier.at(-1)?.overrides ?? {},
  );
  const turns = [...earlier, last];
  const merge = (pick: (t: TurnResult) => Record<string, QuestionOutcome>) => Object.assign({}, ...turns.map(pick));
  const outcomes: Record<string, QuestionOutcome> = merge((t) => t.outcomes);
  const forecasters = forecastsOfAllTurns(exercise, students, kept, earlier).filter((s) => Object.keys(s.forecasts).length > 0);
  const debrief = buildDebrief(
    exercise,
    forecasters,
    outcomes,
    merge((t) => t.noAction),
  );
  return {
    debrief,
    decisions: turns.flatMap((t) => t.decisions),
    overrides: last.overrides,
    receipts: last.receipts,
    seconds: (performance.now() - started) / 1000,
    submitted: forecasters.length,
    payoffs: teamPayoffs(exercise.teams, last.means.withDecisions, last.means.noAction),
    history: historyRows(exercise, outcomes, classMedians(debrief)),
    turns: turns.map((t) => ({
      turn: t.turn,
      title: t.title,
      decisions: t.decisions,
      overrides: t.overrides,
      conditioned: t.conditioned,
      submitted: t.submitted,
    })),
  };
}
