/**
 * The sensitivity section: which assumptions move a metric, by tornado or Sobol' indices, with its
 * own run controls. An exact tornado follows the parameter panel: when a slider moves it is marked
 * stale and solved again in its worker (latest request wins), without pressing Analyse.
 */
import type { SensitivityResult } from '@georisk/engine';
import { sobolSummary, tornadoSummary } from '../chart-data.ts';
import { type ChartFigure, type MetricDisplay, sobolChart, tornadoChart } from '../charts.ts';
import { displayLabel } from '../display-label.ts';
import { h, replace } from '../dom.ts';
import {
  CancelledError,
  EngineError,
  LiveSensitivity,
  runSensitivity,
  type SensitivityAnswer,
  type SensitivityHandle,
  type SensitivityRequest,
} from '../engine-client.ts';
import { formatCount, formatNumber } from '../format.ts';
import type { WebSensitivityMethod } from '../protocol.ts';
import { issueList } from './issue-list.ts';
import { readWhole } from './read-whole.ts';
import { currentOverrides, type ScreenState } from './screen-state.ts';
import { noteElement } from './sensitivity-notes.ts';

/** The section, what to do when the panel's values or the exact preview change, and a way to stop its analysis and free its chart. */
export interface Sensitivity {
  element: HTMLElement;
  inputsChanged(): void;
  /** The exact preview answered (or failed): whether the trials field applies may have changed. */
  exactChanged(): void;
  destroy(): void;
}

/** How long the sliders must rest before the exact tornado is solved again. */
const FOLLOW_DEBOUNCE_MS = 150;

/** The section's inputs, buttons, progress and output. */
function sensitivityElements(metricOrder: string[], declared: Record<string, MetricDisplay>) {
  const preferred = metricOrder.find((n) => /war/.test(n)) ?? metricOrder[0];
  return {
    // By label, as the band's picker and the metrics table name them; the value stays the metric's name.
    metric: h(
      'select',
      { id: 'sens-metric' },
      ...metricOrder.map((m) => h('option', { value: m, selected: m === preferred }, displayLabel(m, declared[m]))),
    ),
    method: h(
      'select',
      { id: 'sens-method' },
      // Short labels: a select shows only as much as its width allows (390 px on a phone).
      h('option', { value: 'tornado' }, 'Tornado (range ends)'),
      h('option', { value: 'sobol' }, "Sobol' (variance shares)"),
    ),
    trials: h('input', { type: 'number', id: 'sens-trials', min: 50, max: 100_000, step: 50, value: 300 }),
    /** Shown only where Monte Carlo answers: the exact solver draws no trials. */
    trialsField: h('div', { class: 'field', id: 'sens-trials-field' }),
    samples: h('input', { type: 'number', id: 'sens-samples', min: 32, max: 1024, step: 32, value: 256 }),
    /** Shown only with Sobol' chosen: the tornado reads no samples. */
    samplesField: h('div', { class: 'field', id: 'sens-samples-field', hidden: true }),
    run: h('button', { type: 'button', id: 'sens-run' }, 'Analyse'),
    cancel: h('button', { type: 'button', id: 'sens-cancel', disabled: true }, 'Cancel'),
    progress: h('progress', { id: 'sens-progress', max: 1, value: 0, 'aria-label': 'Sensitivity progress' }),
    status: h('p', { id: 'sens-status', role: 'status', 'aria-live': 'polite' }),
    how: h('div', { id: 'sens-how', class: 'sens-how' }),
    out: h('div', { class: 'charts', id: 'sens-out' }),
    section: h('section', { class: 'sensitivity', 'aria-labelledby': 'sens-title' }),
  };
}
type SensitivityElements = ReturnType<typeof sensitivityElements>;

/** The chart of an analysis of `metric`, or undefined when it has no result for it. */
function sensitivityChart(result: SensitivityResult, method: WebSensitivityMethod, metric: string, scenario: ScreenState['scenario']) {
  const m = result.metrics[0];
  if (!m) return undefined;
  // Bars and metric by label, as the panel's sliders and the Metric picker name them; the table keeps each name.
  const declared = scenario.metrics[metric];
  const words = displayLabel(metric, declared);
  const label = (param: string) => displayLabel(param, scenario.parameters[param]);
  // Solved exactly, a bar the engine marks "within noise" has no swing at all: no effect, not noise.
  const exact = result.solver === 'exact';
  const bars = (m.tornado ?? []).map((b) => ({ ...b, label: label(b.param), ...(exact ? { withinNoise: false } : {}) }));
  const indices = (m.sobol ?? []).map((r) => ({ ...r, label: label(r.param) }));
  const chart =
    method === 'tornado'
      ? tornadoChart(words, m.base, bars, tornadoSummary(words, m.base, bars, exact), declared)
      : sobolChart(words, indices, sobolSummary(words, indices));
  return { chart, warnings: m.warnings, how: howItWasComputed(result) };
}

/** How the bars were computed: the solver, the noise floor, the screen before Sobol' and the notes. */
function howItWasComputed(r: SensitivityResult): string[] {
  const m = r.metrics[0];
  // The engine's note already starts "Monte Carlo, because …" when it explains the choice.
  const monteCarlo = r.solverNote.startsWith('Monte Carlo') ? `${r.solverNote}.` : `Monte Carlo: ${r.solverNote}.`;
  // Sobol' indices from exactly solved points still carry the error of the design's finite sample.
  const exact =
    r.method === 'tornado'
      ? 'Exact solver: every bar is noise-free, and the tornado follows the sliders.'
      : "Exact solver: each point is solved without Monte Carlo noise; the indices still carry the error of the design's samples, shown as their 95% intervals (more samples narrow them).";
  const lines = [r.solver === 'exact' ? exact : monteCarlo];
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

/** A whole word that may be a name: not part of a longer word, a number or a hyphenated word. */
const NAME_WORD = /(?<![\w.-])[A-Za-z_]\w*(?![\w-])/g;

/**
 * An engine sentence (a note, a warning, why Monte Carlo) as the panel shows it: each parameter or
 * metric of the scenario it names, by label in quotes as the bars name it, with the name in a
 * tooltip; every other word as it is. The engine keeps names in its wording, as the CLI shows them.
 */
function namedByLabel(text: string, scenario: ScreenState['scenario']): (Node | string)[] {
  const parts: (Node | string)[] = [];
  let from = 0;
  for (const match of text.matchAll(NAME_WORD)) {
    const name = match[0];
    const declared = Object.hasOwn(scenario.parameters, name)
      ? scenario.parameters[name]
      : Object.hasOwn(scenario.metrics, name)
        ? scenario.metrics[name]
        : undefined;
    if (declared === undefined) continue;
    // In quotes: a label is a phrase with capitals and commas of its own, inside a sentence or a list.
    parts.push(text.slice(from, match.index), '“', h('span', { title: name }, displayLabel(name, declared)), '”');
    from = match.index + name.length;
  }
  parts.push(text.slice(from));
  return parts.filter((p) => p !== '');
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

/** Shows the Sobol' samples field while Sobol' is the method chosen (a tornado reads no samples). */
function showSamples(els: SensitivityElements): void {
  els.samplesField.hidden = els.method.value !== 'sobol';
}

/**
 * Whether an analysis of `metric` is solved exactly, so that it draws no trials: the scenario is a
 * Markov chain (the library says so before the preview answers) and, once the preview has answered,
 * the metric is one of its exact answers. The engine chooses the same way (exact whenever every
 * analysed metric has an exact answer).
 */
function solvedExactly(state: ScreenState, metric: string): boolean {
  if (state.item.notExact.length > 0 || state.exactError !== undefined) return false;
  return state.exact === undefined || Object.hasOwn(state.exact.result.metrics, metric);
}

/** Shows the trials field only where Monte Carlo will answer (a field that changes nothing would mislead). */
function showTrials(els: SensitivityElements, state: ScreenState): void {
  els.trialsField.hidden = solvedExactly(state, els.metric.value);
}

/** Lays the section out in `els.section`. */
function layOut(els: SensitivityElements, state: ScreenState): void {
  replace(els.samplesField, h('label', { for: 'sens-samples' }, "Sobol' samples"), els.samples);
  replace(els.trialsField, h('label', { for: 'sens-trials' }, 'Trials per point'), els.trials);
  showSamples(els);
  showTrials(els, state);
  replace(
    els.section,
    h('h2', { id: 'sens-title' }, 'Which assumptions matter?'),
    h(
      'div',
      { class: 'run-panel' },
      h('div', { class: 'field' }, h('label', { for: 'sens-metric' }, 'Metric'), els.metric),
      h('div', { class: 'field' }, h('label', { for: 'sens-method' }, 'Method'), els.method),
      els.trialsField,
      els.samplesField,
      h('div', { class: 'buttons' }, els.run, els.cancel),
      els.progress,
    ),
    els.status,
    els.how,
    els.out,
  );
}

/** The analysis a panel shows: what it was asked for, and whether it follows the sliders (an exact tornado does). */
interface Shown {
  request: SensitivityRequest;
  follows: boolean;
}

/** Draws an answer in the section (replacing the chart before it) and returns what is shown, or undefined for no result. */
function showAnswer(
  els: SensitivityElements,
  answer: SensitivityAnswer,
  method: WebSensitivityMethod,
  metric: string,
  scenario: ScreenState['scenario'],
) {
  const shown = sensitivityChart(answer.result, method, metric, scenario);
  if (!shown) return undefined;
  const words = (text: string) => namedByLabel(text, scenario);
  replace(els.how, ...shown.how.map((note) => noteElement(note, words)));
  replace(els.out, shown.chart.figure, ...shown.warnings.map((w) => h('p', { class: 'warn' }, ...words(w))));
  shown.chart.draw();
  markStale(els, false);
  els.progress.value = 1;
  return shown.chart;
}

/** Marks the shown analysis as out of date with the panel (or current again). */
function markStale(els: SensitivityElements, stale: boolean): void {
  for (const el of [els.out, els.how]) {
    el.classList.toggle('stale', stale);
    if (stale) el.setAttribute('aria-busy', 'true');
    else el.removeAttribute('aria-busy');
  }
}

/** The status line after an analysis, or after the tornado followed the sliders (`ms`: how long that took). */
function doneStatus(answer: SensitivityAnswer, ms?: number): string {
  const r = answer.result;
  if (r.solver !== 'exact') return `Done: ${formatCount(r.modelRuns)} points of ${formatCount(r.trials)} trials each, seed ${r.seed}.`;
  // One metric: a metric solve is a point solved; the others repeat an answer the model's structure fixes.
  const solved = answer.solved;
  const work = solved === undefined ? '' : ` (${formatCount(solved)} solved, ${formatCount(Math.max(0, r.modelRuns - solved))} reused)`;
  if (ms === undefined) return `Done: ${formatCount(r.modelRuns)} points exact${work}, seed ${r.seed}.`;
  return `Updated for the panel's values in ${formatCount(Math.round(ms))} ms: ${formatCount(r.modelRuns)} points exact${work}.`;
}

/** The analysis the inputs ask for, at the panel's values (the samples rounded to a power of two, and shown so). */
function requestFromInputs(els: SensitivityElements, state: ScreenState): SensitivityRequest {
  const samples = 2 ** Math.round(Math.log2(readWhole(els.samples, 32, 1024, 32)));
  els.samples.value = String(samples);
  return {
    scenario: state.scenario,
    overrides: currentOverrides(state),
    method: els.method.value as WebSensitivityMethod,
    metric: els.metric.value,
    trials: readWhole(els.trials, 50, 100_000, 300),
    samples,
    seed: state.seed,
  };
}

/** Swaps Analyse and Cancel while an analysis runs. */
function setRunning(els: SensitivityElements, on: boolean): void {
  els.run.disabled = on;
  els.cancel.disabled = !on;
  if (on) {
    els.progress.value = 0;
    els.status.textContent = 'Analysing…';
  }
}

/** Renders the sensitivity section over the screen's state (it reads the current inputs and seed when Analyse is pressed). */
export function sensitivity(state: ScreenState): Sensitivity {
  const els = sensitivityElements(state.metricOrder, state.scenario.metrics);
  layOut(els, state);
  let running: SensitivityHandle | undefined;
  let chart: ChartFigure | undefined;
  let shown: Shown | undefined;
  let followTimer: ReturnType<typeof setTimeout> | undefined;
  const draw = (answer: SensitivityAnswer, asked: SensitivityRequest) => {
    chart?.destroy();
    chart = showAnswer(els, answer, asked.method, asked.metric, state.scenario);
    shown = chart && { request: asked, follows: asked.method === 'tornado' && answer.result.solver === 'exact' };
  };
  const fail = (error: unknown) => {
    chart?.destroy();
    chart = undefined;
    shown = undefined;
    showFailure(els, error);
  };
  const live = new LiveSensitivity((answer, ms) => {
    if (!shown?.follows) return;
    draw(answer, shown.request);
    els.status.textContent = doneStatus(answer, ms);
    els.section.dataset.updates = String(Number(els.section.dataset.updates ?? 0) + 1);
  }, fail);
  const analyse = () => {
    if (running) return;
    clearTimeout(followTimer);
    live.drop();
    const asked = requestFromInputs(els, state);
    setRunning(els, true);
    running = runSensitivity(asked, (done, total) => {
      els.progress.value = done / total;
      els.status.textContent = `Analysing: ${formatCount(done)} of ${formatCount(total)} points…`;
    });
    running.result
      .then((answer) => {
        draw(answer, asked);
        if (shown) els.status.textContent = doneStatus(answer);
        // Start the worker that follows the sliders now, with this tornado's answers kept, so the first move is quick.
        if (shown?.follows) live.request(asked, true);
      })
      .catch(fail)
      .finally(() => {
        running = undefined;
        setRunning(els, false);
      });
  };
  els.run.addEventListener('click', analyse);
  els.cancel.addEventListener('click', () => running?.cancel());
  els.method.addEventListener('change', () => showSamples(els));
  els.metric.addEventListener('change', () => showTrials(els, state));
  return {
    element: els.section,
    inputsChanged() {
      if (!shown || running) return;
      markStale(els, true);
      if (!shown.follows) {
        els.status.textContent = "The panel's values changed since this analysis: press Analyse to update it.";
        return;
      }
      els.status.textContent = "Updating the tornado for the panel's values…";
      clearTimeout(followTimer);
      const request = shown.request;
      followTimer = setTimeout(() => live.request({ ...request, overrides: currentOverrides(state) }), FOLLOW_DEBOUNCE_MS);
    },
    exactChanged() {
      showTrials(els, state);
    },
    destroy() {
      clearTimeout(followTimer);
      live.close();
      running?.cancel();
      chart?.destroy();
    },
  };
}
