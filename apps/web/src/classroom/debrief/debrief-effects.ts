/** Did the decisions matter: the class's decisions against no action, same seed, as a chart and a table. */
import type { Debrief } from '@georisk/engine/classroom';
import type { ChartConfiguration } from 'chart.js';
import { seriesColor, withAlpha } from '../../chart-data.ts';
import { barsHeight, type ChartFigure, figure, wrapLabel } from '../../charts.ts';
import type { DebriefView } from '../../classroom-api.ts';
import { dataTable, h } from '../../dom.ts';
import { formatNumber, formatPercent } from '../../format.ts';
import { bareLabel, num, signed, signedPoints } from './score-format.ts';

/** How the decisions moved each probability, in percentage points, with 95% intervals. */
export function effectsFigure(view: DebriefView): ChartFigure | undefined {
  const rows = view.debrief.effects.filter((e) => e.measure === 'probability');
  if (rows.length === 0) return undefined;
  const label = new Map(view.debrief.questions.map((q) => [q.id, q.label]));
  const labelOf = (e: (typeof rows)[number]) => label.get(e.question) ?? e.question;
  const labels = rows.map(labelOf);
  const lower = withAlpha(seriesColor(2), 0.8);
  const higher = withAlpha(seriesColor(5), 0.8);
  const interval = (e: (typeof rows)[number]) =>
    e.unchanged ? 'none: the same answer' : `${signedPoints(e.ci95[0])} to ${signedPoints(e.ci95[1])}`;
  const summary = rows.map((e) => `${labelOf(e)}: ${signedPoints(e.difference)} (95% interval ${interval(e)})`).join('; ');
  const table = dataTable(
    'Change made by the decisions',
    ['question', 'change', '95% interval'],
    rows.map((e) => [labelOf(e), signedPoints(e.difference), interval(e)]),
  );
  // At phone width the names wrap to shorter lines, with the box tall enough for them, and the axis title takes
  // two lines: with the wide layout's lines a name ran off the canvas's left edge and the title was squeezed.
  const config = (narrow: boolean): ChartConfiguration => ({
    type: 'bar',
    data: {
      labels: labels.map((l) => wrapLabel(l, narrow ? 20 : 28)),
      datasets: [
        {
          label: 'change',
          data: rows.map((e) => e.difference * 100),
          backgroundColor: rows.map((e) => (e.difference < 0 ? lower : higher)),
          errorBars: rows.map((e) => [e.ci95[0] * 100, e.ci95[1] * 100]),
        } as never,
      ],
    },
    options: {
      indexAxis: 'y',
      scales: {
        // Every question's name, wrapped: skipping some would leave bars unnamed.
        y: { ticks: { autoSkip: false } },
        x: {
          // Chart.js scales to the bars alone: widen to the intervals so no error bar runs past the chart.
          suggestedMin: Math.min(0, ...rows.map((e) => e.ci95[0] * 100)),
          suggestedMax: Math.max(0, ...rows.map((e) => e.ci95[1] * 100)),
          title: {
            display: true,
            text: narrow ? ['percentage points', '(with − without the decisions)'] : 'percentage points (with − without the decisions)',
          },
        },
      },
      plugins: {
        // One dataset coloured by sign: the legend names the two colours, and clicking it hides nothing.
        legend: {
          position: 'bottom',
          onClick: () => {},
          labels: {
            generateLabels: () => [
              { text: 'lowered by the decisions', fillStyle: lower, strokeStyle: lower, lineWidth: 0, hidden: false },
              { text: 'raised by the decisions', fillStyle: higher, strokeStyle: higher, lineWidth: 0, hidden: false },
              { text: '95% interval', fillStyle: '#fff', strokeStyle: '#111', lineWidth: 1.5, hidden: false },
            ],
          },
        },
      },
    },
  });
  const lines = labels.reduce((n, l) => n + wrapLabel(l, 20).length, 0);
  return figure('chart-effects', "How the class's decisions moved the odds (percentage points)", summary, table, () => config(false), {
    config: () => config(true),
    height: barsHeight(lines, labels.length),
  });
}

/** One question's row: with the decisions, without, the change and its interval. */
function effectRow(e: Debrief['effects'][number], q: Debrief['questions'][number] | undefined): HTMLTableRowElement {
  const fmt = (x: number) => (e.measure === 'probability' ? formatPercent(x) : formatNumber(x));
  const diff = (x: number) => (e.measure === 'probability' ? signedPoints(x) : signed(x, formatNumber));
  return h(
    'tr',
    { 'data-question': e.question },
    h('th', { scope: 'row' }, e.measure === 'mean' ? `${bareLabel(q?.label ?? e.question)} (mean)` : (q?.label ?? e.question)),
    num('with', e.withDecisions, fmt(e.withDecisions)),
    num('without', e.noAction, fmt(e.noAction)),
    num('difference', e.difference, diff(e.difference)),
    h('td', { class: 'num' }, e.unchanged ? 'none: the same answer' : `${diff(e.ci95[0])} to ${diff(e.ci95[1])}`),
  );
}

/** Renders the table of every question with the class's decisions against no action. */
export function effectsTable(debrief: Debrief): HTMLTableElement {
  const label = new Map(debrief.questions.map((q) => [q.id, q]));
  return h(
    'table',
    { class: 'data', id: 'effects' },
    h(
      'caption',
      {},
      debrief.effects.length > 0 && debrief.effects.every((e) => e.unchanged)
        ? 'The class’s decisions changed nothing: with them and with no action, the same seed gave the same answer to every question'
        : 'With the class’s decisions against no action, same seed (intervals treat the runs as independent, so they are conservative; a question both runs answered alike has no interval)',
    ),
    h(
      'thead',
      {},
      h('tr', {}, ...['question', 'with the decisions', 'no action', 'change', '95% interval'].map((c) => h('th', { scope: 'col' }, c))),
    ),
    h('tbody', {}, ...debrief.effects.map((e) => effectRow(e, label.get(e.question)))),
  );
}
