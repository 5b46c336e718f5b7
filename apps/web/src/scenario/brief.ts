/**
 * A one-page brief of a run, for printing to PDF from the browser: the question, the answers across
 * our assumptions (when the band has been computed) and the run's estimates, the assumptions changed
 * from the scenario's defaults, where the parameters come from, the outcome chart, the receipt and the
 * permalink. Built on demand into its own section, which only print shows.
 */
import type { RunResult } from '@georisk/engine';
import { displayLabel } from '../display-label.ts';
import { h, replace } from '../dom.ts';
import { formatCount, formatInputValue, formatNumber, formatPercent } from '../format.ts';
import type { ScreenState } from './screen-state.ts';

/** A metric's estimate as the brief states it: a probability in %, a quantity as its median (p5–p95). */
function estimate(m: RunResult['metrics'][string] | undefined, unit: string | undefined): string {
  if (!m) return '';
  if (m.probability) return formatPercent(m.probability.p);
  const u = unit && unit !== 'probability' ? ` ${unit}` : '';
  return `median ${formatNumber(m.quantiles.p50)}${u} (5–95%: ${formatNumber(m.quantiles.p5)}–${formatNumber(m.quantiles.p95)})`;
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

/** Fills `target` with the brief of run `r`; the band's answers are copied from the page when it has them. */
export function fillBrief(target: HTMLElement, state: ScreenState, r: RunResult, permalink: string | undefined): void {
  const band = document.querySelectorAll<HTMLElement>('#band .band-line');
  const outcomes = document.querySelector<HTMLCanvasElement>('#chart-outcomes canvas');
  const image = outcomes ? outcomes.toDataURL('image/png') : undefined;
  replace(
    target,
    h('h1', {}, state.scenario.title ?? state.scenario.id),
    state.item.question ? h('p', { class: 'brief-question' }, state.item.question) : null,
    band.length > 0
      ? h('section', {}, h('h2', {}, 'Across our assumptions'), ...[...band].map((line) => h('p', {}, line.textContent ?? '')))
      : null,
    h(
      'section',
      {},
      h('h2', {}, `This run: ${formatCount(r.trials)} trials, seed ${r.seed}`),
      h(
        'ul',
        { class: 'brief-list' },
        ...state.metricOrder.map((name) => {
          const declared = state.scenario.metrics[name];
          return h('li', {}, `${displayLabel(name, declared)}: `, h('strong', {}, estimate(r.metrics[name], declared?.unit)));
        }),
      ),
      h(
        'p',
        { class: 'brief-note' },
        'Ranges of a run are the spread of outcomes across its trials, for these assumptions; the spread across what we do not know is the band ("Across our assumptions"), when it has been computed.',
      ),
    ),
    image ? h('img', { src: image, alt: 'Outcome probabilities of this run', class: 'brief-chart' }) : null,
    h('section', {}, h('h2', {}, 'Assumptions changed'), changedAssumptions(state, r)),
    h('p', {}, `Where the ${state.params.length} parameters come from: ${provenanceCounts(state)}.`),
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
