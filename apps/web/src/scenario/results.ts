/** The results: the receipt, the metrics table and the charts, redrawn whenever a run or the exact answer changes. */
import type { ChartFigure } from '../charts.ts';
import { h, replace } from '../dom.ts';
import { scrollBox } from '../scroll-box.ts';
import { stackable } from '../stackable.ts';
import { ensurePaired } from './compare.ts';
import { metricsTable } from './metrics-table.ts';
import { receipt } from './receipt.ts';
import { type ChartPicks, resultCharts } from './result-charts.ts';
import type { ScreenState } from './screen-state.ts';

/** The results area, redrawing it, and destroying its charts. */
export interface Results {
  element: HTMLElement;
  render(): void;
  destroy(): void;
}

/** Renders the results area (empty until `render`). */
export function results(state: ScreenState): Results {
  const element = h('div', { id: 'results' });
  const picks: ChartPicks = { track: Object.keys(state.scenario.tracks)[0] ?? '', metric: undefined };
  let charts: ChartFigure[] = [];
  let renderGeneration = 0;
  const destroyCharts = () => {
    for (const c of charts) c.destroy();
    charts = [];
  };
  const render = (): void => {
    destroyCharts();
    const generation = ++renderGeneration;
    const r = state.lastRun?.result;
    const x = state.exact?.result;
    ensurePaired(state, r, render);
    const chartBox = resultCharts(state, picks, r, x, render);
    charts = chartBox.charts;
    replace(
      element,
      r ? receipt(state, r, render) : null,
      scrollBox(stackable(metricsTable(state, r, x)), 'metrics-wrap'),
      chartBox.element,
      !r && !x
        ? h(
            'p',
            { class: 'muted' },
            state.exactError ? 'Press Run to estimate the outcomes by Monte Carlo.' : 'Computing the exact answer…',
          )
        : null,
    );
    // One chart per task, so no single task holds the main thread for long.
    const queue = [...charts];
    const drawNext = () => {
      if (generation !== renderGeneration) return;
      queue.shift()?.draw();
      if (queue.length) setTimeout(drawNext, 0);
    };
    setTimeout(drawNext, 0);
  };
  const destroy = () => {
    destroyCharts();
    state.paired?.cancel();
    state.paired = undefined;
  };
  return { element, render, destroy };
}
