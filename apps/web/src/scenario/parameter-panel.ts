/** The parameter panel: every assumption of the scenario with its inputs, in folds by group, and "Reset all". */
import { h } from '../dom.ts';
import { type ParameterFold, parameterFolds, startsOpen } from './parameter-folds.ts';
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
  const folds = parameterFolds(state.scenario, state.item.parameterModules);
  // Each fold's summary says how many of its parameters differ from their defaults.
  const marks: (() => void)[] = [];
  const markChanged = () => {
    for (const mark of marks) mark();
  };
  const setValue: SetValue = (name, v, from) => {
    values[name] = v;
    const r = rows.get(name);
    if (r) {
      showRowValue(r, v, from);
      r.row.classList.toggle('changed', v !== defaults[name]);
    }
    markChanged();
    onChange();
  };
  for (const [name, p] of params)
    rows.set(
      name,
      parameterRow(name, p, () => values[name] ?? p.default, setValue),
    );
  const rowsOf = (fold: ParameterFold) => fold.names.map((n) => rows.get(n)?.row);
  const list = h(
    'div',
    { class: 'param-list' },
    ...(folds.length <= 1
      ? params.map(([n]) => rows.get(n)?.row)
      : folds.map((fold, i) => foldElement(fold, i, rowsOf(fold), values, defaults, marks))),
  );
  markChanged();
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
    markChanged();
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

/** One fold: a <details> whose summary gives its title, its size and how many of its parameters are changed. */
function foldElement(
  fold: ParameterFold,
  index: number,
  rows: (HTMLElement | undefined)[],
  values: Record<string, number>,
  defaults: Record<string, number>,
  marks: (() => void)[],
): HTMLElement {
  const changed = h('span', { class: 'fold-changed' });
  const open = startsOpen(
    fold.names.length,
    Object.keys(defaults).length,
    fold.names.some((name) => values[name] !== defaults[name]),
  );
  const element = h(
    'details',
    { class: 'param-fold', 'data-fold': fold.title, open },
    h(
      'summary',
      { id: `param-fold-${index}` },
      h('span', { class: 'fold-title' }, fold.title),
      h('span', { class: 'fold-count' }, ` (${fold.names.length})`),
      changed,
    ),
    ...rows,
  );
  marks.push(() => {
    const n = fold.names.filter((name) => values[name] !== defaults[name]).length;
    changed.textContent = n > 0 ? ` · ${n} changed` : '';
    element.classList.toggle('changed', n > 0);
  });
  return element;
}
