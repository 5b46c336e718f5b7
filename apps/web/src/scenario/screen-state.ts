/** The scenario screen's shared state: the inputs, the last run, the pinned baseline and the exact answer. */
import type { ExactResult, Parameter, RunResult, ScenarioDocument, UncertaintyResult } from '@georisk/engine';
import { PAGE_BAND_DRAWS } from '../band-settings.ts';
import type { Difference } from '../chart-data.ts';
import { formatCount } from '../format.ts';
import type { LibraryItem } from '../protocol.ts';
import { effectiveOverrides, type ViewState } from '../url-state.ts';

/** The address-bar state of the scenario screen. */
export type ScenarioState = Extract<ViewState, { screen: 'scenario' }>;

/** What every component of the scenario screen reads and writes. */
export interface ScreenState {
  readonly item: LibraryItem;
  readonly scenario: ScenarioDocument;
  readonly params: [string, Parameter][];
  readonly defaults: Record<string, number>;
  readonly values: Record<string, number>;
  readonly metricOrder: string[];
  /** The receipt a shared link expects, when it names one. */
  readonly expected: string | undefined;
  /** Set when the scenario comes from the editor and is not in the library. */
  readonly edited: { back: () => void } | undefined;
  seed: number;
  trials: number;
  /** Parameter draws of the band across our assumptions. */
  draws: number;
  /** The last run; `partialOf` is the trials asked for when it was cancelled and kept its first `result.trials`. */
  lastRun: { result: RunResult; hash: string; partialOf?: number } | undefined;
  /** A run pinned for comparison: later runs show their differences from it. */
  baseline: RunResult | undefined;
  /** The paired comparison of `current` with `baseline` (same seed and trials): running, done (`diffs`) or failed. */
  paired?: { baseline: RunResult; current: RunResult; cancel: () => void; diffs?: Record<string, Difference>; failed?: string } | undefined;
  exact: { result: ExactResult; ms: number } | undefined;
  exactError: string | undefined;
  /** The band across our assumptions for the last run's inputs, once computed (cleared when a new one starts). */
  band: UncertaintyResult | undefined;
}

/** The state for one library item, starting from the state in the address bar. */
export function createScreenState(item: LibraryItem, initial: ScenarioState, edited: { back: () => void } | undefined): ScreenState {
  const scenario = item.scenario;
  const params = Object.entries(scenario.parameters) as [string, Parameter][];
  const defaults: Record<string, number> = Object.fromEntries(params.map(([n, p]) => [n, p.default]));
  const values: Record<string, number> = { ...defaults };
  for (const [n, v] of Object.entries(initial.overrides)) if (Object.hasOwn(values, n)) values[n] = v;
  return {
    item,
    scenario,
    params,
    defaults,
    values,
    metricOrder: Object.keys(scenario.metrics),
    expected: initial.receipt,
    edited,
    seed: initial.seed,
    trials: initial.trials,
    draws: initial.draws ?? PAGE_BAND_DRAWS,
    lastRun: undefined,
    baseline: undefined,
    exact: undefined,
    band: undefined,
    exactError: item.notExact.length ? item.notExact.join('; ') : undefined,
  };
}

/** The parameters that differ from their defaults. */
export function currentOverrides(state: ScreenState): Record<string, number> {
  return effectiveOverrides(state.values, state.defaults);
}

/** The address-bar state for the current inputs. */
export function currentAddress(state: ScreenState, extra: Partial<ScenarioState> = {}): ScenarioState {
  return {
    screen: 'scenario',
    id: state.item.id,
    overrides: currentOverrides(state),
    seed: state.seed,
    trials: state.trials,
    ...(state.draws === PAGE_BAND_DRAWS ? {} : { draws: state.draws }),
    run: false,
    ...extra,
  };
}

/** Whether the inputs changed since the last run. */
export function isStale(state: ScreenState): boolean {
  if (!state.lastRun) return false;
  const r = state.lastRun.result;
  // A partial run asked for `partialOf` trials: the inputs are those it was started with.
  const asked = state.lastRun.partialOf ?? r.trials;
  return r.seed !== state.seed || asked !== state.trials || JSON.stringify(r.overrides) !== JSON.stringify(currentOverrides(state));
}

/** How a cancelled run's kept trials read: "partial: N of M trials (cancelled)". */
export function partialLabel(kept: number, asked: number): string {
  return `partial: ${formatCount(kept)} of ${formatCount(asked)} trials (cancelled)`;
}
