/** The metrics table: each metric's Monte Carlo estimate, quantiles, exact answer and difference from the baseline. */
import type { ExactResult, RunResult } from '@georisk/engine';
import { displayLabel } from '../display-label.ts';
import { h } from '../dom.ts';
import { formatCount, formatNumber, formatPercent, formatPercentInterval } from '../format.ts';
import { baselineDifferences, type Comparison, comparedBaseline, differenceCell, differenceHeading } from './compare.ts';
import { exactHeldSentence, heldUncertain } from './exact-held.ts';
import { currentOverrides, isStale, partialLabel, type ScreenState } from './screen-state.ts';

/** A number cell that carries its raw value and what it is, for tests and copy-paste. */
function cell(text: string, value?: number, key?: string): HTMLTableCellElement {
  return h('td', { class: 'num', 'data-value': value === undefined ? undefined : String(value), 'data-key': key }, text);
}

type Metric = RunResult['metrics'][string];

/** The estimate: a probability with its interval, or a mean ± half its interval. */
function estimateCell(m: Metric | undefined): HTMLTableCellElement {
  if (!m) return cell('');
  return m.probability
    ? cell(`${formatPercent(m.probability.p)} ${formatPercentInterval(m.probability.ci95)}`, m.probability.p, 'p')
    : cell(`${formatNumber(m.mean)} ± ${formatNumber(m.ci95[1] - m.mean)}`, m.mean, 'mean');
}

/** One quantile of a quantity (empty for a probability). */
function quantileCell(m: Metric | undefined, k: 'p5' | 'p50' | 'p95'): HTMLTableCellElement {
  return m && !m.probability ? cell(formatNumber(m.quantiles[k]), m.quantiles[k], k) : cell('');
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
  const note = m?.censored ? `${formatPercent(m.censored)} censored at ${formatNumber(scenario.time.horizon)} ${scenario.time.unit}s` : '';
  return h(
    'tr',
    { 'data-metric': name },
    h(
      'th',
      { scope: 'row', title: [name, declared?.description?.trim()].filter(Boolean).join(': ') },
      displayLabel(name, declared),
      h('span', { class: 'metric-name' }, name),
    ),
    estimateCell(m),
    quantileCell(m, 'p5'),
    quantileCell(m, 'p50'),
    quantileCell(m, 'p95'),
    exactCell(name, x),
    diffs ? differenceCell(diffs.diffs[name], m?.probability !== undefined, cell, diffs.pending) : null,
    h('td', { class: 'unit' }, declared?.unit ?? ''),
    h('td', {}, note),
  );
}

/** Renders the table for the last run `r` and the exact answer `x` (either may be missing). */
export function metricsTable(state: ScreenState, r: RunResult | undefined, x: ExactResult | undefined): HTMLTableElement {
  const compared = r !== undefined && comparedBaseline(state, r) !== undefined;
  const diffs = compared ? baselineDifferences(state, r) : undefined;
  const head = ['metric', 'Monte Carlo (95% CI)', 'p5', 'median', 'p95', 'exact', ...(diffs ? [diffs] : []), 'unit', 'note'];
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
