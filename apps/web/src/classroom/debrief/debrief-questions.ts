/** The debrief's questions: each one's answer from the engine against the class's forecasts, as a chart. */
import type { Debrief, QuestionOutcome } from '@georisk/engine/classroom';
import type { ChartConfiguration } from 'chart.js';
import { binLabel, binPosition, seriesColor, withAlpha } from '../../chart-data.ts';
import { type ChartFigure, figure, shareBars, wrapLabel } from '../../charts.ts';
import { dataTable, h } from '../../dom.ts';
import { formatNumber, formatPercent } from '../../format.ts';
import { rebinRound } from '../../round-histogram.ts';
import { percentAxis } from './percent-axis.ts';
import { bareLabel } from './score-format.ts';

/** What a question's summary says when nobody forecast it. */
const NO_FORECASTS = 'No forecasts were submitted.';

/** Forecasts of a probability question in tenths, with the engine's answer marked. */
function probabilityFigure(
  q: Debrief['questions'][number],
  outcome: Extract<QuestionOutcome, { kind: 'probability' }>,
  forecasts: number[],
): ChartFigure {
  const labels = Array.from({ length: 10 }, (_, i) => `${i * 10}–${i * 10 + 10}%`);
  const counts = labels.map((_, i) => forecasts.filter((f) => Math.min(9, Math.floor(f * 10)) === i).length);
  const spread = labels
    .map((l, i) => (counts[i] ? `${counts[i]} in ${l}` : ''))
    .filter(Boolean)
    .join(', ');
  const given =
    forecasts.length === 0
      ? NO_FORECASTS
      : `The class's ${forecasts.length === 1 ? 'one forecast' : `${forecasts.length} forecasts`}: ${spread}.`;
  const summary = `The engine's answer: ${formatPercent(outcome.p)} (95% interval ${formatPercent(outcome.ci95[0])} to ${formatPercent(outcome.ci95[1])}). ${given}`;
  const table = dataTable(
    `Forecasts of "${q.label}"`,
    ['forecast', 'students'],
    labels.map((l, i) => [l, counts[i] ?? 0]),
  );
  return figure(`chart-q-${q.id}`, q.label, summary, table, {
    type: 'bar',
    data: {
      labels,
      datasets: [
        { label: 'students', data: counts, backgroundColor: withAlpha(seriesColor(4), 0.85), borderColor: seriesColor(0), borderWidth: 1 },
      ],
    },
    options: {
      layout: { padding: { top: 30, left: 24, right: 34 } },
      scales: {
        y: { min: 0, ticks: { precision: 0 }, title: { display: true, text: 'students' } },
        x: { title: { display: true, text: 'forecast probability' } },
      },
      plugins: {
        legend: { display: false },
        georiskMarks: { marks: [{ position: outcome.p * 10 - 0.5, label: `engine ${formatPercent(outcome.p)}`, dash: [] }] },
      } as never,
    },
  });
}

/** The outcome distribution of a quantity question, with the engine's median and the class's median forecast. */
function quantityFigure(
  q: Debrief['questions'][number],
  outcome: Extract<QuestionOutcome, { kind: 'quantity' }>,
  forecasts: number[],
): ChartFigure {
  // The engine's 30 equal bins run from min to max ("397.2–496.5"): drawn on round bins instead.
  const { edges, counts, integral } = rebinRound(outcome.histogram.edges, outcome.histogram.counts);
  const total = counts.reduce((a, b) => a + b, 0);
  const labels = counts.map((_, i) => binLabel(edges, i, integral));
  const position = (x: number) => binPosition(edges, x);
  const sorted = [...forecasts].sort((a, b) => a - b);
  // No forecasts: index −1, so no median.
  const classMedian = sorted[Math.floor((sorted.length - 1) / 2)];
  const unit = q.unit ? ` ${q.unit}` : '';
  const summary = `The engine's median: ${formatNumber(outcome.median)}${unit} (5th to 95th percentile ${formatNumber(outcome.quantiles.p5)} to ${formatNumber(outcome.quantiles.p95)}). ${
    classMedian === undefined ? NO_FORECASTS : `The class's median forecast: ${formatNumber(classMedian)}${unit}.`
  }`;
  const table = dataTable(
    `Outcome distribution of "${q.label}"`,
    ['bin', 'share of trials'],
    counts.map((c, i) => [labels[i] ?? '', formatPercent(total ? c / total : 0)]),
  );
  const marks = [{ position: position(outcome.median), label: `engine median ${formatNumber(outcome.median)}`, dash: [] as number[] }];
  if (classMedian !== undefined) marks.push({ position: position(classMedian), label: `class ${formatNumber(classMedian)}`, dash: [4, 3] });
  marks.sort((a, b) => a.position - b.position);
  const axisTitle = `${bareLabel(q.label)}${q.unit ? ` (${q.unit})` : ''}`;
  // At phone width a long axis title wraps: on one line it was squeezed to the plot's width.
  const config = (narrow: boolean): ChartConfiguration => ({
    type: 'bar',
    data: {
      labels,
      datasets: [shareBars(counts.map((c) => (total ? c / total : 0)))],
    },
    options: {
      layout: { padding: { top: 36, left: 12, right: 24 } },
      scales: {
        y: { ...percentAxis, title: { display: true, text: 'share of trials' } },
        x: {
          ticks: { maxRotation: 50, autoSkip: true, maxTicksLimit: 8 },
          title: { display: true, text: narrow ? wrapLabel(axisTitle, 36) : axisTitle },
        },
      },
      plugins: { legend: { display: false }, georiskMarks: { marks } } as never,
    },
  });
  return figure(`chart-q-${q.id}`, q.label, summary, table, () => config(false), { config: () => config(true) });
}

/** Renders one block per question (the engine's answer and the chart); the charts are returned undrawn. */
export function questionBlocks(debrief: Debrief): { blocks: HTMLElement[]; charts: ChartFigure[] } {
  const charts: ChartFigure[] = [];
  const blocks = debrief.questions.map((q) => {
    const forecasts = debrief.students.flatMap((s) => s.forecasts.filter((f) => f.question === q.id).map((f) => f.forecast));
    const chart = q.outcome.kind === 'probability' ? probabilityFigure(q, q.outcome, forecasts) : quantityFigure(q, q.outcome, forecasts);
    charts.push(chart);
    const answer =
      q.outcome.kind === 'probability'
        ? `${formatPercent(q.outcome.p)} (95% interval ${formatPercent(q.outcome.ci95[0])} to ${formatPercent(q.outcome.ci95[1])})`
        : `median ${formatNumber(q.outcome.median)}${q.unit ? ` ${q.unit}` : ''}, mean ${formatNumber(q.outcome.mean)}`;
    return h(
      'section',
      { class: 'question-result', 'data-question': q.id },
      h(
        'p',
        { class: 'answer' },
        h('strong', {}, 'Engine: '),
        h('span', { 'data-key': 'answer', 'data-value': q.outcome.kind === 'probability' ? q.outcome.p : q.outcome.median }, answer),
      ),
      chart.figure,
    );
  });
  return { blocks, charts };
}
