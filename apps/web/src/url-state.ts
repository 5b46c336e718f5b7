/**
 * What the address bar holds: the screen, and for a scenario its overrides, seed, trials, whether
 * to run at once and the receipt a run should reproduce. A permalink is this state as a hash:
 * `#/scenario/armenia-azerbaijan-2022?trials=10000&seed=7&set.armenian_fatality_rate=4&run=1`. The band's
 * parameter draws appear (`draws=50`) only when they are not the page's default.
 */
import { MAX_SEED } from '@georisk/engine';
import { MAX_BAND_DRAWS, MIN_BAND_DRAWS, PAGE_BAND_DRAWS } from './band-settings.ts';

export type ViewState =
  | { screen: 'library'; query: string }
  | { screen: 'editor'; id: string }
  | {
      screen: 'scenario';
      id: string;
      overrides: Record<string, number>;
      seed: number;
      trials: number;
      /** Parameter draws of the band across our assumptions, when not the page's default. */
      draws?: number;
      /** Run the Monte Carlo as soon as the scenario opens. */
      run: boolean;
      /** The output hash the run is expected to reproduce (from a shared permalink). */
      receipt?: string;
      /** What the address held that could not be read (unreadable trials, seed or values), said on the page. */
      ignored?: string[];
    };

export const DEFAULT_TRIALS = 10_000;
export const DEFAULT_SEED = 1;
/** The largest trial count the app offers (the engine's budget still applies). */
export const MAX_TRIALS = 10_000_000;
/** The largest seed: the engine's, so the page takes every seed the CLI and API take. */
export { MAX_SEED };

function wholeNumberIn(text: string | null, min: number, max: number): number | undefined {
  if (text === null || !/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) && n >= min && n <= max ? n : undefined;
}

/** Reads a location hash (with or without its "#"); anything unreadable falls back to defaults. */
export function parseHash(hash: string): ViewState {
  const text = hash.replace(/^#/, '');
  const [path = '', query = ''] = text.split('?', 2) as [string, string?];
  const params = new URLSearchParams(query);
  const parts = path.split('/').filter((p) => p !== '');
  if (parts[0] === 'scenario' && parts[1]) {
    const overrides: Record<string, number> = {};
    const ignored: string[] = [];
    for (const [key, value] of params) {
      if (!key.startsWith('set.')) continue;
      const name = key.slice(4);
      const x = Number(value);
      if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && value.trim() !== '' && Number.isFinite(x)) overrides[name] = x;
      else ignored.push(`${key}=${value}: not a parameter name and a number; ignored`);
    }
    const whole = (key: string, min: number, max: number, fallback: number) => {
      const text = params.get(key);
      const n = wholeNumberIn(text, min, max);
      if (text !== null && n === undefined) {
        ignored.push(
          `${key}=${text}: not a whole number from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')}; using ${fallback.toLocaleString('en-US')}`,
        );
      }
      return n ?? fallback;
    };
    const state: ViewState = {
      screen: 'scenario',
      id: decodeURIComponent(parts[1]),
      overrides,
      seed: whole('seed', 0, MAX_SEED, DEFAULT_SEED),
      trials: whole('trials', 1, MAX_TRIALS, DEFAULT_TRIALS),
      run: params.get('run') === '1',
    };
    if (params.has('draws')) state.draws = whole('draws', MIN_BAND_DRAWS, MAX_BAND_DRAWS, PAGE_BAND_DRAWS);
    if (ignored.length > 0) state.ignored = ignored;
    const receipt = params.get('receipt');
    if (receipt !== null && /^[0-9a-f]{8,64}$/.test(receipt)) state.receipt = receipt;
    return state;
  }
  if (parts[0] === 'edit') return { screen: 'editor', id: decodeURIComponent(parts[1] ?? '') };
  return { screen: 'library', query: params.get('q') ?? '' };
}

/** Writes a state as a hash (starting with "#"); overrides are sorted so equal states give equal links. */
export function formatHash(state: ViewState): string {
  if (state.screen === 'library') {
    return state.query === '' ? '#/' : `#/?${new URLSearchParams({ q: state.query }).toString()}`;
  }
  if (state.screen === 'editor') return state.id === '' ? '#/edit' : `#/edit/${encodeURIComponent(state.id)}`;
  const params = new URLSearchParams();
  params.set('trials', String(state.trials));
  params.set('seed', String(state.seed));
  if (state.draws !== undefined && state.draws !== PAGE_BAND_DRAWS) params.set('draws', String(state.draws));
  for (const name of Object.keys(state.overrides).sort()) params.set(`set.${name}`, String(state.overrides[name]));
  if (state.run) params.set('run', '1');
  if (state.receipt !== undefined) params.set('receipt', state.receipt);
  return `#/scenario/${encodeURIComponent(state.id)}?${params.toString()}`;
}

/** The overrides that differ from the defaults (a parameter moved back to its default is dropped). */
export function effectiveOverrides(values: Record<string, number>, defaults: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, v] of Object.entries(values).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (Object.hasOwn(defaults, name) && defaults[name] !== v) out[name] = v;
  }
  return out;
}
