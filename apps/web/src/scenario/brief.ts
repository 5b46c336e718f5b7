/**
 * A one-page brief of a run, for printing to PDF from the browser: the question, the answers across
 * our assumptions (when the band has been computed) and the run's estimates, the assumptions changed
 * from the scenario's defaults, where the parameters come from, the outcome chart, the receipt and the
 * permalink. Built on demand into its own section, which only print shows.
 */
import type { RunResult } from '@georisk/engine';
import { bandValue, headlineNumber, unitFor } from '../band-words.ts';
import { displayLabel } from '../display-label.ts';
import { h, replace } from '../dom.ts';
import { formatCount, formatInputValue, formatPercent } from '../format.ts';
import type { ScreenState } from './screen-state.ts';

/** A metric's estimate as the brief states it: a probability in %, a quantity as its median and 5–95% range (three significant digits). */
function estimate(m: RunResult['metrics'][string] | undefined, unit: string | undefined): string {
  if (!m) return '';
  if (m.probability) return formatPercent(m.probability.p);
  const { p5, p50, p95 } = m.quantiles;
  const u = unitFor(unit, p95);
  return `${headlineNumber(p50)} (${headlineNumber(p5)}–${headlineNumber(p95)}${u ? ` ${u}` : ''})`;
}

/** Counts of the parameters by where their values come from (sourced, derived, assumed, fitted, setting). */
function provenanceCounts(state: ScreenState): string {
  const counts = new Map<string, number>();
  for (const [, p] of state.params) {
    const kind = (p as { provenance?: { kind?: string } }).provenance?.kind ?? 'undeclared';
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  return [...counts].map(([kind, n]) => `${n} ${kind}`).join(', ');
}

/** The assumptions moved from their defaults, as "label: value (default d)". */
function changedAssumptions(state: ScreenState, r: RunResult): HTMLElement {
  const changed = Object.entries(r.overrides);
  if (changed.length === 0) return h('p', {}, 'Every assumption at the scenario’s default.');
  return h(
    'ul',
    {},
    ...changed.map(([name, v]) => {
      const p = state.scenario.parameters[name];
      return h('li', {}, `${displayLabel(name, p)}: ${formatInputValue(v)}${p ? ` (default ${formatInputValue(p.default)})` : ''}`);
    }),
  );
}

/** The answers as one table: per metric, the band across our assumptions (when computed) beside this run's estimate. */
function answersTable(state: ScreenState, r: RunResult): HTMLElement {
  const band = state.band;
  return h(
    'table',
    { class: 'brief-answers' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', {}, 'Outcome'),
        band ? h('th', {}, 'Across our assumptions: average (5–95% of draws)') : null,
        h('th', {}, 'This run: share, or median (5–95% of trials)'),
      ),
    ),
    h(
      'tbody',
      {},
      ...state.metricOrder.map((name) => {
        const declared = state.scenario.metrics[name];
        const across = band?.metrics[name];
        const value = across ? bandValue(across, declared?.unit) : undefined;
        return h(
          'tr',
          { 'data-metric': name },
          h('th', { scope: 'row' }, displayLabel(name, declared)),
          band ? h('td', {}, value ? h('strong', {}, value.answer) : '', value ? ` (${value.range})` : '—') : null,
          h('td', {}, estimate(r.metrics[name], declared?.unit)),
        );
      }),
    ),
  );
}

/** Fills `target` with the brief of run `r`, with the band across our assumptions when the page has computed it. */
export function fillBrief(target: HTMLElement, state: ScreenState, r: RunResult, permalink: string | undefined): void {
  const outcomes = document.querySelector<HTMLCanvasElement>('#chart-outcomes canvas');
  const image = outcomes ? outcomes.toDataURL('image/png') : undefined;
  const band = state.band;
  replace(
    target,
    h('h1', {}, state.scenario.title ?? state.scenario.id),
    state.item.question ? h('p', { class: 'brief-question' }, state.item.question) : null,
    h(
      'section',
      {},
      h('h2', {}, 'Answers'),
      h(
        'p',
        { class: 'brief-note' },
        `This run: ${formatCount(r.trials)} trials, seed ${r.seed}. `,
        band
          ? `Across our assumptions: ${formatCount(band.draws)} draws of the ${band.uncertain.length} uncertain parameters from their priors. `
          : 'The band across our assumptions was not computed yet. ',
        "A run's ranges are the spread of outcomes across its trials, not what we do not know.",
      ),
      answersTable(state, r),
    ),
    // The chart with the assumptions beside it: one page holds the answers of a scenario with thirty-odd metrics.
    h(
      'div',
      { class: 'brief-foot' },
      image ? h('img', { src: image, alt: 'Outcome probabilities of this run', class: 'brief-chart' }) : null,
      h(
        'section',
        {},
        h('h2', {}, 'Assumptions changed'),
        changedAssumptions(state, r),
        h('p', {}, `Where the ${state.params.length} parameters come from: ${provenanceCounts(state)}.`),
      ),
    ),
    h(
      'p',
      { class: 'brief-receipt' },
      `Engine ${r.engine.version} · receipt ${r.receipt.outputHash}`,
      permalink ? h('br') : null,
      permalink ? `Reproduce: ${permalink}` : null,
    ),
  );
}

/** Builds the brief of run `r` and opens the browser's print dialog (print to PDF). */
export function printBrief(state: ScreenState, r: RunResult, permalink: string | undefined): void {
  let target = document.getElementById('brief');
  if (!target) {
    target = h('section', { id: 'brief', class: 'brief', 'aria-hidden': 'true' });
    document.body.append(target);
  }
  fillBrief(target, state, r, permalink);
  window.print();
}
