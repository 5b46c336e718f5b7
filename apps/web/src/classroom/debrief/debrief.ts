/**
 * The debrief after the reveal, for the teacher's projector and each student's screen: what the
 * class decided, each question's answer against the class's forecasts, the leaderboard, team
 * scores, a calibration chart and how the decisions moved the odds against no action. Every chart
 * has a text alternative and a table; every name is set as text.
 */
import type { ChartFigure } from '../../charts.ts';
import type { DebriefView } from '../../classroom-api.ts';
import { h } from '../../dom.ts';
import { formatNumber } from '../../format.ts';
import { scrollBox } from '../../scroll-box.ts';
import { stackable } from '../../stackable.ts';
import { calibrationFigure } from './debrief-calibration.ts';
import { decisionsTable } from './debrief-decisions.ts';
import { effectsFigure, effectsTable } from './debrief-effects.ts';
import { leaderboardTable, teamScoresTable } from './debrief-leaderboard.ts';
import { myScoresTable } from './debrief-my-scores.ts';
import { questionBlocks } from './debrief-questions.ts';
import { historyTable, payoffsTable, turnsSummary } from './debrief-seminar.ts';

/** The paragraph that says how the engine played the exercise. */
function lede(view: DebriefView): HTMLElement {
  const r = view.receipts;
  return h(
    'p',
    { class: 'lede' },
    `${view.submitted} ${view.submitted === 1 ? 'student' : 'students'} submitted. The engine played the 30 days ${formatNumber(r.withDecisions.trials)} times with the class's decisions and ${formatNumber(r.noAction.trials)} times with none${view.turns ? ', in each turn' : ''}, with the same seed (${r.withDecisions.seed}), so the difference is the decisions' and not the dice's. Scores are expected scores under the engine's answer: luck plays no part.`,
  );
}

/** The receipts of both runs, so anyone can reproduce them. */
function receipts(view: DebriefView): HTMLElement {
  const r = view.receipts;
  return h(
    'p',
    { class: 'receipt muted', id: 'debrief-receipt' },
    `Receipts: scenario ${r.withDecisions.scenarioId} (${r.withDecisions.scenarioHash.slice(0, 12)}), engine ${r.withDecisions.engineVersion}, seed ${r.withDecisions.seed}; with the decisions: output ${r.withDecisions.outputHash.slice(0, 16)}, overrides ${JSON.stringify(r.withDecisions.overrides)}; no action: output ${r.noAction.outputHash.slice(0, 16)}. Revealed ${new Date(view.revealedAt).toLocaleString()} in ${view.seconds.toFixed(1)} s.`,
  );
}

/** A debrief table in its box: at phone width its rows stack into labelled cards, so no column is cut at the edge. */
function tableBox(table: HTMLTableElement): HTMLElement {
  return scrollBox(stackable(table));
}

/** Renders the debrief; `me` highlights a student's own row. Returns the charts to draw and destroy. */
export function renderDebrief(
  view: DebriefView,
  options: { me?: string; onCsv: () => void },
): { element: HTMLElement; charts: ChartFigure[] } {
  const { debrief, exercise } = view;
  const teamName = new Map(exercise.teams.map((t) => [t.id, t.name]));
  const questions = questionBlocks(debrief);
  const hasTeams = exercise.teams.length > 0;
  const calibration = calibrationFigure(debrief.calibration);
  const effectChart = effectsFigure(view);
  const charts: ChartFigure[] = [...questions.charts, calibration, ...(effectChart ? [effectChart] : [])];
  const mine = myScoresTable(debrief, options.me);
  const history = historyTable(view);
  const payoffs = payoffsTable(view);
  const element = h(
    'section',
    { class: 'debrief', id: 'debrief', 'aria-labelledby': 'debrief-title' },
    h('h2', { id: 'debrief-title' }, 'Debrief'),
    lede(view),
    h(
      'p',
      { class: 'debrief-actions no-print' },
      h('button', { type: 'button', id: 'download-csv', onclick: options.onCsv }, 'Download CSV'),
      h('button', { type: 'button', id: 'print', onclick: () => window.print() }, 'Print'),
    ),
    mine ? h('h3', {}, 'Your forecasts') : null,
    mine ? tableBox(mine) : null,
    view.turns ? h('h3', {}, 'The turns') : null,
    turnsSummary(view),
    h('h3', {}, 'What the class decided'),
    tableBox(decisionsTable(view, teamName)),
    h('h3', {}, 'Each question: the class against the engine'),
    h('div', { class: 'question-grid' }, ...questions.blocks),
    history ? h('h3', {}, 'Against what happened') : null,
    history ? tableBox(history) : null,
    payoffs ? h('h3', {}, 'Team payoffs') : null,
    payoffs ? tableBox(payoffs) : null,
    h('h3', {}, 'Leaderboard'),
    tableBox(leaderboardTable(debrief, options.me, hasTeams, teamName)),
    hasTeams ? tableBox(teamScoresTable(debrief)) : null,
    h('h3', {}, 'Calibration'),
    calibration.figure,
    h('h3', {}, 'Did the decisions matter?'),
    effectChart?.figure,
    tableBox(effectsTable(debrief)),
    receipts(view),
  );
  return { element, charts };
}
