/** The parameter panel: every assumption of the scenario with its inputs, and "Reset all". */
import { h } from '../dom.ts';
import { formatInputValue } from '../format.ts';
import { type ParameterRow, parameterRow } from './parameter-row.ts';
import type { ScreenState } from './screen-state.ts';

/** The rendered panel, and a way to put one parameter back to its default from elsewhere on the screen. */
export interface ParameterPanel {
  element: HTMLElement;
  reset(name: string): void;
}

/** Renders the panel as the screen's aside; `onChange` runs after any value changes. */
export function parameterPanel(state: ScreenState, onChange: () => void): ParameterPanel {
  const { params, values, defaults } = state;
  const rows = new Map<string, ParameterRow>();
  const setValue = (name: string, v: number, from?: HTMLInputElement) => {
    values[name] = v;
    const r = rows.get(name);
    if (r) {
      if (r.range && from !== r.range) r.range.value = String(v);
      if (from !== r.num) {
        r.num.value = formatInputValue(v);
        // Re-checks the box against the new value (clears a warning a slider or reset answered).
        r.num.dispatchEvent(new Event('input'));
      }
      r.row.classList.toggle('changed', v !== defaults[name]);
    }
    onChange();
  };
  const list = h(
    'div',
    { class: 'param-list' },
    ...params.map(([name, p]) => {
      const r = parameterRow(name, p, () => values[name] ?? p.default, setValue);
      rows.set(name, r);
      return r.row;
    }),
  );
  const resetAll = h('button', { type: 'button', id: 'reset-all' }, 'Reset all');
  resetAll.addEventListener('click', () => {
    for (const [n, p] of params) {
      values[n] = p.default;
      const r = rows.get(n);
      if (r) {
        if (r.range) r.range.value = String(p.default);
        r.num.value = formatInputValue(p.default);
        r.num.dispatchEvent(new Event('input'));
        r.row.classList.remove('changed');
      }
    }
    onChange();
  });
  const element = h(
    'aside',
    { class: 'params', 'aria-labelledby': 'params-title' },
    h('div', { class: 'params-head' }, h('h2', { id: 'params-title' }, `Assumptions (${params.length})`), resetAll),
    list,
  );
  return {
    element,
    reset: (name) => {
      const d = defaults[name];
      if (d !== undefined) setValue(name, d);
    },
  };
}
