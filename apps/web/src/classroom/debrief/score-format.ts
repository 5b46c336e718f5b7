/** How the debrief writes scores and differences, and the number cell that carries their raw values. */
import { h } from '../../dom.ts';

/** A score to three decimals, or a dash when there is none. */
export function formatScore(x: number | null | undefined, digits = 3): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(digits);
}

/** A difference of probabilities in percentage points: "+3.1 pp". */
export function signedPoints(d: number): string {
  const pp = d * 100;
  return `${pp > 0 ? '+' : pp < 0 ? '−' : '±'}${Math.abs(pp).toFixed(1)} pp`;
}

/** A number cell that carries its raw value for tests and copy-paste. */
export function num(key: string, value: number | null | undefined, text: string): HTMLTableCellElement {
  return h('td', { class: 'num', 'data-key': key, 'data-value': value ?? '' }, text);
}
