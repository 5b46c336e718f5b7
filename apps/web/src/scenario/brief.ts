/**
 * A one-page brief of a run, for printing to PDF from the browser: the question, the answers across
 * our assumptions (when the band has been computed) and the run's estimates, each probability with a
 * bar, the assumptions changed from the scenario's defaults, where the parameters come from, the
 * receipt and the permalink. Built on demand into its own section, which only print shows.
 */
import { hindsightWords, type RunResult, type ScenarioDocument, type UncertaintyResult } from '@georisk/engine';
import { bandValue, declaredPriors, headlineNumber } from '../band-words.ts';
import { displayLabel } from '../display-label.ts';
import { h, replace } from '../dom.ts';
import { formatCount, formatInputValue, formatPercent } from '../format.ts';
import type { ScreenState } from './screen-state.ts';

/**
 * A metric's estimate as the brief states it: a probability in %, with a bar of its size (the brief's
 * chart: its row's name is the label, legible in print); a quantity as its mean, the figure the band
 * beside it averages, then its median and 5–95% range across trials (three significant digits, in
 * the unit the band's column names).
 */
function estimate(m: RunResult['metrics'][string] | undefined): (string | HTMLElement)[] {
  if (!m) return [];
  if (m.probability) {
    const p = m.probability.p;
    const width = `${Math.max(0, Math.min(100, p * 100)).toFixed(1)}%`;
    // None in the run's trials is not "0.0%": the interval says how rare it may still be.
    const text = p === 0 ? `0 of ${formatCount(m.n)} (<${formatPercent(m.probability.ci95[1])})` : formatPercent(p);
    return [text, h('span', { class: 'brief-bar', 'aria-hidden': 'true' }, h('span', { style: `width: ${width}` }))];
  }
  // In the band's unit, which its column beside this one names: one line per row keeps the brief to a page.
  const { p5, p50, p95 } = m.quantiles;
  // A time to a first event counts the trials without one at the horizon: the mean is pulled up by them.
  // A time to a first event counts the trials with none by the horizon at the horizon: its mean is pulled up by them, its median is not.
  const censored = m.censored ? `; ${formatPercent(m.censored)} none by the horizon (mean counts them at it)` : '';
  return [
    h('strong', {}, headlineNumber(m.mean)),
    ` mean; median ${headlineNumber(p50)} (${headlineNumber(p5)}–${headlineNumber(p95)})${censored}`,
  ];
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
        h('th', {}, 'This run: share, or mean; median (5–95% of trials)'),
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
          h('td', {}, ...estimate(r.metrics[name])),
        );
      }),
    ),
  );
}

/** What the band column draws, and why it may differ from the run's column beside it. */
function bandNote(band: UncertaintyResult): string {
  const declared = declaredPriors(band);
  const byDefault = band.uncertain.length - declared;
  const head = `Across our assumptions: ${formatCount(band.draws)} draws of the ${band.uncertain.length} uncertain parameters from their priors`;
  if (byDefault === 0) return `${head}. `;
  return `${head} (${byDefault} of them on the default prior over their range, which this run holds at their values: the two columns differ where an outcome bends with them, not by sampling error). `;
}

/** What the scenario knew of how its episode ended, under the question (nothing for a made-up case). */
function hindsightLine(scenario: ScenarioDocument): HTMLElement | null {
  const words = hindsightWords(scenario);
  return words ? h('p', { class: `brief-hindsight hindsight-${words.kind}` }, words.text) : null;
}

/** Fills `target` with the brief of run `r`, with the band across our assumptions when the page has computed it. */
export function fillBrief(target: HTMLElement, state: ScreenState, r: RunResult, permalink: string | undefined): void {
  const band = state.band;
  replace(
    target,
    h('h1', {}, state.scenario.title ?? state.scenario.id),
    state.item.question ? h('p', { class: 'brief-question' }, state.item.question) : null,
    hindsightLine(state.scenario),
    h(
      'section',
      {},
      h('h2', {}, 'Answers'),
      h(
        'p',
        { class: 'brief-note' },
        `This run: ${formatCount(r.trials)} trials, seed ${r.seed}. `,
        band ? bandNote(band) : 'The band across our assumptions was not computed yet. ',
        "A run's ranges are the spread of outcomes across its trials, not what we do not know.",
      ),
      answersTable(state, r),
    ),
    // The probabilities' bars in the table are the chart: its names are the rows' labels, legible in
    // print, where a picture of the page's chart shrank to a few points. Below it, side by side, what
    // was changed and where the parameters come from: one page holds a scenario of thirty-odd metrics.
    h(
      'div',
      { class: 'brief-foot' },
      h('section', {}, h('h2', {}, 'Assumptions changed'), changedAssumptions(state, r)),
      h(
        'section',
        {},
        h('h2', {}, 'Where the parameters come from'),
        h('p', {}, `${state.params.length} parameters: ${provenanceCounts(state)}.`),
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
  // The brief replaces the page for this print only: the browser's own print (Ctrl+P) afterwards
  // prints the page, never this run's brief after another run has replaced the results.
  const root = document.documentElement;
  const brief = target;
  root.classList.add('printing-brief');
  window.addEventListener(
    'afterprint',
    () => {
      root.classList.remove('printing-brief');
      brief.replaceChildren();
    },
    { once: true },
  );
  window.print();
}
