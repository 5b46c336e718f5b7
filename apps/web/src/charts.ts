/**
 * chart.js charts: outcome probabilities with Wilson intervals (a small error-bar plugin), occupancy
 * as stacked areas, histograms with p5/p50/p95 marks, first-passage curves. Every chart sits in a
 * figure with a text alternative and a table view.
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartConfiguration,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  type Plugin,
  PointElement,
  Tooltip,
} from 'chart.js';
import {
  firstPassageSeries,
  type HistogramView,
  histogramView,
  type MetricView,
  namesUnit,
  type OutcomeBar,
  occupancySeries,
  paramWords,
  type SobolRow,
  seriesColor,
  sobolRows,
  type TornadoRow,
  type TrackView,
  thinEntries,
  timeAxis,
  timeAxisView,
  tornadoRows,
  withAlpha,
} from './chart-data.ts';
import { dataTable, h } from './dom.ts';
import { formatNumber, formatPercent, formatPercentInterval } from './format.ts';
import { scrollBox } from './scroll-box.ts';

/** Intervals drawn over bars: dataset.errorBars[i] = [lo, hi] in data units. */
const errorBarPlugin: Plugin = {
  id: 'georiskErrorBars',
  afterDatasetsDraw(chart) {
    const { ctx } = chart;
    chart.data.datasets.forEach((dataset, di) => {
      const bars = (dataset as { errorBars?: ([number, number] | null)[] }).errorBars;
      const meta = chart.getDatasetMeta(di);
      if (!bars || meta.hidden) return;
      const horizontal = chart.options.indexAxis === 'y';
      const scale = chart.scales[(horizontal ? meta.xAxisID : meta.yAxisID) ?? (horizontal ? 'x' : 'y')];
      if (!scale) return;
      ctx.save();
      ctx.strokeStyle = '#111';
      ctx.lineWidth = 1.5;
      const drawn: number[][] = [];
      meta.data.forEach((el, i) => {
        const bar = bars[i];
        if (!bar) return;
        // An interval along the value axis with a cap at each end, at the bar's position across it.
        const across = horizontal ? el.y : el.x;
        const size = horizontal ? (el as unknown as { height?: number }).height : (el as unknown as { width?: number }).width;
        const cap = horizontal ? Math.min(6, (size ?? 12) / 3) : Math.min(8, (size ?? 16) / 3);
        const lo = scale.getPixelForValue(bar[0]);
        const hi = scale.getPixelForValue(bar[1]);
        drawn.push([Math.round(Math.min(lo, hi)), Math.round(Math.max(lo, hi))]);
        // A segment from (value u1, across v1) to (u2, v2), whichever way the axes lie.
        const segment = (u1: number, v1: number, u2: number, v2: number) => {
          if (horizontal) {
            ctx.moveTo(u1, v1);
            ctx.lineTo(u2, v2);
          } else {
            ctx.moveTo(v1, u1);
            ctx.lineTo(v2, u2);
          }
        };
        ctx.beginPath();
        segment(lo, across, hi, across);
        segment(lo, across - cap, lo, across + cap);
        segment(hi, across - cap, hi, across + cap);
        ctx.stroke();
      });
      ctx.restore();
      // Where the intervals were drawn along the value axis, in CSS pixels: the browser tests check they stay in the plot.
      chart.canvas.dataset[`errorBars${di}`] = JSON.stringify(drawn);
    });
  },
};

/** A mark label as placed: its box along x (CSS pixels), its row above the plot, and how it sits by its mark's line. */
export interface PlacedLabel {
  left: number;
  right: number;
  row: number;
  align: 'center' | 'left-of' | 'right-of';
}

/**
 * Places the labels of marks at `px` (each `width` wide) on `rows` rows above a plot `canvasWidth` wide:
 * each, in order, takes the first row, and on it the first of centred on its line, left of it or right of
 * it, where it keeps 4 px from every other label, crosses no line of a mark labelled above it, lays its own
 * line across no label below it, and stays on the canvas; failing that, the place with fewest clashes, a
 * label over another counting ten lines through one.
 */
export function placeMarkLabels(marks: readonly { px: number; width: number }[], canvasWidth: number, rows: number): PlacedLabel[] {
  const placed: (PlacedLabel & { px: number })[] = [];
  const gap = 4;
  for (const { px, width } of marks) {
    const centre = Math.min(Math.max(px - width / 2, 0), Math.max(0, canvasWidth - width));
    const options: [PlacedLabel['align'], number][] = [
      ['center', centre],
      ['left-of', px - 3 - width],
      ['right-of', px + 3],
    ];
    let best: (PlacedLabel & { px: number }) | undefined;
    let bestClashes = Number.POSITIVE_INFINITY;
    for (let row = 0; row < rows && bestClashes > 0; row++) {
      for (const [align, left] of options) {
        const right = left + width;
        if (left < 0 || right > canvasWidth) continue;
        // Text over text counts far more than a line through text (two marks at one place cannot avoid that).
        const clashes = placed.reduce(
          (sum, q) =>
            sum +
            (q.row === row && left < q.right + gap && q.left < right + gap
              ? 10
              : (q.row <= row && q.px >= left - 2 && q.px <= right + 2) || (q.row >= row && px >= q.left - 2 && px <= q.right + 2)
                ? 1
                : 0),
          0,
        );
        if (clashes < bestClashes) {
          best = { left, right, row, align, px };
          bestClashes = clashes;
          if (clashes === 0) break;
        }
      }
    }
    placed.push(best ?? { left: centre, right: centre + width, row: rows - 1, align: 'center', px });
  }
  return placed.map(({ left, right, row, align }) => ({ left, right, row, align }));
}

/** Height of a row of mark labels, in CSS pixels (11 px text). */
const MARK_ROW = 13;

/**
 * Vertical marks at fractional category positions: options.plugins.georiskMarks.marks. Their labels sit
 * on rows in the room above the plot (the chart's top padding), placed by `placeMarkLabels`.
 */
const marksPlugin: Plugin = {
  id: 'georiskMarks',
  afterDatasetsDraw(chart, _args, options) {
    const marks = (options as { marks?: { position: number; label: string; dash: number[] }[] }).marks;
    const x = chart.scales.x;
    if (!marks || !x) return;
    const n = chart.data.labels?.length ?? 0;
    if (n === 0) return;
    const { ctx, chartArea } = chart;
    ctx.save();
    ctx.strokeStyle = '#000';
    ctx.fillStyle = '#000';
    ctx.font = '11px system-ui, sans-serif';
    ctx.textAlign = 'left';
    const sized = marks.map((m) => ({
      px: x.left + ((m.position + 0.5) / n) * x.width,
      width: ctx.measureText(m.label).width,
      ascent: ctx.measureText(m.label).actualBoundingBoxAscent,
    }));
    const rows = Math.max(1, Math.floor((chartArea.top - 4) / MARK_ROW));
    const places = placeMarkLabels(sized, chart.width, rows);
    const drawn: number[][] = [];
    places.forEach((place, i) => {
      const m = marks[i];
      const s = sized[i];
      if (!m || !s) return;
      const y = Math.max(s.ascent + 1, chartArea.top - 4 - (rows - 1 - place.row) * MARK_ROW);
      // A centred label's line starts under it; a label beside its line has the line run up to its top.
      ctx.setLineDash(m.dash);
      ctx.beginPath();
      ctx.moveTo(s.px, place.align === 'center' ? y + 3 : y - s.ascent);
      ctx.lineTo(s.px, chartArea.bottom);
      ctx.stroke();
      ctx.fillText(m.label, place.left, y);
      drawn.push([Math.round(place.left), Math.round(place.right), Math.floor(y - s.ascent), Math.ceil(y)]);
    });
    ctx.restore();
    // Where each label was drawn (left, right, top, baseline in CSS pixels), for the browser tests.
    chart.canvas.dataset.markLabels = JSON.stringify(drawn);
  },
};

/** A white background, so a chart saved as PNG reads on any viewer. */
const backgroundPlugin: Plugin = {
  id: 'georiskBackground',
  beforeDraw(chart) {
    const { ctx } = chart;
    ctx.save();
    ctx.globalCompositeOperation = 'destination-over';
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, chart.width, chart.height);
    ctx.restore();
  },
};

Chart.register(
  BarController,
  BarElement,
  LineController,
  LineElement,
  PointElement,
  CategoryScale,
  LinearScale,
  Filler,
  Legend,
  Tooltip,
  errorBarPlugin,
  marksPlugin,
  backgroundPlugin,
);
Chart.defaults.animation = false;
Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
Chart.defaults.color = '#222';
Chart.defaults.maintainAspectRatio = false;

/**
 * A chart in a figure: a caption, the canvas (an image with a text alternative) and a table view.
 * The figure is built at once; the chart itself is drawn by `draw()`, so a page of charts can be
 * drawn one per task and the main thread never holds a long task.
 */
export interface ChartFigure {
  figure: HTMLElement;
  draw(): void;
  destroy(): void;
}

/**
 * A chart's layout at phone width (under 600 px): its configuration, built afresh each time, and the canvas
 * box's height (the stylesheet's when absent).
 */
export interface PhoneLayout {
  config: () => ChartConfiguration;
  height?: string;
}

/**
 * The figure; with `phone`, the chart takes that layout while the screen is narrow, and is drawn again
 * when the width crosses the threshold (a phone turned, a window resized). `height`: the canvas box's
 * height at other widths (the stylesheet's when absent).
 */
export function figure(
  id: string,
  title: string,
  summary: string,
  table: HTMLTableElement,
  config: ChartConfiguration | (() => ChartConfiguration),
  phone?: PhoneLayout,
  minPlotShare?: number,
  height?: string,
): ChartFigure {
  const canvas = h('canvas', { role: 'img', 'aria-label': summary });
  canvas.textContent = summary;
  const box = h('div', { class: 'canvas-box' }, canvas);
  const png = h('button', { type: 'button', class: 'png', 'aria-label': `Download the chart "${title}" as PNG` }, 'PNG');
  png.addEventListener('click', () => {
    const a = h('a', { href: canvas.toDataURL('image/png'), download: `${id}.png` });
    document.body.append(a);
    a.click();
    a.remove();
  });
  const fig = h(
    'figure',
    { class: 'chart', id },
    h('figcaption', {}, h('span', {}, title), png),
    box,
    h('p', { class: 'visually-hidden' }, summary),
    h('details', { class: 'table-view' }, h('summary', {}, 'Table view'), scrollBox(table)),
  );
  let chart: Chart | undefined;
  let destroyed = false;
  const query = phone && typeof matchMedia === 'function' ? matchMedia(NARROW) : undefined;
  const make = () => {
    const narrow = phone !== undefined && query?.matches === true;
    box.style.height = narrow ? (phone.height ?? '') : (height ?? '');
    chart = new Chart(canvas, narrow ? phone.config() : typeof config === 'function' ? config() : config);
    if (!narrow && minPlotShare !== undefined) growForPlot(chart, box, minPlotShare);
    recordLayout(chart, canvas);
  };
  const relayout = () => {
    if (destroyed || chart === undefined) return;
    chart.destroy();
    make();
  };
  return {
    figure: fig,
    draw: () => {
      if (destroyed || chart !== undefined) return;
      make();
      query?.addEventListener('change', relayout);
      fig.dataset.drawn = 'true';
    },
    destroy: () => {
      destroyed = true;
      query?.removeEventListener('change', relayout);
      chart?.destroy();
    },
  };
}

/**
 * Makes the chart's box taller until its plot area has `share` of the height: the axis names' room depends on
 * the width and the names (rotated to fit), not on the height, so one step gives the plot exactly its share.
 */
function growForPlot(chart: Chart, box: HTMLElement, share: number): void {
  const area = chart.chartArea;
  if (!area || chart.height <= 0) return;
  const plot = area.bottom - area.top;
  if (plot >= share * chart.height) return;
  box.style.height = `${Math.ceil((chart.height - plot) / (1 - share))}px`;
  chart.resize();
}

/** Records the drawn chart's size, plot area and legend entries on its canvas, for the browser tests. */
function recordLayout(chart: Chart, canvas: HTMLCanvasElement): void {
  const { left, right, top, bottom } = chart.chartArea ?? { left: 0, right: 0, top: 0, bottom: 0 };
  canvas.dataset.size = JSON.stringify([chart.width, chart.height]);
  canvas.dataset.plotArea = JSON.stringify([left, right, top, bottom].map(Math.round));
  const legend = chart.options.plugins?.legend?.display === false ? [] : (chart.legend?.legendItems ?? []);
  canvas.dataset.legend = legend.map((item) => item.text).join('|');
  // Where the names beside horizontal bars were drawn (left, right, top, bottom in CSS pixels): the browser
  // tests check that none is cut and none overlaps another.
  const names = chart.options.indexAxis === 'y' ? chart.scales.y : undefined;
  if (names) {
    const { ctx } = chart;
    ctx.save();
    // And what they say, line by line: the browser tests check they are labels, not the scenario's names.
    canvas.dataset.nameTexts = JSON.stringify(names.getLabelItems().map((item) => item.label));
    canvas.dataset.nameLabels = JSON.stringify(
      names.getLabelItems().map((item) => {
        ctx.font = item.font.string;
        const width = Math.max(...(Array.isArray(item.label) ? item.label : [item.label]).map((line) => ctx.measureText(line).width));
        const [x = 0, y = 0] = item.options.translation ?? [];
        const align = item.options.textAlign;
        const left = align === 'right' ? x - width : align === 'center' ? x - width / 2 : x;
        // Chart.js centres a name's lines on its bar: n lines of the font's line height.
        const half = ((Array.isArray(item.label) ? item.label.length : 1) * Number(item.font.lineHeight)) / 2;
        return [Math.floor(left), Math.ceil(left + width), Math.floor(y - half), Math.ceil(y + half)];
      }),
    );
    ctx.restore();
  }
}

const percentAxis = {
  min: 0,
  ticks: { callback: (v: string | number) => formatPercent(Number(v)) },
};

/** The media query under which charts take their phone layout. */
const NARROW = '(max-width: 600px)';

/** Splits a label into lines of at most about `width` characters, at spaces. */
export function wrapLabel(label: string, width: number): string[] {
  const lines: string[] = [];
  for (const word of label.split(/\s+/).filter(Boolean)) {
    const last = lines.at(-1);
    if (last !== undefined && last.length + 1 + word.length <= width) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines.length > 0 ? lines : [label];
}

/**
 * Like `wrapLabel`, but a word too long for a line of its own breaks after its underscores, so a snake_case
 * name wraps too ("pipeline_shut_" over "as_precaution") instead of running off the canvas.
 */
export function wrapName(label: string, width: number): string[] {
  const lines: string[] = [];
  for (const word of label.split(/\s+/).filter(Boolean)) {
    const last = lines.at(-1);
    if (last !== undefined && last.length + 1 + word.length <= width) lines[lines.length - 1] = `${last} ${word}`;
    else if (word.length <= width) lines.push(word);
    else
      for (const [i, part] of word.split(/(?<=_)/).entries()) {
        const line = lines.at(-1);
        if (i > 0 && line !== undefined && line.length + part.length <= width) lines[lines.length - 1] = line + part;
        else lines.push(part);
      }
  }
  return lines.length > 0 ? lines : [label];
}

/** Characters a line of a sensitivity bar's name holds: at phone width, and at other widths. */
const BAR_NAME_WIDTH = { phone: 20, wide: 44 };

/**
 * A sensitivity bar's name wrapped to lines of about `width` characters, "(within noise)" on a line of
 * its own when the bar cannot be told from no effect: unwrapped, a long label ran off the canvas and two
 * lines crowded the next bar's.
 */
/** The fill and edge of a bar within noise (a tornado's), whatever its series. */
const NOISE_FILL = 'rgba(160, 160, 160, 0.35)';
const NOISE_BORDER = '#9a9a9a';

function barLines(param: string, withinNoise: boolean | undefined, width: number): string[] {
  return [...wrapName(param, width), ...(withinNoise ? ['(within noise)'] : [])];
}

/** A sensitivity bar's tooltip title: its label on one line, with the parameter's name when the label differs. */
function barTitle(row: { param: string; label?: string | undefined } | undefined): string {
  if (!row) return '';
  const words = paramWords(row);
  return words === row.param ? words : `${words} (${row.param})`;
}

/** The box height for horizontal bars whose names take `lines` lines in all. */
export function barsHeight(lines: number, bars: number): string {
  return `${Math.max(260, 120 + lines * 16 + bars * 12)}px`;
}

/**
 * The top of a probability axis at or above `x`, on a round step (1 point up to 10%, 5 up to 50%, 10
 * above), at most 100%: an axis ending at 52.7% put that label just above the 50% tick.
 */
export function roundTop(x: number): number {
  const step = x <= 0.1 ? 0.01 : x <= 0.5 ? 0.05 : 0.1;
  return Math.min(1, Number((Math.ceil(x / step - 1e-9) * step).toFixed(2)));
}

/** Outcome probabilities: Monte Carlo bars with 95% Wilson intervals, exact values as diamonds. */
export function outcomeChart(bars: readonly OutcomeBar[], summary: string, trials: number | undefined): ChartFigure {
  // The metrics' labels, as the table and the band name them; on a wide screen in lines of about 24
  // characters, rotated under the bars.
  const labels = bars.map((b) => b.label ?? b.name);
  const hasMc = bars.some((b) => b.p !== undefined);
  const hasExact = bars.some((b) => b.exact !== undefined);
  // Built afresh for each drawing: the chart is drawn again when the screen crosses the phone width.
  const datasets = (): ChartConfiguration['data']['datasets'] => {
    const out: ChartConfiguration['data']['datasets'] = [];
    if (hasMc) {
      out.push({
        type: 'bar',
        label: `Monte Carlo (${formatNumber(trials ?? 0)} trials, 95% interval)`,
        data: bars.map((b) => b.p ?? null),
        backgroundColor: withAlpha(seriesColor(0), 0.75),
        borderColor: seriesColor(0),
        borderWidth: 1,
        errorBars: bars.map((b) => b.ci95 ?? null),
        // Drawn before the exact marks (Chart.js draws the higher order first): a mark inside a bar stays in view.
        order: 1,
      } as never);
    }
    if (bars.some((b) => b.baseline !== undefined)) {
      out.push({
        type: 'bar',
        label: 'Baseline (pinned run, 95% interval)',
        data: bars.map((b) => b.baseline ?? null),
        backgroundColor: withAlpha(seriesColor(5), 0.45),
        borderColor: seriesColor(5),
        borderWidth: 1,
        errorBars: bars.map((b) => b.baselineCi95 ?? null),
        order: 1,
      } as never);
    }
    if (hasExact) {
      out.push({
        type: 'line',
        label: 'Exact',
        data: bars.map((b) => b.exact ?? null),
        showLine: false,
        pointStyle: 'rectRot',
        pointRadius: 7,
        pointHoverRadius: 8,
        backgroundColor: seriesColor(1),
        borderColor: '#000',
        borderWidth: 1,
      } as never);
    }
    return out;
  };
  const table = dataTable(
    'Outcome probabilities',
    ['outcome', 'Monte Carlo', '95% interval', 'exact', 'baseline', 'baseline 95% interval'],
    bars.map((b) => [
      b.label ?? b.name,
      b.p !== undefined ? formatPercent(b.p) : '',
      b.ci95 ? formatPercentInterval(b.ci95) : '',
      b.exact !== undefined ? formatPercent(b.exact) : '',
      b.baseline !== undefined ? formatPercent(b.baseline) : '',
      b.baselineCi95 ? formatPercentInterval(b.baselineCi95) : '',
    ]),
  );
  const max = Math.max(0.05, ...bars.map((b) => Math.max(b.ci95?.[1] ?? 0, b.exact ?? 0, b.p ?? 0, b.baselineCi95?.[1] ?? 0)));
  const valueAxis = { ...percentAxis, max: roundTop(max * 1.1), title: { display: true, text: 'probability' } };
  // At phone width the bars lie horizontally with their names wrapped beside them: rotated names took half the chart.
  const config = (narrow: boolean): ChartConfiguration => ({
    type: 'bar',
    data: { labels: labels.map((l) => wrapName(l, narrow ? 20 : 24)), datasets: datasets() },
    options: {
      indexAxis: narrow ? 'y' : 'x',
      scales: narrow
        ? { x: valueAxis, y: { ticks: { autoSkip: false } } }
        : { y: valueAxis, x: { ticks: { autoSkip: false, maxRotation: 60 } } },
      plugins: {
        // In the datasets' order, not their drawing order.
        legend: { position: 'bottom', labels: { sort: (a, b) => (a.datasetIndex ?? 0) - (b.datasetIndex ?? 0) } },
        tooltip: {
          callbacks: {
            label: (item) => {
              const b = bars[item.dataIndex];
              if (!b) return '';
              if (item.dataset.label === 'Exact') return `exact ${formatPercent(b.exact ?? 0)}`;
              if (item.dataset.label?.startsWith('Baseline'))
                return `baseline ${formatPercent(b.baseline ?? 0)} ${b.baselineCi95 ? formatPercentInterval(b.baselineCi95) : ''}`;
              return `${formatPercent(b.p ?? 0)} ${b.ci95 ? formatPercentInterval(b.ci95) : ''}`;
            },
          },
        },
      },
    },
  });
  // Room for every bar and its wrapped name: about 22 px a line of name, 16 px between bars, plus axis and legend.
  const lines = labels.reduce((n, l) => n + wrapName(l, 20).length, 0);
  const height = `${Math.max(260, 120 + lines * 22 + bars.length * 16)}px`;
  // On a wide screen the names are rotated under the bars; with many outcomes the box grows so the plot keeps 2/3 of it.
  return figure(
    'chart-outcomes',
    'Outcome probabilities',
    summary,
    table,
    () => config(false),
    { config: () => config(true), height },
    2 / 3,
  );
}

/** Occupancy over time of one track as stacked areas (shares of trials in each state). */
export function occupancyChart(name: string, track: TrackView, dt: number, unit: string, source: string, summary: string): ChartFigure {
  const series = occupancySeries(track);
  const steps = (series[0]?.values.length ?? 1) - 1;
  const times = timeAxis(steps, dt);
  const axis = timeAxisView(steps, dt, unit);
  const table = dataTable(
    `Share of trials in each state of ${name} over time (${source})`,
    [unit, ...series.map((s) => s.state)],
    thinEntries(times, 61).map(([k, t]) => [formatNumber(t), ...series.map((s) => formatPercent(s.values[k] ?? 0))]),
  );
  return figure(`chart-occupancy-${name}`, `Occupancy over time: ${name} (${source})`, summary, table, {
    type: 'line',
    data: {
      labels: axis.points.map(([, label]) => label),
      datasets: series.map((s, i) => ({
        label: s.state,
        data: axis.points.map(([k]) => s.values[k] ?? 0),
        fill: i === 0 ? 'origin' : '-1',
        backgroundColor: withAlpha(seriesColor(i), 0.7),
        borderColor: seriesColor(i),
        borderWidth: 1,
        pointRadius: 0,
        tension: 0,
      })),
    },
    options: {
      interaction: { mode: 'index', intersect: false },
      scales: {
        y: { ...percentAxis, max: 1, stacked: true, title: { display: true, text: 'share of trials' } },
        x: {
          title: { display: true, text: `${axis.unit}s` },
          ticks: {
            autoSkip: false,
            maxRotation: 0,
            callback: (_v: string | number, i: number) => (axis.ticks[i] ? axis.points[i]?.[1] : null),
          },
        },
      },
      plugins: {
        legend: { position: 'bottom' },
        tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${formatPercent(Number(item.raw))}` } },
      },
    },
  });
}

/** Cumulative first-passage curves: P(first entry by t) for each state of a track. */
export function firstPassageChart(name: string, track: TrackView, dt: number, unit: string, source: string, summary: string): ChartFigure {
  const series = firstPassageSeries(track);
  const steps = (series[0]?.values.length ?? 1) - 1;
  const times = timeAxis(steps, dt);
  const axis = timeAxisView(steps, dt, unit);
  const table = dataTable(
    `Probability of first entering each state of ${name} by time t (${source})`,
    [unit, ...series.map((s) => s.state)],
    thinEntries(times, 61).map(([k, t]) => [formatNumber(t), ...series.map((s) => formatPercent(s.values[k] ?? 0))]),
  );
  return figure(`chart-first-${name}`, `First passage: ${name} (${source})`, summary, table, {
    type: 'line',
    data: {
      labels: axis.points.map(([, label]) => label),
      datasets: series.map((s, i) => ({
        label: s.state,
        data: axis.points.map(([k]) => s.values[k] ?? 0),
        borderColor: seriesColor(i),
        backgroundColor: seriesColor(i),
        borderWidth: 2,
        borderDash: i % 2 === 1 ? [6, 3] : [],
        pointRadius: 0,
        pointStyle: 'line',
        tension: 0,
      })),
    },
    options: {
      interaction: { mode: 'index', intersect: false },
      scales: {
        y: { ...percentAxis, max: 1, title: { display: true, text: 'P(first entry by t)' } },
        x: {
          title: { display: true, text: `${axis.unit}s` },
          ticks: {
            autoSkip: false,
            maxRotation: 0,
            callback: (_v: string | number, i: number) => (axis.ticks[i] ? axis.points[i]?.[1] : null),
          },
        },
      },
      plugins: {
        // Drawn as short lines (dashed where the curve is), not as boxes whose dashed border looked like zigzags.
        legend: { position: 'bottom', labels: { usePointStyle: true, pointStyle: 'line' } },
        tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${formatPercent(Number(item.raw))}` } },
      },
    },
  });
}

/** A histogram's bars: each bin's share of the trials, touching, in the histogram colour. */
export function shareBars(shares: readonly number[]) {
  return {
    label: 'share of trials',
    data: [...shares],
    backgroundColor: withAlpha(seriesColor(4), 0.8),
    borderColor: seriesColor(0),
    borderWidth: 1,
    barPercentage: 1,
    categoryPercentage: 1,
  };
}

/** A metric's histogram with its p5, median and p95 marked; `label` is the metric's words (its name by default). */
export function histogramChart(name: string, m: MetricView, summary: string, label = name): ChartFigure {
  const v: HistogramView = histogramView(m);
  const unit = m.unit && !namesUnit(label, m.unit) ? ` (${m.unit})` : '';
  const table = dataTable(
    `Histogram of ${label}${unit}`,
    ['bin', 'trials', 'share'],
    v.labels.map((label, i) => [label, formatNumber(v.counts[i] ?? 0), formatPercent(v.shares[i] ?? 0)]),
  );
  const dashes: Record<string, number[]> = { p5: [4, 3], p50: [], p95: [4, 3] };
  return figure(`chart-hist-${name}`, `Distribution: ${label}${unit}`, summary, table, {
    type: 'bar',
    data: {
      labels: v.labels,
      datasets: [shareBars(v.shares)],
    },
    options: {
      layout: { padding: { top: 44 } },
      scales: {
        y: { ...percentAxis, title: { display: true, text: 'share of trials' } },
        x: { ticks: { maxRotation: 50, autoSkip: true, maxTicksLimit: 10 }, title: { display: true, text: `${label}${unit}` } },
      },
      plugins: {
        legend: { display: false },
        georiskMarks: {
          marks: [
            ...v.marks.map((mk) => ({
              position: mk.position,
              label: `${mk.name} ${formatNumber(mk.value)}`,
              dash: dashes[mk.name] ?? [],
            })),
            // The spike at the horizon of a first-passage metric is the trials where it never happened.
            ...(m.censored
              ? [{ position: v.labels.length - 1, label: `${formatPercent(m.censored)} never (at the horizon)`, dash: [1, 2] }]
              : []),
          ],
        },
        tooltip: { callbacks: { label: (item: { raw: unknown }) => `${formatPercent(Number(item.raw))} of trials` } },
      } as never,
    },
  });
}

/** A tornado: the metric's mean with each parameter at the low and at the high end of its range. */
/** How a metric reads on an axis: its label and unit as the scenario declares them. */
export interface MetricDisplay {
  label?: string | undefined;
  unit?: string | undefined;
}

export function tornadoChart(
  metric: string,
  base: number | undefined,
  bars: readonly TornadoRow[],
  summary: string,
  declared?: MetricDisplay,
): ChartFigure {
  // A probability reads in % like every other chart; a quantity with its unit.
  const percent = declared?.unit === 'probability';
  const axisTitle = `${declared?.label ?? metric}${percent ? ' (probability)' : declared?.unit ? ` (${declared.unit}, mean)` : ' (mean)'}`;
  const rows = tornadoRows(bars);
  const centre = base ?? 0;
  // The label names the parameter, as the panel's slider does; its name (what a link or the CLI takes) stands beside it.
  const table = dataTable(
    `Tornado for ${metric}: its mean with each parameter at the ends of its range`,
    ['parameter', 'name', 'low value', 'high value', `${metric} at low`, `${metric} at high`, 'swing', 'swing 95% interval', 'noise'],
    tornadoRows(bars, bars.length).map((r) => [
      paramWords(r),
      r.param,
      formatNumber(r.low),
      formatNumber(r.high),
      formatNumber(r.outputLow),
      formatNumber(r.outputHigh),
      formatNumber(r.swing),
      r.swingCi95 && Number.isFinite(r.swingCi95[0]) ? `[${formatNumber(r.swingCi95[0])}, ${formatNumber(r.swingCi95[1])}]` : 'exact',
      r.withinNoise ? 'within noise' : '',
    ]),
  );
  // At phone width the names wrap beside the bars: whole, they took half the canvas and were cut at its edge.
  const config = (narrow: boolean): ChartConfiguration => ({
    type: 'bar',
    data: {
      labels: rows.map((r) => barLines(paramWords(r), r.withinNoise, narrow ? BAR_NAME_WIDTH.phone : BAR_NAME_WIDTH.wide)),
      datasets: [
        {
          label: 'parameter at the low end',
          data: rows.map((r) => [centre, r.outputLow]) as never,
          // A bar within noise is drawn pale grey: it cannot be told from no effect, so it is no finding.
          backgroundColor: rows.map((r) => (r.withinNoise ? NOISE_FILL : withAlpha(seriesColor(0), 0.8))),
          borderColor: rows.map((r) => (r.withinNoise ? NOISE_BORDER : seriesColor(0))),
          borderWidth: 1,
          grouped: false,
        },
        {
          label: 'parameter at the high end',
          data: rows.map((r) => [centre, r.outputHigh]) as never,
          backgroundColor: rows.map((r) => (r.withinNoise ? NOISE_FILL : withAlpha(seriesColor(1), 0.8))),
          borderColor: rows.map((r) => (r.withinNoise ? NOISE_BORDER : seriesColor(1))),
          borderWidth: 1,
          grouped: false,
        },
      ],
    },
    options: {
      indexAxis: 'y',
      scales: {
        x: {
          title: { display: true, text: axisTitle },
          ...(percent ? { ticks: { callback: (v: string | number) => formatPercent(Number(v)) } } : {}),
        },
        y: { ticks: { autoSkip: false } },
      },
      plugins: {
        legend: { position: 'bottom' },
        tooltip: {
          callbacks: {
            title: (items) => barTitle(rows[items[0]?.dataIndex ?? -1]),
            // The parameter's name where its value is given: the name a link or the CLI takes.
            label: (item) => {
              const r = rows[item.dataIndex];
              if (!r) return '';
              const out = (x: number) => (percent ? formatPercent(x) : formatNumber(x));
              return item.datasetIndex === 0
                ? `${r.param} = ${formatNumber(r.low)}: ${out(r.outputLow)}`
                : `${r.param} = ${formatNumber(r.high)}: ${out(r.outputHigh)}`;
            },
          },
        },
      },
    },
  });
  return sensitivityFigure(`chart-tornado`, `Tornado: ${metric}`, summary, table, config, rows, 1);
}

/** Sobol' first- and total-order indices with their 95% intervals (across randomized replicates). */
export function sobolChart(metric: string, indices: readonly SobolRow[], summary: string): ChartFigure {
  const rows = sobolRows(indices);
  const table = dataTable(
    `Sobol' indices for ${metric}`,
    ['parameter', 'name', 'first order', '95% interval', 'total order', '95% interval', 'noise'],
    sobolRows(indices, indices.length).map((r) => [
      paramWords(r),
      r.param,
      formatNumber(r.first),
      `[${formatNumber(r.firstCi95[0])}, ${formatNumber(r.firstCi95[1])}]`,
      formatNumber(r.total),
      `[${formatNumber(r.totalCi95[0])}, ${formatNumber(r.totalCi95[1])}]`,
      r.withinNoise ? 'may be 0' : '',
    ]),
  );
  const config = (narrow: boolean): ChartConfiguration => ({
    type: 'bar',
    data: {
      labels: rows.map((r) => barLines(paramWords(r), r.withinNoise, narrow ? BAR_NAME_WIDTH.phone : BAR_NAME_WIDTH.wide)),
      datasets: [
        {
          label: 'first order (alone)',
          data: rows.map((r) => r.first),
          backgroundColor: withAlpha(seriesColor(2), 0.8),
          borderColor: seriesColor(2),
          borderWidth: 1,
          errorBars: rows.map((r) => r.firstCi95),
        } as never,
        {
          label: 'total order (with interactions)',
          data: rows.map((r) => r.total),
          backgroundColor: withAlpha(seriesColor(3), 0.8),
          borderColor: seriesColor(3),
          borderWidth: 1,
          errorBars: rows.map((r) => r.totalCi95),
        } as never,
      ],
    },
    options: {
      indexAxis: 'y',
      scales: { x: { title: { display: true, text: 'share of the variance' } }, y: { ticks: { autoSkip: false } } },
      plugins: { legend: { position: 'bottom' }, tooltip: { callbacks: { title: (items) => barTitle(rows[items[0]?.dataIndex ?? -1]) } } },
    },
  });
  // Two bars a parameter: room for both beside its name.
  return sensitivityFigure(`chart-sobol`, `Sobol' indices: ${metric}`, summary, table, config, rows, 2);
}

/**
 * A tornado's or Sobol' chart's figure, its box as tall as its evenly spaced rows need: each row takes
 * the room of the name with the most lines (`minLines` at least), at phone width and at others.
 */
function sensitivityFigure(
  id: string,
  title: string,
  summary: string,
  table: HTMLTableElement,
  config: (narrow: boolean) => ChartConfiguration,
  rows: readonly { param: string; label?: string | undefined; withinNoise?: boolean | undefined }[],
  minLines: number,
): ChartFigure {
  const height = (width: number) =>
    barsHeight(rows.length * Math.max(minLines, ...rows.map((r) => barLines(paramWords(r), r.withinNoise, width).length)), rows.length);
  return figure(
    id,
    title,
    summary,
    table,
    () => config(false),
    { config: () => config(true), height: height(BAR_NAME_WIDTH.phone) },
    undefined,
    height(BAR_NAME_WIDTH.wide),
  );
}
