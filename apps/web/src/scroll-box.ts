/** A box that scrolls a wide or tall table, reachable and scrollable from the keyboard. */
import { h } from './dom.ts';

/**
 * Wraps `table` in a scrolling box that takes keyboard focus (so arrow keys scroll it) and is named
 * after the table's caption for screen readers; `className` is the box's class.
 */
export function scrollBox(table: HTMLTableElement, className = 'table-scroll'): HTMLDivElement {
  const name = table.caption?.textContent?.trim() || 'Table';
  return h('div', { class: className, tabindex: 0, role: 'region', 'aria-label': `${name} (scrolls)` }, table);
}
