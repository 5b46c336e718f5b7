/** The input for one of the student's decisions: radio buttons for a choice, a slider and number box for a range. */
import type { Lever } from '@georisk/engine/classroom';
import { h } from '../dom.ts';
import { formatNumber } from '../format.ts';

type ChoiceLever = Extract<Lever, { kind: 'choice' }>;
type RangeLever = Exclude<Lever, ChoiceLever>;

/** Radio buttons, one per option. */
function choiceInput(
  lever: ChoiceLever,
  value: string | number | undefined,
  disabled: boolean,
  description: HTMLElement | null,
): HTMLElement {
  return h(
    'fieldset',
    { class: 'lever', id: `lever-${lever.id}`, 'aria-describedby': description ? `lever-${lever.id}-hint` : undefined },
    h('legend', {}, lever.label),
    description,
    ...lever.options.map((o) =>
      h(
        'label',
        { class: 'option' },
        h('input', { type: 'radio', name: `lever-${lever.id}`, value: o.id, checked: value === o.id, disabled, required: true }),
        ` ${o.label}`,
      ),
    ),
  );
}

/** A slider with its bounds and a number box, kept in step. */
function rangeInput(
  lever: RangeLever,
  value: string | number | undefined,
  disabled: boolean,
  description: HTMLElement | null,
): HTMLElement {
  const step = lever.step ?? (lever.max - lever.min) / 20;
  const start = typeof value === 'number' ? value : (lever.min + lever.max) / 2;
  const range = h('input', {
    type: 'range',
    id: `lever-${lever.id}-range`,
    min: lever.min,
    max: lever.max,
    step,
    value: start,
    disabled,
    'aria-label': `${lever.label} (slider)`,
  });
  const numberInput = h('input', {
    type: 'number',
    id: `lever-${lever.id}`,
    name: `lever-${lever.id}`,
    min: lever.min,
    max: lever.max,
    step,
    value: start,
    disabled,
  });
  range.addEventListener('input', () => {
    numberInput.value = range.value;
  });
  numberInput.addEventListener('input', () => {
    range.value = numberInput.value;
  });
  return h(
    'div',
    { class: 'lever range-lever' },
    h('label', { for: `lever-${lever.id}` }, lever.label),
    description,
    h(
      'div',
      { class: 'range-row' },
      h('span', { class: 'muted' }, formatNumber(lever.min)),
      range,
      h('span', { class: 'muted' }, formatNumber(lever.max)),
      numberInput,
    ),
  );
}

/** The input for one lever. */
export function leverInput(lever: Lever, value: string | number | undefined, disabled: boolean): HTMLElement {
  const description = lever.description ? h('p', { class: 'hint', id: `lever-${lever.id}-hint` }, lever.description) : null;
  return lever.kind === 'choice' ? choiceInput(lever, value, disabled, description) : rangeInput(lever, value, disabled, description);
}
