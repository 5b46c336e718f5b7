/** Numbers for people, shared by the CLI's tables and the web app so both read alike. */

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
