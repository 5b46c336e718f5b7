/** Number formatting for people, mirroring the CLI's table (apps/cli/src/format.ts) so both read alike. */

/** 3–4 significant digits, no exponent for everyday sizes. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const abs = Math.abs(x);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e9)) return x.toExponential(2);
  if (Number.isInteger(x)) return x.toLocaleString('en-US');
  const digits = abs >= 100 ? 1 : abs >= 1 ? 2 : 4;
  return x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

/** A probability as a percentage with one decimal. */
export function formatPercent(p: number): string {
  if (p > 0 && p < 0.001) return '<0.1%';
  return `${(p * 100).toFixed(1)}%`;
}

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
