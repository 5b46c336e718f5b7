/** The debrief's leaderboard (with the class median as an unranked row) and the team scores. */
import type { Debrief } from '@georisk/engine/classroom';
import { dataTable, h } from '../../dom.ts';
import { formatScore, num } from './score-format.ts';

/** The class median's scores, not ranked; null when nobody forecast. */
function crowdRow(debrief: Debrief, hasTeams: boolean): HTMLTableRowElement | null {
  if (debrief.crowd.length === 0) return null;
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
  const brier = mean(debrief.crowd.flatMap((f) => (f.brier === undefined ? [] : [f.brier])));
  const log = mean(debrief.crowd.flatMap((f) => (f.log === undefined ? [] : [f.log])));
  const rel = mean(debrief.crowd.flatMap((f) => (f.relativeError === undefined ? [] : [f.relativeError])));
  return h(
    'tr',
    { class: 'crowd', 'data-student': 'crowd' },
    h('td', { class: 'num' }, '–'),
    h('th', { scope: 'row' }, 'The class median (not ranked)'),
    hasTeams ? h('td', {}, '') : null,
    num('brier', brier, formatScore(brier)),
    num('log', log, formatScore(log, 2)),
    num('relativeError', rel, rel === null ? '–' : `${formatScore(rel, 2)}×`),
  );
}

/** The flag on a student who left questions unanswered (they count as the leaderboard's caption says). */
function unansweredNote(count: number): HTMLElement | null {
  return count === 0 ? null : h('span', { class: 'unanswered' }, ` (${count} unanswered)`);
}

/** A late joiner's note: their means rest on fewer questions than their classmates', so the ranks are not like for like. */
function lateNote(excused: number, questions: number): HTMLElement | null {
  return excused === 0
    ? null
    : h('span', { class: 'unanswered' }, ` (joined late: scored on ${questions - excused} of ${questions} questions)`);
}

/** One student's row; `me` marks the reader's own. */
function studentRow(
  s: Debrief['students'][number],
  me: string | undefined,
  hasTeams: boolean,
  teamName: Map<string, string>,
  questions: number,
): HTMLTableRowElement {
  return h(
    'tr',
    { 'data-student': s.id, class: s.id === me ? 'me' : undefined },
    num('rank', s.rank, String(s.rank)),
    h(
      'th',
      { scope: 'row' },
      s.name,
      s.id === me ? h('span', { class: 'you' }, ' (you)') : null,
      unansweredNote(s.missing?.length ?? 0),
      lateNote(s.excused?.length ?? 0, questions),
    ),
    hasTeams ? h('td', {}, s.team ? (teamName.get(s.team) ?? s.team) : '') : null,
    num('brier', s.brier, formatScore(s.brier)),
    num('log', s.log, formatScore(s.log, 2)),
    num('relativeError', s.relativeError, s.relativeError === null ? '–' : `${formatScore(s.relativeError, 2)}×`),
  );
}

/** Renders the leaderboard, ranked by mean expected Brier score. */
export function leaderboardTable(debrief: Debrief, me: string | undefined, hasTeams: boolean, teamName: Map<string, string>) {
  const head = ['rank', 'student', ...(hasTeams ? ['team'] : []), 'Brier', 'log score (bits)', 'quantity error (× best)'];
  return h(
    'table',
    { class: 'data', id: 'leaderboard' },
    h(
      'caption',
      {},
      'Leaderboard: mean expected Brier score on the probability questions (lower is better; always saying 50% scores 0.250). A question left unanswered counts as a 50% forecast (a quantity: as the class’s largest error on it): skipping scores no better than the least informed answer, though a confident wrong answer scores worse.',
    ),
    h('thead', {}, h('tr', {}, ...head.map((c) => h('th', { scope: 'col' }, c)))),
    h(
      'tbody',
      {},
      ...debrief.students.map((s) => studentRow(s, me, hasTeams, teamName, debrief.questions.length)),
      crowdRow(debrief, hasTeams),
    ),
  );
}

/** Renders the team scores (means of the members). */
export function teamScoresTable(debrief: Debrief): HTMLTableElement {
  const teams = dataTable(
    'Team scores (means of the members who forecast)',
    ['team', 'members who forecast', 'Brier', 'log score (bits)', 'quantity error (× best)'],
    debrief.teams.map((t) => [
      t.name,
      t.members,
      formatScore(t.brier),
      formatScore(t.log, 2),
      t.relativeError === null ? '–' : `${formatScore(t.relativeError, 2)}×`,
    ]),
  );
  teams.id = 'team-scores';
  return teams;
}
