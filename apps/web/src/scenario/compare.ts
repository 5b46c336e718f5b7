/** Comparing with a pinned baseline: pinning and unpinning a run, the note that names it, and the difference cells. */
import type { RunResult } from '@georisk/engine';
import { compareMetrics, type Difference, formatDifference, type MetricView } from '../chart-data.ts';
import { h } from '../dom.ts';
import { formatCount } from '../format.ts';
import type { ScreenState } from './screen-state.ts';

/** The baseline a run is compared with: the pinned run, unless it is this run. */
export function comparedBaseline(state: ScreenState, r: RunResult | undefined): RunResult | undefined {
  return state.baseline && state.baseline !== r ? state.baseline : undefined;
}

/** Each metric's difference between `r` and its baseline, empty when there is nothing to compare. */
export function baselineDifferences(state: ScreenState, r: RunResult | undefined): Record<string, Difference> {
  const base = r && state.baseline !== r ? state.baseline : undefined;
  return r && base
    ? compareMetrics(r.metrics as Record<string, MetricView>, r.trials, base.metrics as Record<string, MetricView>, base.trials)
    : {};
}

/** The table cell of one difference; bold when its 95% interval excludes 0. */
export function differenceCell(
  d: Difference | undefined,
  isProbability: boolean,
  cell: (text: string, value?: number, key?: string) => HTMLTableCellElement,
): HTMLTableCellElement {
  if (!d) return cell('');
  const td = cell(formatDifference(d, isProbability), d.diff, 'diff');
  if (d.clear) td.classList.add('clear-diff');
  return td;
}

/** The button that pins run `r` as the baseline. */
export function pinButton(state: ScreenState, r: RunResult, onChange: () => void): HTMLButtonElement {
  const pin = h(
    'button',
    { type: 'button', id: 'pin-baseline', disabled: state.baseline === r },
    state.baseline === r ? 'Pinned as baseline' : 'Pin as baseline',
  );
  pin.addEventListener('click', () => {
    state.baseline = r;
    onChange();
  });
  return pin;
}

/** What the pinned baseline was, with a way to unpin it. */
export function baselineNote(state: ScreenState, b: RunResult, onChange: () => void): HTMLElement {
  const clear = h('button', { type: 'button', id: 'clear-baseline' }, 'Unpin');
  clear.addEventListener('click', () => {
    state.baseline = undefined;
    onChange();
  });
  const overrides = Object.entries(b.overrides).map(([k, v]) => `${k}=${v}`);
  return h(
    'p',
    { class: 'baseline-note' },
    `Compared with the baseline: ${formatCount(b.trials)} trials, seed ${b.seed}, ${overrides.length ? overrides.join(', ') : 'defaults'} (receipt ${b.receipt.outputHash.slice(0, 12)}). Differences in bold have 95% intervals that exclude 0; the intervals treat the runs as independent, so with the same seed they are conservative. `,
    clear,
  );
}
