/** The metrics table: each metric's Monte Carlo estimate, quantiles, exact answer and difference from the baseline. */
import type { ExactResult, RunResult } from '@georisk/engine';
import { displayLabel } from '../display-label.ts';
import { h } from '../dom.ts';
import { estimateText, formatBeside, formatCount, formatNumber, formatPercent, formatPercentInterval } from '../format.ts';
import { baselineDifferences, type Comparison, comparedBaseline, differenceCell, differenceHeading } from './compare.ts';
import { exactHeldSentence, heldUncertain } from './exact-held.ts';
import { currentOverrides, isStale, partialLabel, type ScreenState } from './screen-state.ts';

/**
 * A cell's text in one box that may break only before its interval or spread ("15.2%" over "[13.7%, 16.8%]",
 * "4.58" over "± 0.29"), so a narrow column wraps a number between its parts, never inside one.
 */
function cellValue(text: string): HTMLSpanElement {
  const parts = text.split(/ (?=[[±])/);
  return h('span', { class: 'cell-value' }, ...parts.flatMap((p, i) => [i ? ' ' : null, h('span', { class: 'nowrap' }, p)]));
}

/** A number cell that carries its raw value and what it is, for tests and copy-paste; empty text leaves it empty. */
function cell(text: string, value?: number, key?: string): HTMLTableCellElement {
  return h(
    'td',
    { class: 'num', 'data-value': value === undefined ? undefined : String(value), 'data-key': key },
    text ? cellValue(text) : null,
  );
}

type Metric = RunResult['metrics'][string];

/** A snake_case name that may break after each underscore, so the metric column need not be as wide as the longest name. */
function breakable(name: string): (string | HTMLElement)[] {
  return name.split('_').flatMap((part, i) => (i ? ['_', h('wbr'), part] : [part]));
}

/** The note on a metric some trials never reached: how many were cut off at the horizon. */
function censoredNote({ scenario }: ScreenState, m: Metric | undefined): string {
  return m?.censored ? `${formatPercent(m.censored)} censored at ${formatNumber(scenario.time.horizon)} ${scenario.time.unit}s` : '';
}

/** The estimate: a probability with its interval, or a mean ± half its interval, both to two significant digits of the error (more would claim precision it lacks). */
function estimateCell(m: Metric | undefined): HTMLTableCellElement {
  if (!m) return cell('');
  // Every trial's value was invalid (not a finite number): no estimate, not "NaN ± NaN".
  if (m.n === 0) return cell(`no finite value (${formatCount(m.invalid ?? 0)} invalid)`);
  return m.probability
    ? cell(`${formatPercent(m.probability.p)} ${formatPercentInterval(m.probability.ci95)}`, m.probability.p, 'p')
    : cell(estimateText(m.mean, m.ci95), m.mean, 'mean');
}

/** One quantile of a quantity (empty for a probability), to the places of the estimate beside it. */
function quantileCell(m: Metric | undefined, k: 'p5' | 'p50' | 'p95'): HTMLTableCellElement {
  return m && !m.probability && m.n > 0 ? cell(formatBeside(m.quantiles[k], m.ci95[1] - m.mean), m.quantiles[k], k) : cell('');
}

/** The exact answer, a dash when the exact solver cannot give this metric. */
function exactCell(name: string, x: ExactResult | undefined): HTMLTableCellElement {
  const e = x?.metrics[name];
  if (!e) return cell(x?.unavailable[name] ? '—' : '');
  return e.probability !== undefined
    ? cell(formatPercent(e.probability), e.probability, 'exact')
    : cell(formatNumber(e.mean), e.mean, 'exact');
}

/** One metric's row; `diffs` is undefined when no baseline is compared. */
function metricRow(
  state: ScreenState,
  name: string,
  r: RunResult | undefined,
  x: ExactResult | undefined,
  diffs: Comparison | undefined,
): HTMLTableRowElement {
  const { scenario } = state;
  const m = r?.metrics[name];
  const declared = scenario.metrics[name];
  // Under the name rather than in a column of its own: few metrics have one, and a column takes width from all.
  const note = censoredNote(state, m);
  return h(
    'tr',
    { 'data-metric': name },
    h(
      'th',
      { scope: 'row', title: [name, declared?.description?.trim()].filter(Boolean).join(': ') },
      displayLabel(name, declared),
      h('span', { class: 'metric-name' }, ...breakable(name)),
      note ? h('span', { class: 'metric-note' }, note) : null,
      // Shown in place of the unit column where the table's box is narrow (styles.css).
      declared?.unit ? h('span', { class: 'metric-unit' }, declared.unit) : null,
    ),
    estimateCell(m),
    quantileCell(m, 'p5'),
    quantileCell(m, 'p50'),
    quantileCell(m, 'p95'),
    exactCell(name, x),
    diffs ? differenceCell(diffs.diffs[name], m?.probability !== undefined, cell, diffs.pending) : null,
    h('td', { class: 'unit' }, declared?.unit ?? ''),
  );
}

/** Renders the table for the last run `r` and the exact answer `x` (either may be missing). */
export function metricsTable(state: ScreenState, r: RunResult | undefined, x: ExactResult | undefined): HTMLTableElement {
  const compared = r !== undefined && comparedBaseline(state, r) !== undefined;
  const diffs = compared ? baselineDifferences(state, r) : undefined;
  const head = ['metric', 'Monte Carlo (95% CI)', 'p5', 'median', 'p95', 'exact', ...(diffs ? [diffs] : []), 'unit'];
  // Monte Carlo numbers of inputs since changed are greyed (the exact column already answers the new ones).
  const stale = r !== undefined && isStale(state);
  const caption = r
    ? stale
      ? `Metrics: Monte Carlo (greyed) from the previous inputs, ${formatCount(r.trials)} trials, seed ${r.seed}; press Run to update it. The exact column is for the current inputs.`
      : `Metrics: ${state.lastRun?.partialOf === undefined ? `${formatCount(r.trials)} trials` : partialLabel(r.trials, state.lastRun.partialOf)}, seed ${r.seed}`
    : 'Metrics';
  const held = x === undefined ? '' : exactHeldSentence(heldUncertain(state.scenario, currentOverrides(state)));
  return h(
    'table',
    { class: `data metrics${stale ? ' stale' : ''}`, id: 'metrics-table' },
    h('caption', {}, held ? `${caption}${caption.endsWith('.') ? '' : '.'} ${held}` : caption),
    h('thead', {}, h('tr', {}, ...head.map((c) => (typeof c === 'string' ? h('th', { scope: 'col' }, c) : differenceHeading(c))))),
    h('tbody', {}, ...state.metricOrder.map((name) => metricRow(state, name, r, x, diffs))),
  );
}
