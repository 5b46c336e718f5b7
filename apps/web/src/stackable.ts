/** Marks a table whose rows stack into labelled cards at phone width (styles.css, `table.stackable`). */

/**
 * Gives each body cell of `table` its column's heading as `data-label` (the heading's own `data-label`
 * where it has a shorter one), shown before the value when the rows stack, and the class `stackable`;
 * returns the table.
 */
export function stackable(table: HTMLTableElement): HTMLTableElement {
  const heads = [...(table.tHead?.rows[0]?.cells ?? [])].map((c) => c.dataset.label ?? c.textContent?.trim() ?? '');
  for (const body of table.tBodies) {
    for (const row of body.rows) {
      for (const [i, cell] of [...row.cells].entries()) if (cell.tagName === 'TD' && heads[i]) cell.dataset.label = heads[i];
    }
  }
  table.classList.add('stackable');
  return table;
}
