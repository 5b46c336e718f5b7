/** Comparing with a pinned baseline: pinning and unpinning a run, the note that names it, and the difference cells. */
import type { RunResult } from '@georisk/engine';
import { COMPARE_FALSE_ALARM, clearThreshold, markClear } from '@georisk/engine/paired';
import { compareMetrics, type Difference, formatDifference, type MetricView } from '../chart-data.ts';
import { h } from '../dom.ts';
import { CancelledError, runPaired } from '../engine-client.ts';
import { formatCount } from '../format.ts';
import { COMPARE_LABEL, type CompareKind, isPairable, pairedDifferences, sameAssumptions } from './paired-compare.ts';
import type { ScreenState } from './screen-state.ts';

/** The baseline a run is compared with: the pinned run, unless it is this run. */
export function comparedBaseline(state: ScreenState, r: RunResult | undefined): RunResult | undefined {
  return state.baseline && state.baseline !== r ? state.baseline : undefined;
}

/** A comparison's differences and how their intervals were computed; `pending` while the paired run is on its way. */
export interface Comparison {
  kind: CompareKind;
  /** Each metric's difference, marked clear or not for the whole comparison (`markClear`). */
  diffs: Record<string, Difference>;
  /** The runs make the same assumptions, so every difference is noise (none is clear). */
  sameAssumptions: boolean;
  pending: boolean;
  failed?: string;
}

/**
 * Each metric's difference between `r` and its baseline, undefined when there is nothing to compare:
 * paired when the two runs share seed, trials and scenario (see `ensurePaired`), else independent.
 */
export function baselineDifferences(state: ScreenState, r: RunResult | undefined): Comparison | undefined {
  const base = r && state.baseline !== r ? state.baseline : undefined;
  if (!r || !base) return undefined;
  const same = sameAssumptions(r, base);
  if (isPairable(r, base)) {
    const p = state.paired;
    const mine = p?.baseline === base && p.current === r ? p : undefined;
    return {
      kind: 'paired',
      diffs: markClear(mine?.diffs ?? {}, same),
      sameAssumptions: same,
      pending: mine?.diffs === undefined && mine?.failed === undefined,
      ...(mine?.failed ? { failed: mine.failed } : {}),
    };
  }
  const diffs = compareMetrics(r.metrics as Record<string, MetricView>, r.trials, base.metrics as Record<string, MetricView>, base.trials);
  return { kind: 'independent', diffs: markClear(diffs, same), sameAssumptions: same, pending: false };
}

/** Starts the paired run of `r` against its baseline when they are pairable and it is not running or done; `onReady` redraws. */
export function ensurePaired(state: ScreenState, r: RunResult | undefined, onReady: () => void): void {
  const base = r ? comparedBaseline(state, r) : undefined;
  if (!r || !base || !isPairable(r, base)) {
    state.paired?.cancel();
    state.paired = undefined;
    return;
  }
  if (state.paired?.baseline === base && state.paired.current === r) return;
  state.paired?.cancel();
  const handle = runPaired({
    baseline: { scenario: state.scenario, overrides: base.overrides },
    current: { scenario: state.scenario, overrides: r.overrides },
    seed: r.seed,
    trials: r.trials,
  });
  const entry: NonNullable<ScreenState['paired']> = { baseline: base, current: r, cancel: handle.cancel };
  state.paired = entry;
  handle.result.then(
    (summary) => {
      entry.diffs = pairedDifferences(summary);
      if (state.paired === entry) onReady();
    },
    (error: unknown) => {
      if (error instanceof CancelledError) return;
      entry.failed = error instanceof Error ? error.message : String(error);
      if (state.paired === entry) onReady();
    },
  );
}

/** The heading of the difference column, naming how its intervals were computed. */
export function differenceHeading(c: Comparison): HTMLTableCellElement {
  const kind = `${COMPARE_LABEL[c.kind]}${c.pending ? ': computing…' : c.failed ? `: failed (${c.failed})` : ''}`;
  // `data-label` names the column on its own where rows stack into cards at phone width (stackable.ts).
  return h(
    'th',
    { scope: 'col', 'data-compare': c.kind, 'data-label': 'Δ vs baseline (95% CI)' },
    'Δ vs baseline (95% CI)',
    h('span', { class: 'compare-kind' }, kind),
  );
}

/** The table cell of one difference; bold when it is clear of noise over the whole comparison, else it reads "within noise". */
export function differenceCell(
  d: Difference | undefined,
  isProbability: boolean,
  cell: (text: string, value?: number, key?: string) => HTMLTableCellElement,
  pending = false,
): HTMLTableCellElement {
  if (!d) return cell(pending ? 'pairing…' : '');
  const td = cell(formatDifference(d, isProbability), d.diff, 'diff');
  if (d.clear) td.classList.add('clear-diff');
  else (td.firstElementChild ?? td).append(' ', h('span', { class: 'within-noise' }, 'within noise'));
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
    `Compared with the baseline: ${formatCount(b.trials)} trials, seed ${b.seed}, ${overrides.length ? overrides.join(', ') : 'defaults'} (receipt ${b.receipt.outputHash.slice(0, 12)}). ${clearNote(state, b)} ${pairNote(state, b)} `,
    clear,
  );
}

/** What bold means in the difference column, or why nothing is bold. */
function clearNote(state: ScreenState, b: RunResult): string {
  const c = baselineDifferences(state, state.lastRun?.result);
  if (c?.sameAssumptions)
    return 'The two runs make the same assumptions (scenario and settings) and differ only in their random numbers: every difference between them is sampling noise, so none is shown as a finding.';
  // The paired differences may still be on their way: count the metrics both runs report.
  const k = c && Object.keys(c.diffs).length > 0 ? Object.keys(c.diffs).length : sharedMetrics(state.lastRun?.result, b);
  return `Differences in bold are clear of noise for all ${k} metrics compared together: beyond ${clearThreshold(k).toFixed(1)} standard errors, so that noise alone puts any in bold ${Math.round(COMPARE_FALSE_ALARM * 100)}% of the time. The others are within noise, although a 95% interval may exclude 0.`;
}

/** The metrics both runs report (the comparison's size before its differences are in). */
function sharedMetrics(r: RunResult | undefined, b: RunResult): number {
  return r ? Object.keys(r.metrics).filter((m) => m in b.metrics).length : 0;
}

/** How the note explains the intervals: paired for the same seed and trials, else independent. */
function pairNote(state: ScreenState, b: RunResult): string {
  const r = state.lastRun?.result;
  return r && isPairable(r, b)
    ? 'Same seed and trials: the intervals are of the per-trial (paired) differences, which share their random numbers, so they are narrower than independent ones.'
    : 'Different seeds or trials: the intervals treat the two runs as independent.';
}
