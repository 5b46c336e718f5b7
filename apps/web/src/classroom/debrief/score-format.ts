/** How the debrief writes scores and differences, and the number cell that carries their raw values. */
import { h } from '../../dom.ts';

/** A score to three decimals, or a dash when there is none. */
export function formatScore(x: number | null | undefined, digits = 3): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(digits);
}

/** A signed difference as written: "+3.1", "−0.4", and "0.0" without a sign when it rounds to zero ("−0.0" read as a fall). */
export function signed(d: number, magnitude: (x: number) => string): string {
  const text = magnitude(Math.abs(d));
  return /^[0.,]*$/.test(text) ? text : `${d > 0 ? '+' : '−'}${text}`;
}

/** A difference of probabilities in percentage points: "+3.1 pp", "0.0 pp". */
export function signedPoints(d: number): string {
  return `${signed(d * 100, (x) => x.toFixed(1))} pp`;
}

/** A question's label without the students' closing instruction ("…in 30 days (your best guess of the median)"), for axes and tables that add their own words. */
export function bareLabel(label: string): string {
  return label.replace(/\s*\([^()]*\)$/, '');
}

/** A number cell that carries its raw value for tests and copy-paste. */
export function num(key: string, value: number | null | undefined, text: string): HTMLTableCellElement {
  return h('td', { class: 'num', 'data-key': key, 'data-value': value ?? '' }, text);
}
