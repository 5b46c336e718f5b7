/** The debrief's table of what the class decided: each lever's outcome and the votes behind it. */
import type { DebriefView } from '../../classroom-api.ts';
import { h } from '../../dom.ts';
import { formatNumber } from '../../format.ts';

type Lever = DebriefView['exercise']['levers'][number];
type Decision = DebriefView['decisions'][number];

/** One lever's row: its label, team, the outcome and the votes. */
function decisionRow(d: Decision, l: Lever | undefined, teamName: Map<string, string>): HTMLTableRowElement {
  const optionLabel = (id: string) => (l?.kind === 'choice' ? (l.options.find((o) => o.id === id)?.label ?? id) : id);
  const outcome =
    d.decision === null ? 'nobody voted: no action' : typeof d.decision === 'number' ? formatNumber(d.decision) : optionLabel(d.decision);
  const votes = Array.isArray(d.votes)
    ? d.votes.map((v) => formatNumber(v)).join(', ') || '–'
    : Object.entries(d.votes)
        .map(([id, n]) => `${optionLabel(id)}: ${n}`)
        .join('; ');
  return h(
    'tr',
    { 'data-lever': d.lever },
    h('th', { scope: 'row' }, l?.label ?? d.lever),
    h('td', {}, l?.team ? (teamName.get(l.team) ?? l.team) : 'everyone'),
    h('td', { 'data-key': 'decision' }, outcome),
    h('td', {}, votes),
  );
}

/** Renders the class's decisions (most votes wins; a tie means no action). */
export function decisionsTable(view: DebriefView, teamName: Map<string, string>): HTMLTableElement {
  const lever = new Map(view.exercise.levers.map((l) => [l.id, l]));
  return h(
    'table',
    { class: 'data', id: 'class-decisions' },
    h('caption', {}, "The class's decisions (most votes wins; a tie means no action)"),
    h('thead', {}, h('tr', {}, ...['decision', 'team', 'outcome', 'votes'].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, ...view.decisions.map((d) => decisionRow(d, lever.get(d.lever), teamName))),
  );
}
