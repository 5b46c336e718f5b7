/** The debrief's seminar parts: what each turn released and decided, each team's payoff beside no action, and the questions against what happened. */
import type { DebriefView } from '../../classroom-api.ts';
import { h } from '../../dom.ts';
import { formatNumber, formatPercent } from '../../format.ts';
import { formatScore, num } from './score-format.ts';

/** One paragraph per turn: its title, how many submitted, and what its runs were conditioned on. */
export function turnsSummary(view: DebriefView): HTMLElement | null {
  if (!view.turns) return null;
  return h(
    'ol',
    { class: 'turn-list', id: 'debrief-turns' },
    ...view.turns.map((t) =>
      h(
        'li',
        { 'data-turn': t.turn },
        h('strong', {}, t.title),
        `: ${t.submitted} ${t.submitted === 1 ? 'student' : 'students'} submitted. `,
        t.conditioned === null
          ? 'Adjudicated on the scenario as written, with the decisions in force.'
          : `Adjudicated on the runs that agree with the ${t.conditioned.observations} facts released so far (about ${formatNumber(Math.round(t.conditioned.effectiveSampleSize.withDecisions))} runs' worth of evidence with the decisions, ${formatNumber(Math.round(t.conditioned.effectiveSampleSize.noAction))} without).`,
      ),
    ),
  );
}

/** A number with a true minus sign, like the differences beside it. */
const plain = (x: number) => formatNumber(x).replace(/^-/, '−');

/** A signed difference: "+12.5", "−3". */
const signed = (d: number) => `${d > 0 ? '+' : d < 0 ? '−' : '±'}${formatNumber(Math.abs(d))}`;

/** Each team's aims and payoff with the class's decisions, with none, and the difference. */
export function payoffsTable(view: DebriefView): HTMLTableElement | null {
  if (!view.payoffs || view.payoffs.length === 0) return null;
  return h(
    'table',
    { class: 'data', id: 'team-payoffs' },
    h('caption', {}, "Each team's payoff (a weighted sum of the engine's average outcomes; higher is better for the team)"),
    h(
      'thead',
      {},
      h('tr', {}, ...['team', 'aims', 'with the decisions', 'no action', 'difference'].map((c) => h('th', { scope: 'col' }, c))),
    ),
    h(
      'tbody',
      {},
      ...view.payoffs.map((p) =>
        h(
          'tr',
          { 'data-team': p.team },
          h('th', { scope: 'row' }, p.name),
          h(
            'td',
            { class: 'aims' },
            p.aims,
            h('br'),
            h(
              'span',
              { class: 'muted' },
              p.terms.map((t) => `${t.weight > 0 ? '+' : '−'}${formatNumber(Math.abs(t.weight))} × ${t.metric}`).join(' '),
            ),
          ),
          num('with', p.withDecisions, plain(p.withDecisions)),
          num('no-action', p.noAction, plain(p.noAction)),
          num('difference', p.difference, signed(p.difference)),
        ),
      ),
    ),
  );
}

/** A probability or a count, as its question asks it. */
const answer = (kind: 'probability' | 'quantity', x: number | null) =>
  x === null ? '–' : kind === 'probability' ? formatPercent(x) : formatNumber(x);

/** The questions that record what happened: the actual outcome and its source, the engine's and the class median's answers and scores. */
export function historyTable(view: DebriefView): HTMLTableElement | null {
  if (!view.history || view.history.length === 0) return null;
  return h(
    'table',
    { class: 'data', id: 'history' },
    h('caption', {}, 'Against what happened: Brier score for yes/no questions, absolute error for counts (lower is better)'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...['question', 'what happened', 'engine', 'engine score', 'class median', 'class score'].map((c) => h('th', { scope: 'col' }, c)),
      ),
    ),
    h(
      'tbody',
      {},
      ...view.history.map((r) =>
        h(
          'tr',
          { 'data-question': r.question },
          h('th', { scope: 'row' }, r.label),
          h(
            'td',
            {},
            r.kind === 'probability' ? (r.actual === 1 ? 'yes' : 'no') : formatNumber(r.actual),
            ' (',
            h('a', { href: r.source, target: '_blank', rel: 'noopener noreferrer', title: r.note }, 'source'),
            ')',
          ),
          num('engine', r.engine, answer(r.kind, r.engine)),
          num('engine-score', r.engineScore, r.kind === 'probability' ? formatScore(r.engineScore) : formatNumber(r.engineScore)),
          num('class-median', r.classMedian, answer(r.kind, r.classMedian)),
          num(
            'class-score',
            r.classScore,
            r.classScore === null ? '–' : r.kind === 'probability' ? formatScore(r.classScore) : formatNumber(r.classScore),
          ),
        ),
      ),
    ),
  );
}
