/** One assumption in the parameter panel: its slider and number box (a toggle or select for a switch or choice), reset button, note and sources. */
import { type Parameter, parameterLevels } from '@georisk/engine';
import { displayLabel } from '../display-label.ts';
import { h } from '../dom.ts';
import { formatInputValue, formatNumber, sliderStep, snapToStep } from '../format.ts';
import { parameterProblem } from './field-checks.ts';
import { linkedText, sourceItem } from './source-item.ts';

/** The elements of one parameter's row that change when its value does. */
export interface ParameterRow {
  row: HTMLElement;
  range?: HTMLInputElement;
  num?: HTMLInputElement;
  /** A switch's checkbox or a choice's select, in place of the slider and number box. */
  pick?: HTMLInputElement | HTMLSelectElement;
}

/** Shows value `v` in a row's inputs, except `from`, the one the user changed (it keeps what was typed). */
export function showRowValue(r: ParameterRow, v: number, from?: HTMLInputElement | HTMLSelectElement): void {
  if (r.pick !== undefined && from !== r.pick) {
    if (r.pick instanceof HTMLInputElement) r.pick.checked = v === 1;
    else r.pick.value = String(v);
  }
  if (r.range && from !== r.range) r.range.value = String(v);
  if (r.num && from !== r.num) {
    r.num.value = formatInputValue(v);
    // Re-checks the box against the new value (clears a warning a slider or reset answered).
    r.num.dispatchEvent(new Event('input'));
  }
}

/** Sets a parameter's value; `from` is the input that changed, which keeps what the user typed. */
export type SetValue = (name: string, v: number, from?: HTMLInputElement | HTMLSelectElement) => void;

/** "uncertain: normal(mean 1, sd 2), drawn once per trial", or '' for a fixed parameter. */
function describeUncertainty(p: Parameter): string {
  const u = p.uncertainty;
  if (!u) return '';
  const { dist, ...rest } = u as Record<string, unknown> & { dist: string };
  return `uncertain: ${dist}(${Object.entries(rest)
    .map(([k, v]) => `${k} ${formatNumber(Number(v))}`)
    .join(', ')}), drawn once per trial`;
}

/** The line under the inputs: its name in the YAML, range, default and uncertainty. */
function parameterNote(name: string, p: Parameter, min: number, max: number): string {
  return [
    name,
    p.kind === 'switch'
      ? 'a switch: off (0) or on (1)'
      : p.choices
        ? `one of ${p.choices.map(formatInputValue).join(', ')}`
        : p.range
          ? `range ${formatInputValue(min)} to ${formatInputValue(max)}`
          : 'no range given',
    `default ${formatInputValue(p.default)}`,
    describeUncertainty(p),
  ]
    .filter(Boolean)
    .join(' · ');
}

/** What each kind of provenance tells a reader, for the badge's tooltip. */
const PROVENANCE_WORDS: Record<string, string> = {
  sourced: 'taken from a cited source',
  derived: 'computed from other figures',
  assumed: 'a judgement, stated as one',
  fitted: 'fitted to data',
  setting: 'a switch or control, not a fact about the world',
};

/** A badge saying where the value comes from (sourced, derived, assumed, fitted, setting), with its basis in the tooltip. */
function provenanceBadge(p: Parameter): HTMLElement | null {
  const prov = p.provenance;
  if (!prov)
    return h('span', { class: 'badge prov prov-undeclared', title: 'The scenario does not say where this value comes from' }, 'no source');
  const basis =
    prov.kind === 'derived'
      ? prov.from
      : prov.kind === 'fitted'
        ? `fitted to ${prov.to}`
        : prov.kind === 'sourced'
          ? [...(prov.sources ?? []), ...(p.sources ?? [])].map((s) => (typeof s === 'string' ? s : s.title)).join('; ')
          : (prov.note ?? (prov.kind === 'assumed' ? p.assumption : undefined) ?? '');
  return h(
    'span',
    { class: `badge prov prov-${prov.kind}`, title: `${PROVENANCE_WORDS[prov.kind] ?? prov.kind}${basis ? `: ${basis}` : ''}` },
    prov.kind,
  );
}

/** The basis its provenance states (the arithmetic, what it was fitted to, why assumed), with a lead-in, when there is one. */
function provenanceBasis(p: Parameter): [string, string] | null {
  const prov = p.provenance;
  if (prov?.kind === 'derived') return ['Derived from', prov.from];
  if (prov?.kind === 'fitted') return ['Fitted to', prov.to];
  if (prov?.kind === 'assumed' && prov.note && prov.note !== p.assumption) return ['Why assumed', prov.note];
  if (prov?.kind === 'sourced' && prov.note) return ['Note', prov.note];
  return null;
}

/** The folded "About" box with the description, assumption, basis and sources (each citation a link), when the parameter has any. */
function parameterAbout(p: Parameter): HTMLElement | null {
  const sources = [...(p.provenance?.kind === 'sourced' ? (p.provenance.sources ?? []) : []), ...(p.sources ?? [])];
  const basis = provenanceBasis(p);
  if (!(p.description || sources.length || p.assumption || basis)) return null;
  return h(
    'details',
    { class: 'about' },
    h('summary', {}, 'About'),
    p.description ? h('p', {}, ...linkedText(p.description)) : null,
    p.assumption ? h('p', {}, h('strong', {}, 'Assumption: '), ...linkedText(p.assumption)) : null,
    basis ? h('p', {}, h('strong', {}, `${basis[0]}: `), ...linkedText(basis[1])) : null,
    sources.length ? h('ul', { class: 'sources' }, ...sources.map(sourceItem)) : null,
  );
}

/** Shows what is wrong with the typed `text` for the parameter (an error, a range warning) or clears it. */
function showProblem(
  message: HTMLElement,
  num: HTMLInputElement,
  name: string,
  p: Parameter,
  text: string,
): 'error' | 'warning' | undefined {
  const problem = parameterProblem(name, displayLabel(name, p), p, text);
  message.textContent = problem?.message ?? '';
  message.className = `field-problem ${problem?.level ?? ''}`;
  message.hidden = problem === undefined;
  if (problem?.level === 'error') num.setAttribute('aria-invalid', 'true');
  else num.removeAttribute('aria-invalid');
  return problem?.level;
}

/**
 * The number box: checked as it is typed (a number is needed; outside the declared range is allowed
 * with a warning, as `--set` allows it); on leaving it, anything not a number puts the value back.
 */
function numberInput(
  id: string,
  name: string,
  p: Parameter,
  min: number,
  max: number,
  value: () => number,
  setValue: SetValue,
  message: HTMLElement,
) {
  const num = h('input', {
    type: 'number',
    id: `${id}-num`,
    min: p.range ? min : undefined,
    max: p.range ? max : undefined,
    step: 'any',
    value: formatInputValue(value()),
    inputmode: 'decimal',
    'aria-describedby': `${id}-note ${id}-problem`,
  });
  num.addEventListener('input', () => showProblem(message, num, name, p, num.value));
  num.addEventListener('change', () => {
    if (showProblem(message, num, name, p, num.value) === 'error') {
      num.value = formatInputValue(value());
      showProblem(message, num, name, p, num.value);
    } else setValue(name, Number(num.value), num);
  });
  showProblem(message, num, name, p, formatInputValue(value()));
  return num;
}

/** The slider, for a parameter with a range; it snaps to the slider's step. */
function rangeInput(
  id: string,
  name: string,
  label: string,
  min: number,
  max: number,
  value: number,
  setValue: SetValue,
): HTMLInputElement {
  const step = sliderStep(min, max);
  const range = h('input', {
    type: 'range',
    id: `${id}-range`,
    min,
    max,
    step,
    value,
    'aria-label': `${label} slider`,
    'aria-describedby': `${id}-note`,
  });
  range.addEventListener('input', () => setValue(name, snapToStep(Number(range.value), min, step), range));
  return range;
}

/** A switch's toggle (a labelled checkbox: on is 1) or a choice's select (its labels when given). */
function pickInput(id: string, name: string, p: Parameter, levels: readonly number[], value: number, setValue: SetValue) {
  if (p.kind === 'switch') {
    const box = h('input', { type: 'checkbox', id: `${id}-pick`, checked: value === 1, 'aria-describedby': `${id}-note` });
    box.addEventListener('change', () => setValue(name, box.checked ? 1 : 0, box));
    return { pick: box, control: h('label', { class: 'switch' }, box, h('span', {}, 'on')) };
  }
  const options = levels.map((v, i) => {
    const text = p.choice_labels?.[i] ?? formatInputValue(v);
    return h('option', { value: String(v), selected: v === value }, text);
  });
  const select = h('select', { id: `${id}-pick`, 'aria-describedby': `${id}-note` }, ...options);
  select.addEventListener('change', () => setValue(name, Number(select.value), select));
  return { pick: select, control: select };
}

/** Renders the row for parameter `name`; `value` reads its current value. */
export function parameterRow(name: string, p: Parameter, value: () => number, setValue: SetValue): ParameterRow {
  const id = `p-${name}`;
  const label = displayLabel(name, p);
  const [min, max] = p.range ?? [Math.min(0, p.default), Math.max(p.default * 2, 1)];
  const problem = h('p', { class: 'field-problem', id: `${id}-problem`, role: 'alert', hidden: true });
  const levels = parameterLevels(p);
  const picked = levels === undefined ? undefined : pickInput(id, name, p, levels, value(), setValue);
  const num = picked === undefined ? numberInput(id, name, p, min, max, value, setValue, problem) : undefined;
  const range = p.range && picked === undefined ? rangeInput(id, name, label, min, max, value(), setValue) : undefined;
  const reset = h(
    'button',
    {
      type: 'button',
      class: 'icon',
      title: `Reset ${label} to ${formatInputValue(p.default)}`,
      'aria-label': `Reset ${label} to its default`,
    },
    '↺',
  );
  reset.addEventListener('click', () => setValue(name, p.default));
  const row = h(
    'div',
    { class: `param${value() !== p.default ? ' changed' : ''}`, 'data-param': name },
    h(
      'div',
      { class: 'param-head' },
      h('label', { for: picked === undefined ? `${id}-num` : `${id}-pick`, title: name }, label),
      provenanceBadge(p),
      p.unit ? h('span', { class: 'unit' }, p.unit) : null,
      reset,
    ),
    h('div', { class: 'param-inputs' }, range ?? null, num ?? null, picked?.control ?? null),
    problem,
    h('p', { class: 'note', id: `${id}-note` }, parameterNote(name, p, min, max)),
    parameterAbout(p),
  );
  return { row, ...(range ? { range } : {}), ...(num ? { num } : {}), ...(picked ? { pick: picked.pick } : {}) };
}
