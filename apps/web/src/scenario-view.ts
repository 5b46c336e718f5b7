/**
 * The scenario screen: description and sources, the parameter panel, trials and seed, Run and
 * Cancel with progress, the live exact preview, charts with table views, the permalink and
 * downloads.
 */
import type { ExactResult, Issue, Parameter, RunResult } from '@georisk/engine';
import { formatCsv } from '@georisk/engine/format';
import {
  compareMetrics,
  formatDifference,
  histogramMetrics,
  histogramSummary,
  type MetricView,
  outcomeBars,
  outcomeSummary,
  sobolSummary,
  tornadoSummary,
  trackSummary,
} from './chart-data.ts';
import { type ChartFigure, firstPassageChart, histogramChart, occupancyChart, outcomeChart, sobolChart, tornadoChart } from './charts.ts';
import { download, h, replace } from './dom.ts';
import {
  CancelledError,
  EngineError,
  ExactPreview,
  type RunHandle,
  runMonteCarlo,
  runSensitivity,
  type SensitivityHandle,
} from './engine-client.ts';
import { downloadName, runJson } from './export.ts';
import {
  formatCount,
  formatDuration,
  formatInputValue,
  formatNumber,
  formatPercent,
  formatPercentInterval,
  sliderStep,
  snapToStep,
} from './format.ts';
import type { LibraryItem } from './protocol.ts';
import { effectiveOverrides, formatHash, MAX_SEED, MAX_TRIALS, type ViewState } from './url-state.ts';

type ScenarioState = Extract<ViewState, { screen: 'scenario' }>;

/** Renders issues as a list a student can read. */
function issueList(issues: Issue[], fallback: string): HTMLElement {
  if (issues.length === 0) return h('p', {}, fallback);
  return h(
    'ul',
    { class: 'issues' },
    ...issues.map((i) =>
      h(
        'li',
        {},
        i.path ? h('code', {}, i.path) : null,
        i.path ? ': ' : '',
        i.message,
        i.hint ? h('span', { class: 'hint' }, ` — ${i.hint}`) : null,
      ),
    ),
  );
}

function sourceItem(s: string | { title: string; url?: string; note?: string }): HTMLElement {
  if (typeof s === 'string') return h('li', {}, s);
  const href = s.url === undefined ? undefined : /^https?:\/\//.test(s.url) ? s.url : `https://${s.url}`;
  return h(
    'li',
    {},
    href ? h('a', { href, target: '_blank', rel: 'noopener noreferrer' }, s.title) : s.title,
    s.note ? h('span', { class: 'muted' }, ` — ${s.note}`) : null,
  );
}

function describeUncertainty(p: Parameter): string {
  const u = p.uncertainty;
  if (!u) return '';
  const { dist, ...rest } = u as Record<string, unknown> & { dist: string };
  return `uncertain: ${dist}(${Object.entries(rest)
    .map(([k, v]) => `${k} ${formatNumber(Number(v))}`)
    .join(', ')}), drawn once per trial`;
}

export interface ScenarioView {
  destroy(): void;
}

/** Renders the screen for one scenario, starting from the state in the address bar. */
export function renderScenario(
  root: HTMLElement,
  item: LibraryItem,
  initial: ScenarioState,
  options: { edited?: { back: () => void } } = {},
): ScenarioView {
  const edited = options.edited;
  const scenario = item.scenario;
  const params = Object.entries(scenario.parameters) as [string, Parameter][];
  const defaults: Record<string, number> = Object.fromEntries(params.map(([n, p]) => [n, p.default]));
  const values: Record<string, number> = { ...defaults };
  for (const [n, v] of Object.entries(initial.overrides)) if (Object.hasOwn(values, n)) values[n] = v;
  let seed = initial.seed;
  let trials = initial.trials;
  let lastRun: { result: RunResult; hash: string } | undefined;
  /** A run pinned for comparison: later runs show their differences from it. */
  let baseline: RunResult | undefined;
  let running: RunHandle | undefined;
  let exact: { result: ExactResult; ms: number } | undefined;
  let exactError: string | undefined = item.notExact.length ? item.notExact.join('; ') : undefined;
  let charts: ChartFigure[] = [];
  let selectedTrack = Object.keys(scenario.tracks)[0] ?? '';
  let selectedMetric: string | undefined;
  const expected = initial.receipt;
  const unit = scenario.time.unit;
  const metricOrder = Object.keys(scenario.metrics);

  const currentState = (extra: Partial<ScenarioState> = {}): ScenarioState => ({
    screen: 'scenario',
    id: item.id,
    overrides: effectiveOverrides(values, defaults),
    seed,
    trials,
    run: false,
    ...extra,
  });
  // An edited scenario is not in the library, so the address bar cannot name it.
  const updateAddress = () => {
    if (!edited) history.replaceState(null, '', formatHash(currentState()));
  };

  // --- Exact preview ---
  const exactStatus = h('p', { id: 'exact-status', class: 'exact-status', 'aria-live': 'polite' }, 'Computing the exact answer…');
  const preview = new ExactPreview(
    (result, ms) => {
      exact = { result, ms };
      exactError = undefined;
      exactStatus.textContent = `Exact answer (infinite trials) updated in ${formatDuration(ms / 1000)}.${result.notes.length ? ' Uncertain parameters are held at their values here; Monte Carlo draws them.' : ''}`;
      exactStatus.dataset.ms = String(Math.round(ms));
      exactStatus.dataset.updates = String(Number(exactStatus.dataset.updates ?? 0) + 1);
      renderResults();
    },
    (error) => {
      exact = undefined;
      exactError = error instanceof EngineError && error.issues.length ? error.issues.map((i) => i.message).join('; ') : error.message;
      exactStatus.textContent = `No exact answer: ${exactError}`;
      renderResults();
    },
  );
  const requestExact = () => {
    if (item.notExact.length) return;
    // No debounce: the preview solves one request at a time and keeps only the newest waiting, so a
    // drag never queues work, and a single move is answered at once.
    preview.request(scenario, effectiveOverrides(values, defaults));
  };

  // --- Parameter panel ---
  const paramRows = new Map<string, { row: HTMLElement; range?: HTMLInputElement; num: HTMLInputElement }>();
  const setValue = (name: string, v: number, from?: HTMLInputElement) => {
    values[name] = v;
    const r = paramRows.get(name);
    if (r) {
      if (r.range && from !== r.range) r.range.value = String(v);
      if (from !== r.num) r.num.value = formatInputValue(v);
      r.row.classList.toggle('changed', v !== defaults[name]);
    }
    onInputsChanged();
  };
  const paramPanel = h(
    'div',
    { class: 'param-list' },
    ...params.map(([name, p]) => {
      const id = `p-${name}`;
      const [min, max] = p.range ?? [Math.min(0, p.default), Math.max(p.default * 2, 1)];
      const step = sliderStep(min, max);
      const num = h('input', {
        type: 'number',
        id: `${id}-num`,
        min: p.range ? min : undefined,
        max: p.range ? max : undefined,
        step: 'any',
        value: formatInputValue(values[name] as number),
        inputmode: 'decimal',
        'aria-describedby': `${id}-note`,
      });
      num.addEventListener('change', () => {
        const v = Number(num.value);
        if (num.value.trim() !== '' && Number.isFinite(v)) setValue(name, v, num);
        else num.value = formatInputValue(values[name] as number);
      });
      const range = p.range
        ? h('input', {
            type: 'range',
            id: `${id}-range`,
            min,
            max,
            step,
            value: values[name] as number,
            'aria-label': `${name} slider`,
            'aria-describedby': `${id}-note`,
          })
        : undefined;
      range?.addEventListener('input', () => setValue(name, snapToStep(Number(range.value), min, step), range));
      const reset = h(
        'button',
        {
          type: 'button',
          class: 'icon',
          title: `Reset ${name} to ${formatInputValue(p.default)}`,
          'aria-label': `Reset ${name} to its default`,
        },
        '↺',
      );
      reset.addEventListener('click', () => setValue(name, p.default));
      const note = [
        p.range ? `range ${formatInputValue(min)} to ${formatInputValue(max)}` : 'no range given',
        `default ${formatInputValue(p.default)}`,
        describeUncertainty(p),
      ]
        .filter(Boolean)
        .join(' · ');
      const about =
        p.description || p.sources?.length || p.assumption
          ? h(
              'details',
              { class: 'about' },
              h('summary', {}, 'About'),
              p.description ? h('p', {}, p.description) : null,
              p.assumption ? h('p', {}, h('strong', {}, 'Assumption: '), p.assumption) : null,
              p.sources?.length ? h('ul', { class: 'sources' }, ...p.sources.map(sourceItem)) : null,
            )
          : null;
      const row = h(
        'div',
        { class: `param${values[name] !== p.default ? ' changed' : ''}`, 'data-param': name },
        h(
          'div',
          { class: 'param-head' },
          h('label', { for: `${id}-num` }, name),
          p.unit ? h('span', { class: 'unit' }, p.unit) : null,
          reset,
        ),
        h('div', { class: 'param-inputs' }, range ?? null, num),
        h('p', { class: 'note', id: `${id}-note` }, note),
        about,
      );
      paramRows.set(name, { row, ...(range ? { range } : {}), num });
      return row;
    }),
  );
  const resetAll = h('button', { type: 'button', id: 'reset-all' }, 'Reset all');
  resetAll.addEventListener('click', () => {
    for (const [n, p] of params) {
      values[n] = p.default;
      const r = paramRows.get(n);
      if (r) {
        if (r.range) r.range.value = String(p.default);
        r.num.value = formatInputValue(p.default);
        r.row.classList.remove('changed');
      }
    }
    onInputsChanged();
  });

  // --- Run controls ---
  const trialsInput = h('input', { type: 'number', id: 'trials', min: 1, max: MAX_TRIALS, step: 1, value: trials, inputmode: 'numeric' });
  const seedInput = h('input', { type: 'number', id: 'seed', min: 0, max: MAX_SEED, step: 1, value: seed, inputmode: 'numeric' });
  const runButton = h('button', { type: 'button', id: 'run', class: 'primary' }, 'Run');
  const cancelButton = h('button', { type: 'button', id: 'cancel', disabled: true }, 'Cancel');
  const progress = h('progress', { id: 'progress', max: 1, value: 0, 'aria-label': 'Run progress' });
  const runStatus = h('p', { id: 'run-status', role: 'status', 'aria-live': 'polite' });
  const readWhole = (input: HTMLInputElement, min: number, max: number, fallback: number) => {
    const v = Number(input.value);
    if (Number.isInteger(v) && v >= min && v <= max) return v;
    input.value = String(fallback);
    return fallback;
  };
  trialsInput.addEventListener('change', () => {
    trials = readWhole(trialsInput, 1, MAX_TRIALS, trials);
    onInputsChanged(false);
  });
  seedInput.addEventListener('change', () => {
    seed = readWhole(seedInput, 0, MAX_SEED, seed);
    onInputsChanged(false);
  });

  const run = () => {
    if (running) return;
    trials = readWhole(trialsInput, 1, MAX_TRIALS, trials);
    seed = readWhole(seedInput, 0, MAX_SEED, seed);
    updateAddress();
    const overrides = effectiveOverrides(values, defaults);
    runButton.disabled = true;
    cancelButton.disabled = false;
    progress.value = 0;
    runStatus.textContent = `Running ${formatCount(trials)} trials…`;
    let frame = 0;
    let latest = 0;
    running = runMonteCarlo({
      scenario,
      overrides,
      seed,
      trials,
      onProgress: (done, total) => {
        latest = done / total;
        if (frame === 0) {
          frame = requestAnimationFrame(() => {
            frame = 0;
            progress.value = latest;
            runStatus.textContent = `Running: ${formatCount(latest * trials)} of ${formatCount(trials)} trials…`;
          });
        }
      },
      onWarnings: (warnings) => {
        runStatus.textContent = warnings.map((w) => w.message).join('; ');
      },
    });
    running.result
      .then((result) => {
        lastRun = { result, hash: formatHash(currentState({ run: true, receipt: result.receipt.outputHash })) };
        progress.value = 1;
        const t = result.timing;
        runStatus.textContent = `Done: ${formatCount(result.trials)} trials in ${formatDuration(t.seconds)} on ${t.workers} worker${t.workers === 1 ? '' : 's'}.`;
        renderResults();
      })
      .catch((error: unknown) => {
        progress.value = 0;
        if (error instanceof CancelledError) runStatus.textContent = 'Cancelled.';
        else
          replace(
            runStatus,
            h('strong', {}, 'The run failed: '),
            issueList(error instanceof EngineError ? error.issues : [], (error as Error).message),
          );
      })
      .finally(() => {
        cancelAnimationFrame(frame);
        frame = 0;
        running = undefined;
        runButton.disabled = false;
        cancelButton.disabled = true;
      });
  };
  runButton.addEventListener('click', run);
  cancelButton.addEventListener('click', () => running?.cancel());

  // --- Results ---
  const results = h('div', { id: 'results' });
  const stale = () => {
    if (!lastRun) return false;
    const r = lastRun.result;
    return r.seed !== seed || r.trials !== trials || JSON.stringify(r.overrides) !== JSON.stringify(effectiveOverrides(values, defaults));
  };

  function metricsTable(r: RunResult | undefined, x: ExactResult | undefined): HTMLTableElement {
    const base = r && baseline !== r ? baseline : undefined;
    const compared = r !== undefined && base !== undefined;
    const diffs =
      r && base
        ? compareMetrics(r.metrics as Record<string, MetricView>, r.trials, base.metrics as Record<string, MetricView>, base.trials)
        : {};
    const head = [
      'metric',
      'Monte Carlo (95% CI)',
      'p5',
      'median',
      'p95',
      'exact',
      ...(compared ? ['Δ vs baseline (95% CI)'] : []),
      'note',
    ];
    const rows = metricOrder.map((name) => {
      const m = r?.metrics[name];
      const e = x?.metrics[name];
      const cell = (text: string, value?: number, key?: string) =>
        h('td', { class: 'num', 'data-value': value === undefined ? undefined : String(value), 'data-key': key }, text);
      const est = m
        ? m.probability
          ? cell(`${formatPercent(m.probability.p)} ${formatPercentInterval(m.probability.ci95)}`, m.probability.p, 'p')
          : cell(`${formatNumber(m.mean)} ± ${formatNumber(m.ci95[1] - m.mean)}`, m.mean, 'mean')
        : cell('');
      const q = (k: 'p5' | 'p50' | 'p95') => (m && !m.probability ? cell(formatNumber(m.quantiles[k]), m.quantiles[k], k) : cell(''));
      const ex = e
        ? e.probability !== undefined
          ? cell(formatPercent(e.probability), e.probability, 'exact')
          : cell(formatNumber(e.mean), e.mean, 'exact')
        : cell(x?.unavailable[name] ? '—' : '');
      const note = [
        m?.censored ? `${formatPercent(m.censored)} censored at ${formatNumber(scenario.time.horizon)}` : '',
        scenario.metrics[name]?.unit ?? '',
      ]
        .filter(Boolean)
        .join(', ');
      return h(
        'tr',
        { 'data-metric': name },
        h('th', { scope: 'row', title: scenario.metrics[name]?.description ?? '' }, name),
        est,
        q('p5'),
        q('p50'),
        q('p95'),
        ex,
        compared
          ? (() => {
              const d = diffs[name];
              if (!d) return cell('');
              const td = cell(formatDifference(d, m?.probability !== undefined), d.diff, 'diff');
              if (d.clear) td.classList.add('clear-diff');
              return td;
            })()
          : null,
        h('td', {}, note),
      );
    });
    return h(
      'table',
      { class: 'data metrics', id: 'metrics-table' },
      h('caption', {}, r ? `Metrics: ${formatCount(r.trials)} trials, seed ${r.seed}` : 'Metrics'),
      h('thead', {}, h('tr', {}, ...head.map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, ...rows),
    );
  }

  /** What the pinned baseline was, with a way to unpin it. */
  function baselineNote(b: RunResult): HTMLElement {
    const clear = h('button', { type: 'button', id: 'clear-baseline' }, 'Unpin');
    clear.addEventListener('click', () => {
      baseline = undefined;
      renderResults();
    });
    const overrides = Object.entries(b.overrides).map(([k, v]) => `${k}=${v}`);
    return h(
      'p',
      { class: 'baseline-note' },
      `Compared with the baseline: ${formatCount(b.trials)} trials, seed ${b.seed}, ${overrides.length ? overrides.join(', ') : 'defaults'} (receipt ${b.receipt.outputHash.slice(0, 12)}). Differences in bold have 95% intervals that exclude 0; the intervals treat the runs as independent, so with the same seed they are conservative. `,
      clear,
    );
  }

  let renderGeneration = 0;
  function renderResults(): void {
    for (const c of charts) c.destroy();
    charts = [];
    const generation = ++renderGeneration;
    const r = lastRun?.result;
    const x = exact?.result;
    const parts: (HTMLElement | null)[] = [];
    if (r) {
      const matchesLink = expected === undefined ? null : r.receipt.outputHash.startsWith(expected) ? 'yes' : 'no';
      const permalink = new URL(lastRun?.hash ?? '', location.href).href;
      const copy = h('button', { type: 'button', id: 'copy-link' }, 'Copy permalink');
      copy.addEventListener('click', () => {
        void navigator.clipboard?.writeText(permalink).then(
          () => (copy.textContent = 'Link copied'),
          () => (copy.textContent = 'Copy failed: use the link'),
        );
      });
      const json = h('button', { type: 'button', id: 'download-json' }, 'Download JSON');
      json.addEventListener('click', () =>
        download(downloadName(item.id, r.seed, r.trials, r.receipt.outputHash, 'json'), runJson(r), 'application/json'),
      );
      const pin = h(
        'button',
        { type: 'button', id: 'pin-baseline', disabled: baseline === r },
        baseline === r ? 'Pinned as baseline' : 'Pin as baseline',
      );
      pin.addEventListener('click', () => {
        baseline = r;
        renderResults();
      });
      const csv = h('button', { type: 'button', id: 'download-csv' }, 'Download CSV');
      csv.addEventListener('click', () =>
        download(downloadName(item.id, r.seed, r.trials, r.receipt.outputHash, 'csv'), formatCsv(r), 'text/csv'),
      );
      parts.push(
        h(
          'div',
          { class: 'receipt', id: 'receipt' },
          h(
            'p',
            {},
            `${formatCount(r.trials)} trials · seed ${r.seed} · ${Object.keys(r.overrides).length} override${Object.keys(r.overrides).length === 1 ? '' : 's'} · engine ${r.engine.version} · receipt `,
            h(
              'code',
              { id: 'output-hash', title: 'SHA-256 of the results: the same inputs give the same hash everywhere' },
              r.receipt.outputHash,
            ),
          ),
          matchesLink === 'yes'
            ? h('p', { class: 'ok', id: 'receipt-check' }, '✓ Reproduces the shared result exactly (same receipt).')
            : matchesLink === 'no'
              ? h(
                  'p',
                  { class: 'bad', id: 'receipt-check' },
                  `✗ Differs from the shared receipt ${expected}: the engine or the scenario changed.`,
                )
              : null,
          stale() ? h('p', { class: 'warn' }, 'The inputs changed since this run: press Run to update the Monte Carlo numbers.') : null,
          h(
            'p',
            { class: 'actions' },
            edited ? null : h('a', { href: permalink, id: 'permalink' }, 'Permalink'),
            ' ',
            edited ? null : copy,
            ' ',
            json,
            ' ',
            csv,
            ' ',
            pin,
          ),
          baseline && baseline !== r ? baselineNote(baseline) : null,
        ),
      );
    }
    parts.push(h('div', { class: 'metrics-wrap' }, metricsTable(r, x)));
    const bars = outcomeBars(
      r?.metrics as Record<string, MetricView> | undefined,
      x?.metrics,
      metricOrder,
      baseline && baseline !== r ? (baseline.metrics as Record<string, MetricView>) : undefined,
    );
    const chartBox = h('div', { class: 'charts' });
    if (bars.length) {
      const c = outcomeChart(bars, outcomeSummary(bars), r?.trials);
      charts.push(c);
      chartBox.append(c.figure);
    }
    // Tracks: the live exact answer when there is one, else the last run.
    const trackSource = x
      ? { tracks: x.tracks, label: 'exact' }
      : r
        ? { tracks: r.tracks, label: `Monte Carlo, ${formatCount(r.trials)} trials` }
        : undefined;
    if (trackSource) {
      const names = Object.keys(trackSource.tracks);
      if (!names.includes(selectedTrack)) selectedTrack = names[0] ?? '';
      const select = h('select', { id: 'track-select' }, ...names.map((n) => h('option', { value: n, selected: n === selectedTrack }, n)));
      select.addEventListener('change', () => {
        selectedTrack = select.value;
        renderResults();
      });
      chartBox.append(h('p', { class: 'picker' }, h('label', { for: 'track-select' }, 'Track '), select));
      const t = trackSource.tracks[selectedTrack];
      if (t) {
        const sum = trackSummary(selectedTrack, t, scenario.time.horizon, unit);
        const occ = occupancyChart(selectedTrack, t, scenario.time.dt, unit, trackSource.label, sum);
        const fp = firstPassageChart(
          selectedTrack,
          t,
          scenario.time.dt,
          unit,
          trackSource.label,
          `First passage in track ${selectedTrack}. ${sum}`,
        );
        charts.push(occ, fp);
        chartBox.append(occ.figure, fp.figure);
      }
    }
    if (r) {
      const names = histogramMetrics(r.metrics as Record<string, MetricView>);
      if (names.length) {
        if (selectedMetric === undefined || !names.includes(selectedMetric)) selectedMetric = names[0] as string;
        const select = h(
          'select',
          { id: 'metric-select' },
          ...names.map((n) => h('option', { value: n, selected: n === selectedMetric }, n)),
        );
        select.addEventListener('change', () => {
          selectedMetric = select.value;
          renderResults();
        });
        const m = r.metrics[selectedMetric] as MetricView;
        const hist = histogramChart(selectedMetric, m, histogramSummary(selectedMetric, m));
        charts.push(hist);
        chartBox.append(h('p', { class: 'picker' }, h('label', { for: 'metric-select' }, 'Metric '), select), hist.figure);
      }
    }
    parts.push(chartBox);
    if (!r && !x)
      parts.push(
        h('p', { class: 'muted' }, exactError ? 'Press Run to estimate the outcomes by Monte Carlo.' : 'Computing the exact answer…'),
      );
    replace(results, ...parts);
    // One chart per task, so no single task holds the main thread for long.
    const queue = [...charts];
    const drawNext = () => {
      if (generation !== renderGeneration) return;
      queue.shift()?.draw();
      if (queue.length) setTimeout(drawNext, 0);
    };
    setTimeout(drawNext, 0);
  }

  let addressTimer: ReturnType<typeof setTimeout> | undefined;
  function onInputsChanged(parametersChanged = true): void {
    clearTimeout(addressTimer);
    addressTimer = setTimeout(updateAddress, 150);
    if (parametersChanged) requestExact();
    else if (lastRun) renderResults();
  }

  // --- Sensitivity: which assumptions move a metric ---
  const sensMetric = h(
    'select',
    { id: 'sens-metric' },
    ...metricOrder.map((m) => h('option', { value: m, selected: m === (metricOrder.find((n) => /war/.test(n)) ?? metricOrder[0]) }, m)),
  );
  const sensMethod = h(
    'select',
    { id: 'sens-method' },
    h('option', { value: 'tornado' }, 'Tornado (each parameter at its range ends)'),
    h('option', { value: 'sobol' }, "Sobol' indices (variance shares, with interactions)"),
  );
  const sensTrials = h('input', { type: 'number', id: 'sens-trials', min: 50, max: 100_000, step: 50, value: 300 });
  const sensSamples = h('input', { type: 'number', id: 'sens-samples', min: 8, max: 1024, step: 8, value: 32 });
  const sensRun = h('button', { type: 'button', id: 'sens-run' }, 'Analyse');
  const sensCancel = h('button', { type: 'button', id: 'sens-cancel', disabled: true }, 'Cancel');
  const sensProgress = h('progress', { id: 'sens-progress', max: 1, value: 0, 'aria-label': 'Sensitivity progress' });
  const sensStatus = h('p', { id: 'sens-status', role: 'status', 'aria-live': 'polite' });
  const sensOut = h('div', { class: 'charts', id: 'sens-out' });
  let sensRunning: SensitivityHandle | undefined;
  let sensChart: ChartFigure | undefined;
  sensRun.addEventListener('click', () => {
    if (sensRunning) return;
    const method = sensMethod.value as 'tornado' | 'sobol';
    const metric = sensMetric.value;
    const trialsPerPoint = readWhole(sensTrials, 50, 100_000, 300);
    const samples = 2 ** Math.round(Math.log2(readWhole(sensSamples, 8, 1024, 32)));
    sensSamples.value = String(samples);
    sensRun.disabled = true;
    sensCancel.disabled = false;
    sensProgress.value = 0;
    sensStatus.textContent = 'Analysing…';
    sensRunning = runSensitivity(
      { scenario, overrides: effectiveOverrides(values, defaults), method, metric, trials: trialsPerPoint, samples, seed },
      (done, total) => {
        sensProgress.value = done / total;
        sensStatus.textContent = `Analysing: ${formatCount(done)} of ${formatCount(total)} points…`;
      },
    );
    sensRunning.result
      .then((r) => {
        const m = r.metrics[0];
        sensChart?.destroy();
        sensChart = undefined;
        if (!m) return;
        sensChart =
          method === 'tornado'
            ? tornadoChart(metric, m.base, m.tornado ?? [], tornadoSummary(metric, m.base, m.tornado ?? []))
            : sobolChart(metric, m.sobol ?? [], sobolSummary(metric, m.sobol ?? []));
        replace(sensOut, sensChart.figure, ...m.warnings.map((w) => h('p', { class: 'warn' }, w)));
        sensChart.draw();
        sensProgress.value = 1;
        sensStatus.textContent = `Done: ${formatCount(r.modelRuns)} points of ${formatCount(r.trials)} trials each, seed ${r.seed}.`;
      })
      .catch((error: unknown) => {
        sensProgress.value = 0;
        if (error instanceof CancelledError) sensStatus.textContent = 'Cancelled.';
        else
          replace(
            sensStatus,
            h('strong', {}, 'The analysis failed: '),
            issueList(error instanceof EngineError ? error.issues : [], (error as Error).message),
          );
      })
      .finally(() => {
        sensRunning = undefined;
        sensRun.disabled = false;
        sensCancel.disabled = true;
      });
  });
  sensCancel.addEventListener('click', () => sensRunning?.cancel());
  const sensitivitySection = h(
    'section',
    { class: 'sensitivity', 'aria-labelledby': 'sens-title' },
    h('h2', { id: 'sens-title' }, 'Which assumptions matter?'),
    h(
      'div',
      { class: 'run-panel' },
      h('div', { class: 'field' }, h('label', { for: 'sens-metric' }, 'Metric'), sensMetric),
      h('div', { class: 'field' }, h('label', { for: 'sens-method' }, 'Method'), sensMethod),
      h('div', { class: 'field' }, h('label', { for: 'sens-trials' }, 'Trials per point'), sensTrials),
      h('div', { class: 'field' }, h('label', { for: 'sens-samples' }, "Sobol' samples"), sensSamples),
      h('div', { class: 'buttons' }, sensRun, sensCancel),
      sensProgress,
    ),
    sensStatus,
    sensOut,
  );

  // --- Layout ---
  const backToEditor = edited ? h('button', { type: 'button', id: 'back-to-editor' }, '← Back to the editor') : null;
  backToEditor?.addEventListener('click', () => edited?.back());
  const description = scenario.description?.trim();
  replace(
    root,
    h(
      'article',
      { class: 'scenario-screen', 'aria-labelledby': 'scenario-title' },
      h(
        'p',
        { class: 'crumbs' },
        h('a', { href: '#/', id: 'back' }, '← Library'),
        ' ',
        backToEditor ?? h('a', { href: formatHash({ screen: 'editor', id: item.id }), id: 'edit-link' }, 'Edit the YAML'),
      ),
      edited
        ? h(
            'p',
            { class: 'edited-banner' },
            'An edited scenario, not in the library: its permalink cannot reproduce it. Download the YAML from the editor and the results here to share them.',
          )
        : null,
      h('h1', { id: 'scenario-title', tabindex: -1 }, scenario.title ?? scenario.id),
      item.question ? h('p', { class: 'question' }, item.question) : null,
      h(
        'details',
        { class: 'about-scenario' },
        h('summary', {}, 'Description and sources'),
        description ? h('p', {}, description) : null,
        scenario.sources?.length ? h('ul', { class: 'sources' }, ...scenario.sources.map(sourceItem)) : null,
        h(
          'p',
          { class: 'muted' },
          `${item.file} · ${Object.keys(scenario.tracks).length} tracks · horizon ${formatNumber(scenario.time.horizon)} ${unit}s in steps of ${formatNumber(scenario.time.dt)}`,
        ),
      ),
      h(
        'div',
        { class: 'layout' },
        h(
          'aside',
          { class: 'params', 'aria-labelledby': 'params-title' },
          h('div', { class: 'params-head' }, h('h2', { id: 'params-title' }, `Assumptions (${params.length})`), resetAll),
          paramPanel,
        ),
        h(
          'section',
          { class: 'main', 'aria-label': 'Run and results' },
          h(
            'div',
            { class: 'run-panel' },
            h('div', { class: 'field' }, h('label', { for: 'trials' }, 'Trials'), trialsInput),
            h('div', { class: 'field' }, h('label', { for: 'seed' }, 'Seed'), seedInput),
            h('div', { class: 'buttons' }, runButton, cancelButton),
            progress,
          ),
          runStatus,
          item.notExact.length
            ? h('p', { class: 'exact-status muted', id: 'exact-status' }, `No live exact preview: ${item.notExact[0]}`)
            : exactStatus,
          results,
          sensitivitySection,
        ),
      ),
    ),
  );
  renderResults();
  requestExact();
  if (initial.run) run();

  return {
    destroy() {
      preview.close();
      clearTimeout(addressTimer);
      running?.cancel();
      sensRunning?.cancel();
      sensChart?.destroy();
      for (const c of charts) c.destroy();
    },
  };
}
