/**
 * "Update on what has happened": observations entered in a form or as text (pasted, uploaded or
 * loaded from the scenario's bundled example; the two kept in sync), checked as typed in the worker;
 * the update run in a worker of its own beside a plain run with the same trials and seed, with a
 * progress bar; prior and updated metrics side by side (and the exact conditional where the chain
 * allows it), the conditioning diagnostics and a timeline of the observations.
 */
import type { Issue, RunResult, UpdateAnswer } from '@georisk/engine';
import { displayLabel } from '../display-label.ts';
import { h, replace } from '../dom.ts';
import { CancelledError, checkObservations, EngineError, observationExamples, runMonteCarlo, runUpdate } from '../engine-client.ts';
import { estimateText, formatBeside, formatCount, formatNumber, formatPercent, formatPercentInterval } from '../format.ts';
import { stackable } from '../stackable.ts';
import { observationForm } from './observation-form.ts';
import { type FormScenario, formFromValue } from './observation-rows.ts';
import { timelineFigure } from './observation-timeline.ts';
import { currentOverrides, isStale, type ScreenState } from './screen-state.ts';

/** The panel and a way to stop its work. */
export interface UpdatePanel {
  element: HTMLElement;
  destroy(): void;
}

/** How long typing must pause before the observations are checked. */
const CHECK_DEBOUNCE_MS = 250;

/** Issues as "line:column path: message — hint", so the analyst finds the observation. */
function locatedIssues(issues: Issue[], fallback: string): HTMLElement {
  if (issues.length === 0) return h('p', { class: 'warn' }, fallback);
  return h(
    'ul',
    { class: 'issues', id: 'obs-issue-list' },
    ...issues.map((i) =>
      h(
        'li',
        {},
        i.line === undefined ? null : h('code', {}, `${i.line}:${i.column ?? 1}`),
        i.line === undefined ? '' : ' ',
        // The path names the observation (observations[3].at) where the message alone does not.
        i.path === '' ? null : h('code', { class: 'issue-path' }, i.path),
        i.path === '' ? '' : ': ',
        i.message,
        i.hint ? h('span', { class: 'hint' }, ` — ${i.hint}`) : null,
      ),
    ),
  );
}

type Metric = RunResult['metrics'][string];

/**
 * A metric's estimate with its 95% interval (the updated one's from the effective sample size, as the
 * diagnostics say): a probability, or a mean with its median, to the places the error allows. Without
 * the intervals, "51.9% → 50.2%" could not be told from noise.
 */
function estimate(m: Metric | undefined): { parts: string[]; value: number | undefined } {
  if (!m) return { parts: ['—'], value: undefined };
  if (m.n === 0) return { parts: ['no finite value'], value: undefined };
  if (m.probability) return { parts: [formatPercent(m.probability.p), formatPercentInterval(m.probability.ci95)], value: m.probability.p };
  return {
    parts: [estimateText(m.mean, m.ci95), `· median ${formatBeside(m.quantiles.p50, m.ci95[1] - m.mean)}`],
    value: m.mean,
  };
}

/** An estimate's cell: each part whole on its line (a narrow card breaks between parts, never inside a number). */
function estimateCell(key: 'prior' | 'updated', e: ReturnType<typeof estimate>): HTMLTableCellElement {
  const parts = e.parts.flatMap((p, i) => [i > 0 ? ' ' : null, h('span', { class: 'est-part' }, p)]);
  return h(
    'td',
    { class: 'num', 'data-key': key, 'data-value': e.value === undefined ? undefined : String(e.value) },
    h('span', { class: 'cell-value' }, ...parts),
  );
}

/** The exact conditional's answer for a metric: a probability or a mean, or a dash with the reason it has none. */
function exactCell(a: UpdateAnswer, name: string): HTMLTableCellElement {
  const m = a.exact?.metrics[name];
  if (m === undefined) return h('td', { class: 'num muted', 'data-key': 'exact', title: a.exact?.unavailable[name] }, '—');
  const value = m.probability ?? m.mean;
  const text = m.probability === undefined ? formatNumber(m.mean) : formatPercent(m.probability);
  return h('td', { class: 'num', 'data-key': 'exact', 'data-value': String(value) }, text);
}

/** Why the exact conditional has no answer for some metrics (a dash in its column), folded away. */
function exactGaps(a: UpdateAnswer, state: ScreenState): HTMLElement | null {
  const gaps = Object.entries(a.exact?.unavailable ?? {});
  if (gaps.length === 0) return null;
  return h(
    'details',
    { id: 'obs-exact-gaps', class: 'obs-exact-gaps' },
    h('summary', {}, `Why ${gaps.length} metrics have no exact updated answer (—); the sampled one stands`),
    h(
      'ul',
      {},
      ...gaps.map(([name, why]) =>
        h('li', { 'data-metric': name }, h('strong', {}, displayLabel(name, state.scenario.metrics[name])), `: ${why}`),
      ),
    ),
  );
}

/**
 * Prior and updated metrics side by side (and the exact conditional's, where the chain allows it); at phone
 * width each metric a card, as the run's table, where four columns split "median" from its number.
 */
function metricsTable(prior: RunResult, updated: UpdateAnswer, state: ScreenState): HTMLTableElement {
  const order = state.metricOrder;
  const rows = order.map((name) => {
    const p = estimate(prior.metrics[name]);
    const u = estimate(updated.metrics[name]);
    return h(
      'tr',
      { 'data-metric': name },
      h('th', { scope: 'row' }, displayLabel(name, state.scenario.metrics[name])),
      estimateCell('prior', p),
      estimateCell('updated', u),
      updated.exact ? exactCell(updated, name) : null,
    );
  });
  const table = h(
    'table',
    { id: 'obs-metrics', class: 'metrics' },
    h(
      'caption',
      {},
      `Forecast before and after the observations, with 95% intervals of sampling error (${formatCount(updated.trials)} trials, seed ${updated.seed}). What we do not know of the parameters is inside each answer (every trial drew them from their priors, and the observations reweighed those draws), not a band around it.`,
    ),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'Metric'),
        h('th', { scope: 'col' }, 'Prior'),
        h('th', { scope: 'col' }, 'Updated'),
        updated.exact ? h('th', { scope: 'col' }, 'Exact, updated') : null,
      ),
    ),
    h('tbody', {}, ...rows),
  );
  return stackable(table);
}

/** P(observations) (or their relative likelihood), the effective sample size with its warning, each observation and each moved parameter. */
function diagnostics(a: UpdateAnswer, state: ScreenState): HTMLElement {
  const c = a.conditioning;
  const exact = a.exact ? ` (exact ${a.exact.evidence.toPrecision(3)})` : '';
  return h(
    'div',
    { id: 'obs-diagnostics', class: 'obs-diagnostics' },
    h(
      'p',
      { id: 'obs-evidence', 'data-value': String(c.evidence) },
      `${c.evidenceLabel.charAt(0).toUpperCase()}${c.evidenceLabel.slice(1)} ≈ ${c.evidence.toPrecision(3)}${exact}`,
    ),
    h(
      'p',
      { id: 'obs-ess', 'data-value': String(c.effectiveSampleSize) },
      `Effective sample size ${formatNumber(c.effectiveSampleSize)} of ${formatCount(a.trials)} trials · as of t = ${formatNumber(c.asOf)} ${a.unit}s`,
    ),
    ...c.warnings.map((w) => h('p', { class: 'warn obs-warning', role: 'alert' }, w)),
    c.parameters.length > 0
      ? h(
          'ul',
          { id: 'obs-parameters' },
          ...c.parameters.map((p) =>
            h(
              'li',
              { 'data-name': p.name },
              // The parameter's words, as its slider names it, with the name a link or the CLI takes.
              h('strong', {}, displayLabel(p.name, state.scenario.parameters[p.name])),
              ' (',
              h('code', {}, p.name),
              `): mean ${formatNumber(p.priorMean)} → ${formatNumber(p.posteriorMean)}; ${p.summary}`,
            ),
          ),
        )
      : h('p', { class: 'muted' }, 'No parameter of this scenario has an uncertainty distribution, so none moved.'),
    ...[...c.notes, ...(a.exact?.notes ?? [])].map((n) => h('p', { class: 'muted' }, n)),
  );
}

/** The observations on a time axis from t = 0 to the update's as-of time, each with its probability given the earlier ones. */
function timeline(a: UpdateAnswer, horizon: number): HTMLElement {
  const observations = a.conditioning.observations;
  const probability = new Map(observations.map((o) => [`${o.t}|${o.name}`, o.probability]));
  return timelineFigure({
    id: 'obs-timeline',
    caption: `What was observed, ${a.unit}s since t = 0, up to the update's as-of time (the forecast runs on to ${formatNumber(horizon)} ${a.unit}s)`,
    unit: a.unit,
    end: Math.max(a.conditioning.asOf, ...observations.map((o) => o.t)),
    observations,
    note: (m) => `(P given earlier ${formatPercent(probability.get(`${m.t}|${m.name}`) ?? 0)})`,
  });
}

/** The panel's inputs, buttons and output. */
function panelElements() {
  return {
    text: h('textarea', { id: 'obs-text', rows: 10, spellcheck: false, 'aria-label': 'Observations (YAML or JSON)' }),
    file: h('input', { type: 'file', id: 'obs-file', accept: '.yaml,.yml,.json' }),
    examples: h('div', { class: 'buttons', id: 'obs-examples' }),
    issues: h('div', { id: 'obs-issues', 'aria-live': 'polite' }),
    run: h('button', { type: 'button', id: 'obs-run', disabled: true }, 'Update'),
    cancel: h('button', { type: 'button', id: 'obs-cancel', disabled: true }, 'Cancel'),
    progress: h('progress', { id: 'obs-progress', max: 1, value: 0, 'aria-label': 'Update progress' }),
    status: h('p', { id: 'obs-status', role: 'status', 'aria-live': 'polite' }),
    out: h('div', { id: 'obs-out' }),
  };
}
type PanelElements = ReturnType<typeof panelElements>;

/** Buttons that load the scenario's bundled observation files into the box (the form follows). */
async function showExamples(file: string, els: PanelElements, load: (text: string) => void, alive: () => boolean): Promise<void> {
  const examples = await observationExamples(file);
  if (!alive()) return;
  replace(
    els.examples,
    ...examples.map((ex, i) => {
      const name = ex.file.slice(ex.file.lastIndexOf('/') + 1);
      const b = h(
        'button',
        { type: 'button', id: `obs-example-${i}`, 'data-file': ex.file, title: name },
        `Load example: ${ex.title ?? name}`,
      );
      b.addEventListener('click', () => load(ex.text));
      return b;
    }),
  );
}

/** The panel's section: title, how to use it, the examples, the form, the text, the buttons and the output. */
function layOut(els: PanelElements, form: HTMLElement): HTMLElement {
  return h(
    'section',
    { class: 'update-panel', 'aria-labelledby': 'obs-title' },
    h('h2', { id: 'obs-title' }, 'Update on what has happened'),
    h(
      'p',
      { class: 'muted' },
      'Enter what has been observed (track states, events, variable values with their reporting error) in the form, or paste or upload it as text: each follows the other. The forecast is conditioned on them with the trials and seed of the run controls.',
    ),
    els.examples,
    form,
    h('label', { for: 'obs-text', class: 'obs-text-label' }, 'The observations as text (YAML or JSON)'),
    els.text,
    h(
      'div',
      { class: 'run-panel' },
      h('div', { class: 'field' }, h('label', { for: 'obs-file' }, 'Upload'), els.file),
      h('div', { class: 'buttons' }, els.run, els.cancel),
    ),
    els.issues,
    els.progress,
    els.status,
    els.out,
  );
}

/** The scenario's names and time axis the form offers and checks against. */
function formScenario(state: ScreenState): FormScenario {
  const sc = state.scenario;
  return {
    unit: sc.time.unit,
    dt: sc.time.dt,
    horizon: sc.time.horizon,
    tracks: Object.fromEntries(Object.entries(sc.tracks).map(([name, t]) => [name, [...(t.states ?? [])]])),
    events: (sc.events ?? []).flatMap((e) => (e.id === undefined ? [] : [e.id])),
    variables: Object.keys(sc.variables),
  };
}

/** The check's verdict under the text: its issues, or that it reads; Update is enabled when it reads and nothing runs. */
function showCheck(els: PanelElements, issues: Issue[], busy: boolean): void {
  replace(
    els.issues,
    issues.length === 0
      ? h('p', { class: 'muted', id: 'obs-ok' }, 'The observations read against this scenario.')
      : locatedIssues(issues, ''),
  );
  els.run.disabled = issues.length > 0 || busy;
}

/** The "Update on what has happened" panel of the scenario screen. */
export function updatePanel(state: ScreenState): UpdatePanel {
  const els = panelElements();
  let checkTimer: ReturnType<typeof setTimeout> | undefined;
  let checked = 0;
  let running: { cancel(): void }[] = [];
  let alive = true;
  // The text the form wrote last: when the check of that text comes back, the form already shows it.
  let fromForm: string | undefined;
  const scenario = formScenario(state);
  const check = async () => {
    const ticket = ++checked;
    const text = els.text.value;
    if (text.trim() === '') {
      replace(els.issues);
      els.run.disabled = true;
      return;
    }
    const { issues, value } = await checkObservations(state.scenario, currentOverrides(state), text).catch((e: unknown) => ({
      issues: e instanceof EngineError ? e.issues : [{ code: 'bad_observation', path: '', message: String(e) } as Issue],
      value: undefined,
    }));
    // A check of text that has changed since is stale: it must not put older rows back into the form.
    if (!alive || ticket !== checked || els.text.value !== text) return;
    if (text !== fromForm) form.show(value === undefined ? 'the text does not read as YAML or JSON' : formFromValue(value, scenario.unit));
    showCheck(els, issues, running.length > 0);
  };
  const scheduleCheck = () => {
    clearTimeout(checkTimer);
    checkTimer = setTimeout(() => void check(), CHECK_DEBOUNCE_MS);
  };
  const form = observationForm(scenario, (text) => {
    fromForm = text;
    els.text.value = text;
    scheduleCheck();
  });
  const load = (text: string) => {
    els.text.value = text;
    void check();
  };
  els.text.addEventListener('input', scheduleCheck);
  els.file.addEventListener('change', () => {
    const f = els.file.files?.[0];
    if (f) void f.text().then(load);
  });
  els.run.addEventListener('click', () =>
    start(
      state,
      els,
      (r) => (running = r),
      () => alive,
    ),
  );
  els.cancel.addEventListener('click', () => {
    for (const r of running) r.cancel();
  });
  if (!state.edited) void showExamples(state.item.file, els, load, () => alive);
  const element = layOut(els, form.element);
  return {
    element,
    destroy() {
      alive = false;
      clearTimeout(checkTimer);
      for (const r of running) r.cancel();
    },
  };
}

/** A progress callback that moves the bar and the status line at most once per animation frame. */
function frameThrottled(els: PanelElements, trials: number) {
  let frame = 0;
  let latest = 0;
  return {
    onProgress(done: number, total: number) {
      latest = done / total;
      if (frame !== 0) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        els.progress.value = latest;
        const pass = latest <= 0.5 ? 'weighing' : 'replaying the resampled';
        els.status.textContent = `Updating: ${pass} trials, ${formatCount(Math.round(latest * 2 * trials))} of ${formatCount(2 * trials)} trial runs…`;
      });
    },
    stop() {
      cancelAnimationFrame(frame);
      frame = 0;
    },
  };
}

/** Runs the update and the prior (the last run when it is current) and shows them, or the engine's refusal. */
function start(state: ScreenState, els: PanelElements, setRunning: (r: { cancel(): void }[]) => void, alive: () => boolean): void {
  const base = { scenario: state.scenario, overrides: currentOverrides(state), trials: state.trials, seed: state.seed };
  const progress = frameThrottled(els, base.trials);
  const updating = runUpdate({ ...base, text: els.text.value }, progress.onProgress);
  const current = state.lastRun && !isStale(state) ? state.lastRun.result : undefined;
  const prior = current ? undefined : runMonteCarlo(base);
  setRunning(prior ? [updating, prior] : [updating]);
  els.run.disabled = true;
  els.cancel.disabled = false;
  els.progress.value = 0;
  els.status.textContent = `Updating on ${formatCount(base.trials)} trials, seed ${base.seed}…`;
  replace(els.out);
  const started = performance.now();
  Promise.all([updating.answer, current ?? prior?.result])
    .then(([answer, priorResult]) => {
      if (!alive() || !priorResult) return;
      const ms = performance.now() - started;
      progress.stop();
      els.progress.value = 1;
      els.status.textContent = `Updated in ${formatNumber(ms / 1000)} s.`;
      els.status.dataset.ms = String(ms);
      replace(
        els.out,
        timeline(answer, state.scenario.time.horizon),
        diagnostics(answer, state),
        metricsTable(priorResult, answer, state),
        exactGaps(answer, state),
      );
    })
    .catch((error: unknown) => {
      if (!alive()) return;
      progress.stop();
      els.progress.value = 0;
      updating.cancel();
      prior?.cancel();
      if (error instanceof CancelledError) els.status.textContent = 'Cancelled.';
      else
        replace(
          els.status,
          h('strong', { id: 'obs-refused' }, 'The update was refused: '),
          locatedIssues(error instanceof EngineError ? error.issues : [], error instanceof Error ? error.message : String(error)),
        );
    })
    .finally(() => {
      setRunning([]);
      els.run.disabled = false;
      els.cancel.disabled = true;
    });
}
