/** Number formatting for people: the engine's (shared with the CLI's tables), plus the page's own forms. */

import { formatPercent } from '@georisk/engine/format';

export {
  bandEndNumber,
  bandEndPercent,
  errorPlaces,
  estimateText,
  formatAtPlaces,
  formatBeside,
  formatEstimate,
  formatNumber,
  formatPercent,
  toSignificant,
} from '@georisk/engine/format';

/** A 95% interval of probabilities: "[12.2%, 12.6%]". */
export function formatPercentInterval([lo, hi]: readonly [number, number]): string {
  return `[${formatPercent(lo)}, ${formatPercent(hi)}]`;
}

/** A whole count with thousands separators: 100,000. */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Milliseconds or seconds, whichever reads better. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '';
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  return `${seconds.toFixed(seconds < 10 ? 2 : 1)} s`;
}

/** A parameter value for inputs: at most 6 significant digits, no trailing zeros. */
export function formatInputValue(x: number): string {
  if (!Number.isFinite(x)) return '';
  return String(Number(x.toPrecision(6)));
}

/**
 * A slider step for a range: a round number (1, 2 or 5 × 10^k) giving about 100–200 positions, so
 * slider values stay short decimals that print and parse back exactly.
 */
export function sliderStep(min: number, max: number): number {
  const span = max - min;
  if (!(span > 0) || !Number.isFinite(span)) return 1;
  const raw = span / 200;
  const power = 10 ** Math.floor(Math.log10(raw));
  const mantissa = raw / power;
  const nice = mantissa <= 1 ? 1 : mantissa <= 2 ? 2 : mantissa <= 5 ? 5 : 10;
  return nice * power;
}

/** Snaps `x` to the grid `min + k·step`, rounded to the step's decimals so it prints exactly. */
export function snapToStep(x: number, min: number, step: number): number {
  const decimals = Math.max(0, Math.ceil(-Math.log10(step) - 1e-9));
  const k = Math.round((x - min) / step);
  return Number((min + k * step).toFixed(Math.min(12, decimals + decimalsOf(min))));
}

function decimalsOf(x: number): number {
  const s = String(x);
  const dot = s.indexOf('.');
  return dot === -1 || s.includes('e') ? 0 : s.length - dot - 1;
}
