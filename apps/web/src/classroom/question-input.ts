/** The input for one forecast: a probability in percent, or a number within the question's bounds. */
import type { Question } from '@georisk/engine/classroom';
import { h } from '../dom.ts';

/** The input for one question: a probability in percent, or a number. */
export function questionInput(q: Question, value: number | undefined, disabled: boolean): HTMLElement {
  const id = `forecast-${q.id}`;
  // Probabilities are typed in percent; quantities as they are, within the question's bounds.
  const percent = q.kind === 'probability';
  const shown = value === undefined ? '' : String(percent ? Math.round(value * 1000) / 10 : value);
  const unit = percent ? '%' : q.unit;
  return h(
    'div',
    { class: 'field question' },
    h('label', { for: id }, q.label),
    h(
      'div',
      { class: 'input-unit' },
      h('input', {
        id,
        type: 'number',
        min: percent ? 0 : q.min,
        max: percent ? 100 : q.max,
        step: 'any',
        inputmode: 'decimal',
        value: shown,
        disabled,
        required: true,
      }),
      unit ? h('span', {}, unit) : null,
    ),
  );
}
