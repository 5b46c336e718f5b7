/** The parameter panel: every assumption of the scenario with its inputs, and "Reset all". */
import { h } from '../dom.ts';
import { type ParameterRow, parameterRow, type SetValue, showRowValue } from './parameter-row.ts';
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
  const setValue: SetValue = (name, v, from) => {
    values[name] = v;
    const r = rows.get(name);
    if (r) {
      showRowValue(r, v, from);
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
        showRowValue(r, p.default);
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
