/**
 * The band across what we do not know: after each run, the scenario's parameter draws from their
 * priors (the panel's moved sliders fixed) in the workers; per metric the overall answer with the
 * 5–95% band as the headline, sampling error as a labelled aside, and the drivers of the band.
 */
import type { BandDriver, MetricBand, UncertaintyResult } from '@georisk/engine';
import { PAGE_BAND_DRAWS, PAGE_TRIALS_PER_DRAW } from '../band-settings.ts';
import { h, replace } from '../dom.ts';
import { type BandHandle, CancelledError, runBand } from '../engine-client.ts';
import { formatNumber, formatPercent } from '../format.ts';
import { currentOverrides, type ScreenState } from './screen-state.ts';

/** The band section, started after each run and stopped with the screen. */
export interface BandHeadline {
  element: HTMLElement;
  start(): void;
  destroy(): void;
}

/** "18%" or "12.4" for a metric's value. */
function value(band: MetricBand, x: number): string {
  return band.probability ? formatPercent(x) : formatNumber(x);
}

/** "± 0.3 pts" (probabilities) or "± 1.2" (other metrics): the 95% sampling error of the overall answer. */
function samplingError(band: MetricBand): string {
  const half = 1.96 * band.overall.se;
  return band.probability ? `± ${twoDigits(half * 100)} pts` : `± ${twoDigits(half)}`;
}

/** An error to two significant digits: more would claim precision the error does not have. */
function twoDigits(x: number): string {
  return formatNumber(Number(x.toPrecision(2)));
}

/** One metric's headline line: the answer, then its band across our assumptions. */
function headline(name: string, label: string, band: MetricBand, lead = false): HTMLElement {
  const data = {
    'data-metric': name,
    'data-mean': band.overall.mean,
    'data-se': band.overall.se,
    'data-p5': band.band.p5,
    'data-p95': band.band.p95,
  };
  return h(
    'p',
    { class: lead ? 'band-line band-lead' : 'band-line', ...data },
    h('strong', {}, `${label}: ${value(band, band.overall.mean)}`),
    ` (${value(band, band.band.p5)}–${value(band, band.band.p95)} across our assumptions)`,
    h(
      'span',
      { class: 'band-se', title: 'Monte Carlo error of the overall answer (95%): what more trials would shrink' },
      ` ${samplingError(band)} sampling error`,
    ),
  );
}

/** The drivers whose share of the band clears twice its error, as bars with ±2·se whiskers. */
function driversChart(drivers: readonly BandDriver[]): HTMLElement {
  const shown = drivers.filter((d) => d.s1 > 2 * d.se);
  if (shown.length === 0) return h('p', { class: 'muted' }, 'No single parameter drives the band beyond its error.');
  const scale = Math.max(...shown.map((d) => d.s1 + 2 * d.se), 0.01);
  const pct = (x: number) => `${Math.max(0, Math.min(100, (x / scale) * 100)).toFixed(1)}%`;
  return h(
    'figure',
    { class: 'band-drivers', 'aria-label': 'What drives the band: share of its variance per parameter, with ±2 standard errors' },
    h('figcaption', {}, 'What drives the band (share of its variance, ±2 SE)'),
    ...shown.map((d) =>
      h(
        'div',
        { class: 'driver-row' },
        h('span', { class: 'driver-name' }, d.name),
        h(
          'span',
          { class: 'driver-track' },
          h('span', { class: 'driver-bar', style: `width: ${pct(d.s1)}` }),
          h('span', { class: 'driver-whisker', style: `left: ${pct(d.s1 - 2 * d.se)}; width: ${pct(4 * d.se)}` }),
        ),
        h('span', { class: 'driver-value' }, `${formatPercent(d.s1)} ± ${twoDigits(2 * d.se * 100)}`),
      ),
    ),
  );
}

/** Which parameters are in the band and which the panel fixed. */
function parametersNote(result: UncertaintyResult): HTMLElement {
  const fixed = Object.keys(result.fixed);
  return h(
    'div',
    { class: 'muted band-params' },
    h(
      'p',
      {},
      fixed.length > 0
        ? `Fixed by the panel, so not in the band: ${fixed.join(', ')} (reset a slider to let it vary again).`
        : 'Move a slider to fix a parameter and take it out of the band.',
    ),
    h(
      'details',
      {},
      h('summary', {}, `Still uncertain: ${result.uncertain.length} parameters`),
      h('p', {}, `Still uncertain (${result.uncertain.length}): ${result.uncertain.map((p) => p.name).join(', ')}.`),
    ),
  );
}

/** The drivers chart with a choice of metric. */
function driversPicker(result: UncertaintyResult, names: string[]): HTMLElement[] {
  const [first] = names;
  if (first === undefined) return [];
  const select = h(
    'select',
    { id: 'band-metric', 'aria-label': 'Metric whose band drivers are shown' },
    ...names.map((m) => h('option', { value: m }, m)),
  );
  const box = h('div', {}, driversChart((result.metrics[first] as MetricBand).drivers));
  select.addEventListener('change', () => replace(box, driversChart(result.metrics[select.value]?.drivers ?? [])));
  return [h('p', { class: 'band-pick' }, h('label', { for: 'band-metric' }, 'Drivers of the band of '), select), box];
}

/** The section's content for a finished band. */
function bandView(state: ScreenState, result: UncertaintyResult): HTMLElement[] {
  const names = state.metricOrder.filter((m) => result.metrics[m] !== undefined);
  const [lead, ...rest] = names;
  const line = (m: string, isLead = false) => headline(m, m, result.metrics[m] as MetricBand, isLead);
  return [
    h('h2', {}, 'Across our assumptions'),
    ...(lead === undefined ? [] : [line(lead, true)]),
    ...(rest.length > 0
      ? [h('details', { class: 'band-rest' }, h('summary', {}, `The other ${rest.length} metrics`), ...rest.map((m) => line(m)))]
      : []),
    h(
      'p',
      { class: 'muted' },
      `${result.draws} draws of the uncertain parameters from their priors${result.method === 'exact' ? ', each solved exactly' : `, ${formatNumber(result.trialsPerDraw)} trials each`}; the sampling error is Monte Carlo error of the answer (95%), not our uncertainty.`,
    ),
    ...driversPicker(result, names),
    parametersNote(result),
  ];
}

/** Renders the band section (empty until the first run). */
export function bandHeadline(state: ScreenState): BandHeadline {
  const element = h('section', { id: 'band', class: 'band', 'aria-label': 'Across our assumptions', 'aria-live': 'polite' });
  let running: BandHandle | undefined;
  const start = () => {
    running?.cancel();
    const overrides = currentOverrides(state);
    replace(element, h('p', { class: 'muted' }, 'Computing the band across our assumptions…'));
    const handle = runBand({
      scenario: state.scenario,
      overrides,
      seed: state.seed,
      draws: PAGE_BAND_DRAWS,
      trialsPerDraw: PAGE_TRIALS_PER_DRAW,
    });
    running = handle;
    const started = performance.now();
    handle.result
      .then((result) => {
        element.dataset.seconds = String((performance.now() - started) / 1000);
        element.dataset.seed = String(state.seed);
        replace(element, ...bandView(state, result));
      })
      .catch((error: unknown) => {
        if (error instanceof CancelledError) return;
        replace(element, h('p', { class: 'muted' }, `No band: ${(error as Error).message}`));
      });
  };
  return { element, start, destroy: () => running?.cancel() };
}
