/** The sensitivity section: which assumptions move a metric, by tornado or Sobol' indices, with its own run controls. */
import type { SensitivityResult } from '@georisk/engine';
import { sobolSummary, tornadoSummary } from '../chart-data.ts';
import { type ChartFigure, sobolChart, tornadoChart } from '../charts.ts';
import { h, replace } from '../dom.ts';
import { CancelledError, EngineError, runSensitivity, type SensitivityHandle } from '../engine-client.ts';
import { formatCount, formatNumber } from '../format.ts';
import type { WebSensitivityMethod } from '../protocol.ts';
import { issueList } from './issue-list.ts';
import { readWhole } from './read-whole.ts';
import { currentOverrides, type ScreenState } from './screen-state.ts';

/** The section and a way to stop its analysis and free its chart. */
export interface Sensitivity {
  element: HTMLElement;
  destroy(): void;
}

/** The section's inputs, buttons, progress and output. */
function sensitivityElements(metricOrder: string[]) {
  const preferred = metricOrder.find((n) => /war/.test(n)) ?? metricOrder[0];
  return {
    metric: h('select', { id: 'sens-metric' }, ...metricOrder.map((m) => h('option', { value: m, selected: m === preferred }, m))),
    method: h(
      'select',
      { id: 'sens-method' },
      h('option', { value: 'tornado' }, 'Tornado (each parameter at its range ends)'),
      h('option', { value: 'sobol' }, "Sobol' indices (variance shares, with interactions)"),
    ),
    trials: h('input', { type: 'number', id: 'sens-trials', min: 50, max: 100_000, step: 50, value: 300 }),
    samples: h('input', { type: 'number', id: 'sens-samples', min: 32, max: 1024, step: 32, value: 32 }),
    run: h('button', { type: 'button', id: 'sens-run' }, 'Analyse'),
    cancel: h('button', { type: 'button', id: 'sens-cancel', disabled: true }, 'Cancel'),
    progress: h('progress', { id: 'sens-progress', max: 1, value: 0, 'aria-label': 'Sensitivity progress' }),
    status: h('p', { id: 'sens-status', role: 'status', 'aria-live': 'polite' }),
    how: h('div', { id: 'sens-how', class: 'sens-how' }),
    out: h('div', { class: 'charts', id: 'sens-out' }),
  };
}
type SensitivityElements = ReturnType<typeof sensitivityElements>;

/** The chart of an analysis of `metric`, or undefined when it has no result for it. */
function sensitivityChart(result: SensitivityResult, method: WebSensitivityMethod, metric: string) {
  const m = result.metrics[0];
  if (!m) return undefined;
  const chart =
    method === 'tornado'
      ? tornadoChart(metric, m.base, m.tornado ?? [], tornadoSummary(metric, m.base, m.tornado ?? []))
      : sobolChart(metric, m.sobol ?? [], sobolSummary(metric, m.sobol ?? []));
  return { chart, warnings: m.warnings, how: howItWasComputed(result) };
}

/** How the bars were computed: the solver, the noise floor, the screen before Sobol' and the notes. */
function howItWasComputed(r: SensitivityResult): string[] {
  const m = r.metrics[0];
  // The engine's note already starts "Monte Carlo, because …" when it explains the choice.
  const monteCarlo = r.solverNote.startsWith('Monte Carlo') ? `${r.solverNote}.` : `Monte Carlo: ${r.solverNote}.`;
  const lines = [r.solver === 'exact' ? 'Exact solver: every bar is noise-free.' : monteCarlo];
  if (m?.noiseFloor !== undefined && m.noiseFloor > 0) {
    lines.push(`Noise floor of this design: ${formatNumber(m.noiseFloor)}; bars at or below it are marked "within noise".`);
  }
  if (r.screening) {
    lines.push(
      `Too many parameters for one Sobol' design: a Morris screen (${formatCount(r.screening.modelRuns)} points) kept ${r.screening.kept.length} of ${r.screening.kept.length + r.screening.dropped.length}; the others are left out.`,
    );
  }
  if (r.sampling)
    lines.push(
      r.sampling === 'prior' ? "Sobol' draws each parameter from its prior." : "Sobol' draws each parameter uniformly over its range.",
    );
  return [...lines, ...(m?.notes ?? [])];
}

/** Shows why an analysis ended without a result (and no earlier chart, which would read as its answer). */
function showFailure(els: SensitivityElements, error: unknown): void {
  els.progress.value = 0;
  replace(els.out);
  replace(els.how);
  if (error instanceof CancelledError) els.status.textContent = 'Cancelled.';
  else
    replace(
      els.status,
      h('strong', {}, 'The analysis failed: '),
      issueList(error instanceof EngineError ? error.issues : [], (error as Error).message),
    );
}

/** The section's layout. */
function sensitivitySection(els: SensitivityElements): HTMLElement {
  return h(
    'section',
    { class: 'sensitivity', 'aria-labelledby': 'sens-title' },
    h('h2', { id: 'sens-title' }, 'Which assumptions matter?'),
    h(
      'div',
      { class: 'run-panel' },
      h('div', { class: 'field' }, h('label', { for: 'sens-metric' }, 'Metric'), els.metric),
      h('div', { class: 'field' }, h('label', { for: 'sens-method' }, 'Method'), els.method),
      h('div', { class: 'field' }, h('label', { for: 'sens-trials' }, 'Trials per point'), els.trials),
      h('div', { class: 'field' }, h('label', { for: 'sens-samples' }, "Sobol' samples"), els.samples),
      h('div', { class: 'buttons' }, els.run, els.cancel),
      els.progress,
    ),
    els.status,
    els.how,
    els.out,
  );
}

/** Renders the sensitivity section over the screen's state (it reads the current inputs and seed when Analyse is pressed). */
export function sensitivity(state: ScreenState): Sensitivity {
  const els = sensitivityElements(state.metricOrder);
  let running: SensitivityHandle | undefined;
  let chart: ChartFigure | undefined;
  const analyse = () => {
    if (running) return;
    const method = els.method.value as WebSensitivityMethod;
    const metric = els.metric.value;
    const trials = readWhole(els.trials, 50, 100_000, 300);
    const samples = 2 ** Math.round(Math.log2(readWhole(els.samples, 32, 1024, 32)));
    els.samples.value = String(samples);
    els.run.disabled = true;
    els.cancel.disabled = false;
    els.progress.value = 0;
    els.status.textContent = 'Analysing…';
    running = runSensitivity(
      { scenario: state.scenario, overrides: currentOverrides(state), method, metric, trials, samples, seed: state.seed },
      (done, total) => {
        els.progress.value = done / total;
        els.status.textContent = `Analysing: ${formatCount(done)} of ${formatCount(total)} points…`;
      },
    );
    running.result
      .then((r) => {
        chart?.destroy();
        chart = undefined;
        const shown = sensitivityChart(r, method, metric);
        if (!shown) return;
        chart = shown.chart;
        replace(els.how, ...shown.how.map((line) => h('p', {}, line)));
        replace(els.out, chart.figure, ...shown.warnings.map((w) => h('p', { class: 'warn' }, w)));
        chart.draw();
        els.progress.value = 1;
        els.status.textContent =
          r.solver === 'exact'
            ? `Done: ${formatCount(r.modelRuns)} points solved exactly, seed ${r.seed}.`
            : `Done: ${formatCount(r.modelRuns)} points of ${formatCount(r.trials)} trials each, seed ${r.seed}.`;
      })
      .catch((error: unknown) => {
        chart?.destroy();
        chart = undefined;
        showFailure(els, error);
      })
      .finally(() => {
        running = undefined;
        els.run.disabled = false;
        els.cancel.disabled = true;
      });
  };
  els.run.addEventListener('click', analyse);
  els.cancel.addEventListener('click', () => running?.cancel());
  return {
    element: sensitivitySection(els),
    destroy() {
      running?.cancel();
      chart?.destroy();
    },
  };
}
