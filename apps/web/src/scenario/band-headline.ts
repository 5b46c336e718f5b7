/**
 * The band across what we do not know: after each run, the scenario's parameter draws from their
 * priors (the panel's moved sliders fixed) in the workers; per metric the overall answer with the
 * 5–95% band as the headline, sampling error as a labelled aside, and the drivers of the band.
 */
import { type BandDriver, clearDrivers, type MetricBand, type Parameter, type UncertaintyResult } from '@georisk/engine';
import { PAGE_TRIALS_PER_DRAW } from '../band-settings.ts';
import { bandVsRunOpening, bandWords, declaredPriors, driverWords, headlineValue, withinSamplingError } from '../band-words.ts';
import { displayLabel } from '../display-label.ts';
import { h, replace } from '../dom.ts';
import { type BandHandle, CancelledError, runBand } from '../engine-client.ts';
import { formatInputValue, formatNumber } from '../format.ts';
import { currentOverrides, type ScreenState } from './screen-state.ts';

/** The band section, started after each run and stopped with the screen. */
export interface BandHeadline {
  element: HTMLElement;
  start(): void;
  /** Marks the band shown as the last run's, not the values set now, until Run computes it again. */
  inputsChanged(): void;
  destroy(): void;
}

/** The words a page shows for metric `name`. */
function metricWords(state: ScreenState, name: string): string {
  return displayLabel(name, state.scenario.metrics[name]);
}

/** The words a page shows for parameter `name`. */
function parameterWords(state: ScreenState, name: string): string {
  return displayLabel(name, state.scenario.parameters[name]);
}

/** One metric's headline line: the answer, then its band across our assumptions, then the sampling error aside. */
function headline(state: ScreenState, name: string, band: MetricBand, lead = false): HTMLElement {
  const data = {
    'data-metric': name,
    'data-mean': band.overall.mean,
    'data-se': band.overall.se,
    'data-p5': band.band.p5,
    'data-p95': band.band.p95,
  };
  const declared = state.scenario.metrics[name];
  const words = bandWords(metricWords(state, name), band, declared?.unit);
  // A time to a first event counts the runs with none by the horizon at the horizon: its average says so.
  const censored = !band.probability && /\bfirst\s*\(/.test(String(declared?.expr ?? ''));
  return h(
    'p',
    { class: lead ? 'band-line band-lead' : 'band-line', title: name, ...data },
    h(
      'span',
      { class: 'band-main' },
      h('strong', {}, words.answer),
      ` ${words.band}`,
      censored ? h('span', { class: 'band-censored' }, ' (runs with none by the horizon count at it)') : null,
    ),
    ' ',
    h(
      'span',
      { class: 'band-se', title: 'Monte Carlo error of the overall answer (95%): what more trials would shrink, not our uncertainty' },
      words.sampling,
    ),
  );
}

/** The drivers clear of noise among all the parameters ranked (`clearDrivers`), as bars with ±2·se whiskers. */
function driversChart(state: ScreenState, drivers: readonly BandDriver[]): HTMLElement {
  const shown = clearDrivers(drivers);
  if (shown.length === 0) return h('p', { class: 'muted' }, 'No single parameter drives the band beyond its error.');
  // A share of variance on its own scale, 0 to 100% of the track (scaled to the largest bar, a share
  // of 45% filled most of the track, and nothing on the page said so).
  const pct = (x: number) => `${Math.max(0, Math.min(100, x * 100)).toFixed(1)}%`;
  return h(
    'figure',
    { class: 'band-drivers', 'aria-label': 'What drives the band: share of its variance per parameter, with ±2 standard errors' },
    h(
      'figcaption',
      {},
      "Share of the band's variance each parameter explains (± 2 standard errors, in percentage points; each track is 0 to 100%). ",
      h(
        'span',
        { class: 'muted' },
        `Shown: the ${shown.length} of ${drivers.length} parameters whose share stands clear of noise with all ${drivers.length} ranked at once (a parameter that does nothing shows in about 5% of bands).`,
      ),
    ),
    ...shown.map((d) =>
      h(
        'div',
        { class: 'driver-row', 'data-param': d.name },
        h('span', { class: 'driver-name', title: d.name }, parameterWords(state, d.name)),
        h(
          'span',
          { class: 'driver-track', 'aria-hidden': 'true' },
          h('span', { class: 'driver-bar', style: `width: ${pct(d.s1)}` }),
          h('span', { class: 'driver-whisker', style: `left: ${pct(d.s1 - 2 * d.se)}; width: ${pct(4 * d.se)}` }),
        ),
        h('span', { class: 'driver-value' }, driverWords(d.s1, d.se)),
      ),
    ),
  );
}

/** A parameter's value with its unit: "0.85 probability", "3.5 deaths/hour". */
function valueWithUnit(state: ScreenState, name: string, value: number): string {
  const unit = state.scenario.parameters[name]?.unit;
  return `${formatInputValue(value)}${unit ? ` ${unit}` : ''}`;
}

/**
 * Whether a parameter has a prior, so letting it go puts it back in the band (the engine's
 * `parameterPrior`, read here without pulling the engine into the page's main bundle).
 */
function hasPrior(p: Parameter | undefined): boolean {
  if (p === undefined || p.provenance?.kind === 'setting') return false;
  if (p.uncertainty !== undefined) return true;
  return p.range !== undefined && p.range[0] < p.range[1] && p.default >= p.range[0] && p.default <= p.range[1];
}

/** One fixed parameter: its label and value, and the control that puts it back in the band. */
function fixedItem(state: ScreenState, name: string, value: number, letVary: (name: string) => void): HTMLElement {
  const declared = state.scenario.parameters[name];
  const button = h(
    'button',
    { type: 'button', class: 'let-vary', 'data-param': name },
    hasPrior(declared) ? 'let it vary again' : `reset to ${formatInputValue(declared?.default ?? value)}`,
  );
  button.addEventListener('click', () => letVary(name));
  return h(
    'li',
    { 'data-param': name },
    h('span', { title: name }, parameterWords(state, name)),
    ` = ${valueWithUnit(state, name, value)} `,
    button,
  );
}

/** Which parameters are still uncertain, which are fixed (with "let it vary again"), and which are held as settings. */
function parametersNote(state: ScreenState, result: UncertaintyResult, letVary: (name: string) => void): HTMLElement {
  const fixed = Object.entries(result.fixed);
  const uncertain = new Set(result.uncertain.map((p) => p.name));
  const held = state.params.map(([n]) => n).filter((n) => !uncertain.has(n) && !Object.hasOwn(result.fixed, n));
  const names = (list: string[]) => list.map((n) => parameterWords(state, n)).join(', ');
  return h(
    'div',
    { class: 'band-params' },
    fixed.length > 0
      ? h(
          'div',
          { class: 'band-fixed' },
          h('p', {}, `Fixed at the values you set (a slider or the link), so not in the band (${fixed.length}):`),
          h('ul', {}, ...fixed.map(([n, v]) => fixedItem(state, n, v, letVary))),
        )
      : h(
          'p',
          { class: 'muted' },
          'Nothing is fixed: move a slider (or open a link that sets a value) to fix a parameter and take it out of the band.',
        ),
    h(
      'details',
      { class: 'band-uncertain' },
      h(
        'summary',
        {},
        `Still uncertain: ${uncertain.size} parameters, drawn from their priors (${declaredPriors(result)} declared, ${uncertain.size - declaredPriors(result)} by default over their range)`,
      ),
      h('p', {}, `${names([...uncertain])}.`),
    ),
    held.length > 0
      ? h(
          'details',
          { class: 'band-held' },
          h('summary', {}, `Held at their values: ${held.length} settings without a prior`),
          h('p', {}, `${names(held)}.`),
        )
      : null,
  );
}

/** The drivers chart with a choice of metric. */
function driversPicker(state: ScreenState, result: UncertaintyResult, names: string[]): HTMLElement[] {
  const [first] = names;
  if (first === undefined) return [];
  const select = h(
    'select',
    { id: 'band-metric', 'aria-label': 'Metric whose band drivers are shown' },
    ...names.map((m) => h('option', { value: m }, metricWords(state, m))),
  );
  const box = h('div', {}, driversChart(state, (result.metrics[first] as MetricBand).drivers));
  select.addEventListener('change', () => replace(box, driversChart(state, result.metrics[select.value]?.drivers ?? [])));
  return [h('p', { class: 'band-pick' }, h('label', { for: 'band-metric' }, 'What drives the band of '), select), box];
}

/**
 * Why the band's answer and the run's table below differ, for the lead metric: the run draws only
 * the priors the scenario declares and holds the rest at their values; the band draws every prior,
 * the default ones over the ranges too. Null when the two draw the same parameters.
 */
function bandAgainstRun(state: ScreenState, result: UncertaintyResult, lead: string): HTMLElement | null {
  const declared = declaredPriors(result);
  const byDefault = result.uncertain.length - declared;
  const run = state.lastRun?.result.metrics[lead];
  const band = result.metrics[lead];
  if (byDefault === 0 || run === undefined || band === undefined) return null;
  const unit = state.scenario.metrics[lead]?.unit;
  const runMean = run.probability?.p ?? run.mean;
  const runValue = headlineValue(runMean, band.probability, unit);
  const bandValue = headlineValue(band.overall.mean, band.probability, unit);
  const noise = withinSamplingError(runMean, run.se, band.overall.mean, band.overall.se);
  const drawn =
    declared === 0 ? 'draws no parameter' : `draws only the ${declared} parameter${declared === 1 ? '' : 's'} with a declared prior`;
  const why =
    `this run ${drawn} and holds the other ${byDefault} at their values. The band draws all ${result.uncertain.length}, ` +
    `those ${byDefault} from the default prior over their range (triangular, peaking at the value), so the two differ wherever ` +
    'an outcome bends with them.';
  return h(
    'p',
    { class: 'band-vs-run', 'data-declared': declared, 'data-default': byDefault, 'data-within-noise': String(noise) },
    h('strong', {}, bandVsRunOpening(runValue, bandValue, noise)),
    noise
      ? `${why} Here the two cannot be told apart: their difference is within the sampling error of both.`
      : `${why} The difference is what those assumptions are worth, not sampling error.`,
  );
}

/** The section's content for a finished band. */
function bandView(state: ScreenState, result: UncertaintyResult, letVary: (name: string) => void): HTMLElement[] {
  const names = state.metricOrder.filter((m) => result.metrics[m] !== undefined);
  const [lead, ...rest] = names;
  const line = (m: string, isLead = false) => headline(state, m, result.metrics[m] as MetricBand, isLead);
  return [
    h('h2', {}, 'Across our assumptions'),
    ...(lead === undefined ? [] : [line(lead, true)]),
    ...(lead === undefined ? [] : [bandAgainstRun(state, result, lead)].filter((e) => e !== null)),
    ...(rest.length > 0
      ? [h('details', { class: 'band-rest' }, h('summary', {}, `The other ${rest.length} outcomes`), ...rest.map((m) => line(m)))]
      : []),
    h(
      'p',
      { class: 'muted' },
      `The range is the 5–95% spread of the answer over ${result.draws} draws of the uncertain parameters from their priors${result.method === 'exact' ? ', each solved exactly' : `, ${formatNumber(result.trialsPerDraw)} trials each`}. "From sampling" is the Monte Carlo error of the answer (95%): more trials shrink it; they do not shrink the range.`,
    ),
    ...driversPicker(state, result, names),
    parametersNote(state, result, letVary),
  ];
}

/** Renders the band section (empty until the first run). */
export function bandHeadline(state: ScreenState, letVary: (name: string) => void): BandHeadline {
  const element = h('section', { id: 'band', class: 'band', 'aria-label': 'Across our assumptions', 'aria-live': 'polite' });
  let running: BandHandle | undefined;
  // The band depends on the scenario, the values set and the seed, never on the run's trials or
  // outcome: a run with the same inputs (more trials, or the same again to compare) keeps the band
  // shown, or the one on its way, instead of computing it again.
  let pending: string | undefined;
  let shown: { key: string; result: UncertaintyResult } | undefined;
  const keyNow = () => JSON.stringify([state.scenario, currentOverrides(state), state.seed, state.draws, PAGE_TRIALS_PER_DRAW]);
  const staleNote = h(
    'p',
    { class: 'band-stale-note' },
    'This band is for the inputs of the last run; press Run to compute it for the values set now.',
  );
  const inputsChanged = () => {
    // A band shown, or one still being computed, for inputs other than those set now.
    const stale = pending !== undefined ? keyNow() !== pending : shown !== undefined && keyNow() !== shown.key;
    element.classList.toggle('stale', stale);
    if (stale && !staleNote.isConnected) element.firstElementChild?.after(staleNote);
    else if (!stale) staleNote.remove();
  };
  const start = () => {
    const overrides = currentOverrides(state);
    const key = keyNow();
    element.classList.remove('stale');
    if (key === pending) return;
    if (key === shown?.key) {
      state.band = shown.result;
      // The same band; drawn again for the words that quote this run's own answer.
      replace(element, ...bandView(state, shown.result, letVary));
      return;
    }
    running?.cancel();
    state.band = undefined;
    shown = undefined;
    pending = key;
    // Its progress in draws, and a way to stop it: a band of 2,000 draws takes a minute or more.
    const progress = h('progress', { id: 'band-progress', max: state.draws, value: 0, 'aria-label': 'Band draws done' });
    const count = h('span', { id: 'band-count' }, `0 of ${formatNumber(state.draws)} draws`);
    const cancel = h('button', { type: 'button', id: 'band-cancel' }, 'Cancel the band');
    replace(
      element,
      h('p', { class: 'muted', id: 'band-computing' }, 'Computing the band across our assumptions… ', count),
      h('p', { class: 'band-progress' }, progress, ' ', cancel),
    );
    const handle = runBand(
      {
        scenario: state.scenario,
        overrides,
        seed: state.seed,
        draws: state.draws,
        trialsPerDraw: PAGE_TRIALS_PER_DRAW,
      },
      (done, total) => {
        progress.max = total;
        progress.value = done;
        count.textContent = `${formatNumber(done)} of ${formatNumber(total)} ${total === state.draws ? 'draws' : 'parts'}`;
      },
    );
    running = handle;
    cancel.addEventListener('click', () => {
      handle.cancel();
      pending = undefined;
      replace(element, h('p', { class: 'muted', id: 'band-cancelled' }, 'The band was cancelled; press Run to compute it again.'));
    });
    const started = performance.now();
    handle.result
      .then((result) => {
        pending = undefined;
        shown = { key, result };
        element.dataset.seconds = String((performance.now() - started) / 1000);
        element.dataset.seed = String(state.seed);
        state.band = result;
        replace(element, ...bandView(state, result, letVary));
      })
      .catch((error: unknown) => {
        if (error instanceof CancelledError) return;
        pending = undefined;
        replace(element, h('p', { class: 'muted' }, `No band: ${(error as Error).message}`));
      });
  };
  return { element, start, inputsChanged, destroy: () => running?.cancel() };
}
