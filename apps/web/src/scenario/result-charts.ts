/** The charts of the results: outcome bars, a track's occupancy and first passage, and a metric's histogram. */
import type { ExactResult, RunResult } from '@georisk/engine';
import { histogramMetrics, histogramSummary, type MetricView, outcomeBars, outcomeSummary, trackSummary } from '../chart-data.ts';
import { type ChartFigure, firstPassageChart, histogramChart, occupancyChart, outcomeChart } from '../charts.ts';
import { displayLabel } from '../display-label.ts';
import { h } from '../dom.ts';
import { roundBinsOf } from '../engine-client.ts';
import { formatCount } from '../format.ts';
import { comparedBaseline } from './compare.ts';
import type { ScreenState } from './screen-state.ts';

/** Which track and which metric the pickers show; kept across redraws. */
export interface ChartPicks {
  track: string;
  metric: string | undefined;
}

/** What a chart group adds: elements in order, and the charts to draw and destroy. */
interface ChartGroup {
  elements: HTMLElement[];
  charts: ChartFigure[];
}

/** A labelled picker; `onPick` runs with the chosen value; `words` gives an option's text (its name by default). */
function picker(
  id: string,
  label: string,
  names: string[],
  selected: string,
  onPick: (value: string) => void,
  words: (name: string) => string = (name) => name,
): HTMLElement {
  const select = h('select', { id }, ...names.map((n) => h('option', { value: n, selected: n === selected }, words(n))));
  select.addEventListener('change', () => onPick(select.value));
  return h('p', { class: 'picker' }, h('label', { for: id }, label), select);
}

/** Each metric as a bar: Monte Carlo, exact and the baseline side by side. */
function outcomeGroup(state: ScreenState, r: RunResult | undefined, x: ExactResult | undefined): ChartGroup {
  const base = comparedBaseline(state, r);
  const bars = outcomeBars(
    r?.metrics as Record<string, MetricView> | undefined,
    x?.metrics,
    state.metricOrder,
    base ? (base.metrics as Record<string, MetricView>) : undefined,
    (name) => displayLabel(name, state.scenario.metrics[name]),
  );
  if (!bars.length) return { elements: [], charts: [] };
  const c = outcomeChart(bars, outcomeSummary(bars), r?.trials);
  return { elements: [c.figure], charts: [c] };
}

/** The picked track's occupancy and first passage: the live exact answer when there is one, else the last run. */
function trackGroup(
  state: ScreenState,
  picks: ChartPicks,
  r: RunResult | undefined,
  x: ExactResult | undefined,
  redraw: () => void,
): ChartGroup {
  const source = x
    ? { tracks: x.tracks, label: 'exact' }
    : r
      ? { tracks: r.tracks, label: `Monte Carlo, ${formatCount(r.trials)} trials` }
      : undefined;
  if (!source) return { elements: [], charts: [] };
  const names = Object.keys(source.tracks);
  if (!names.includes(picks.track)) picks.track = names[0] ?? '';
  const elements = [
    picker('track-select', 'Track ', names, picks.track, (value) => {
      picks.track = value;
      redraw();
    }),
  ];
  const t = source.tracks[picks.track];
  if (!t) return { elements, charts: [] };
  const { time } = state.scenario;
  const sum = trackSummary(picks.track, t, time.horizon, time.unit);
  const occ = occupancyChart(picks.track, t, time.dt, time.unit, source.label, sum);
  const fp = firstPassageChart(picks.track, t, time.dt, time.unit, source.label, `First passage in track ${picks.track}. ${sum}`);
  return { elements: [...elements, occ.figure, fp.figure], charts: [occ, fp] };
}

/** The picked metric's distribution over the last run's trials. */
function histogramGroup(state: ScreenState, picks: ChartPicks, r: RunResult | undefined, redraw: () => void): ChartGroup {
  if (!r) return { elements: [], charts: [] };
  const metrics = r.metrics as Record<string, MetricView>;
  const names = histogramMetrics(metrics);
  const first = names[0];
  if (first === undefined) return { elements: [], charts: [] };
  if (picks.metric === undefined || !names.includes(picks.metric)) picks.metric = first;
  const metric = picks.metric;
  const pick = picker(
    'metric-select',
    'Metric ',
    names,
    metric,
    (value) => {
      picks.metric = value;
      redraw();
    },
    (name) => displayLabel(name, state.scenario.metrics[name]),
  );
  const summary = metrics[metric];
  if (summary === undefined) throw new Error(`internal: histogramMetrics offered "${metric}", which the run lacks`);
  // The page's round-number bins when this page ran it; the engine's equal bins otherwise.
  const round = roundBinsOf(r, metric);
  const m = round ? { ...summary, histogram: round } : summary;
  const hist = histogramChart(metric, m, histogramSummary(metric, m), displayLabel(metric, state.scenario.metrics[metric]));
  return { elements: [pick, hist.figure], charts: [hist] };
}

/** Renders the chart box; the charts are returned undrawn. */
export function resultCharts(
  state: ScreenState,
  picks: ChartPicks,
  r: RunResult | undefined,
  x: ExactResult | undefined,
  redraw: () => void,
): { element: HTMLElement; charts: ChartFigure[] } {
  const groups = [outcomeGroup(state, r, x), trackGroup(state, picks, r, x, redraw), histogramGroup(state, picks, r, redraw)];
  return {
    element: h('div', { class: 'charts' }, ...groups.flatMap((g) => g.elements)),
    charts: groups.flatMap((g) => g.charts),
  };
}
