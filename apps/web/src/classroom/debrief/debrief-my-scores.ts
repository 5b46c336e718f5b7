/** The debrief's table of a student's own forecasts against the engine's answers, with their scores. */
import type { Debrief } from '@georisk/engine/classroom';
import { h } from '../../dom.ts';
import { formatNumber, formatPercent } from '../../format.ts';
import { formatScore, num } from './score-format.ts';

type Student = Debrief['students'][number];

/** One forecast's row: what the student said, the engine's answer and the score. */
function forecastRow(f: Student['forecasts'][number], q: Debrief['questions'][number] | undefined): HTMLTableRowElement {
  const isP = f.brier !== undefined;
  const show = (x: number) => (isP ? formatPercent(x) : formatNumber(x));
  return h(
    'tr',
    { 'data-question': f.question },
    h('th', { scope: 'row' }, q?.label ?? f.question),
    num('forecast', f.forecast, show(f.forecast)),
    num('outcome', f.outcome, `${isP ? '' : 'median '}${show(f.outcome)}`),
    isP
      ? num('brier', f.brier, `Brier ${formatScore(f.brier)}`)
      : num(
          'relativeError',
          f.relativeError,
          `error ${formatNumber(f.absoluteError as number)} (${formatScore(f.relativeError, 2)}× best)`,
        ),
  );
}

/** A question the student left unanswered, with the score it counts for. */
function missingRow(m: NonNullable<Student['missing']>[number], q: Debrief['questions'][number] | undefined): HTMLTableRowElement {
  const engine = q?.outcome.kind === 'probability' ? formatPercent(q.outcome.p) : q ? `median ${formatNumber(q.outcome.median)}` : '–';
  return h(
    'tr',
    { 'data-question': m.question, class: 'unanswered' },
    h('th', { scope: 'row' }, q?.label ?? m.question),
    h('td', {}, 'no answer'),
    h('td', { class: 'num' }, engine),
    m.brier !== undefined
      ? num('brier', m.brier, `Brier ${formatScore(m.brier)} (counted as 50%)`)
      : num('relativeError', m.relativeError ?? null, `${formatScore(m.relativeError ?? null, 2)}× best (the class’s largest error)`),
  );
}

/** Renders the table for student `me`, or null when the reader is not a student of the class. */
export function myScoresTable(debrief: Debrief, me: string | undefined): HTMLTableElement | null {
  const student = debrief.students.find((s) => s.id === me);
  if (!student) return null;
  const label = new Map(debrief.questions.map((q) => [q.id, q]));
  return h(
    'table',
    { class: 'data', id: 'my-scores' },
    h('caption', {}, `Your forecasts, ${student.name}: rank ${student.rank} of ${debrief.students.length}`),
    h('thead', {}, h('tr', {}, ...['question', 'you said', 'engine', 'your score'].map((c) => h('th', { scope: 'col' }, c)))),
    h(
      'tbody',
      {},
      ...student.forecasts.map((f) => forecastRow(f, label.get(f.question))),
      ...(student.missing ?? []).map((m) => missingRow(m, label.get(m.question))),
    ),
  );
}
