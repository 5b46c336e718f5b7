/**
 * The observations as a form, field by field: one row per observation (a track's state or states,
 * an event that did or did not happen, a variable's range or reported value with its error), the
 * "as of" time, rows added, edited and removed; each field checked as typed, and every change
 * written to the observations text. The text's edits come back through `show`.
 */
import { h, replace } from '../dom.ts';
import { formatNumber } from '../format.ts';
import {
  emptyRow,
  type FieldProblem,
  type FormScenario,
  formProblems,
  formText,
  type ObservationForm,
  type ObservationRow,
  rowSummary,
} from './observation-rows.ts';
import { timelineFigure } from './observation-timeline.ts';

/** The form and a way to show a document read from the text. */
export interface ObservationFormView {
  element: HTMLElement;
  /** Shows the form's content read from the text, or (a string) why the form cannot show the text. */
  show(form: ObservationForm | string): void;
  /** The field problems now (empty: every field reads). */
  problems(): FieldProblem[];
}

const KINDS: [ObservationRow['kind'], string][] = [
  ['track', 'Track state'],
  ['event', 'Event'],
  ['range', 'Variable in a range'],
  ['reported', 'Variable reported, with error'],
];

/** A labelled field: the label, the control, and the control's problem message beneath. */
function field(id: string, label: string, control: HTMLElement): HTMLElement {
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, h('p', { class: 'field-error', id: `${id}-error` }));
}

/** A select of names with one chosen. */
function select(id: string, names: string[], chosen: string, name: string): HTMLSelectElement {
  return h('select', { id, 'data-field': name }, ...names.map((n) => h('option', { value: n, selected: n === chosen }, n)));
}

/** A text or number input of a row's field. */
function input(id: string, name: string, value: string, attrs: Record<string, string> = {}): HTMLInputElement {
  const el = h('input', { id, 'data-field': name, type: 'text', ...attrs });
  el.value = value;
  return el;
}

/** The fields particular to a row's kind. */
function kindFields(row: ObservationRow, id: string, s: FormScenario): HTMLElement[] {
  if (row.kind === 'track') {
    const states = s.tracks[row.track] ?? [];
    return [
      field(`${id}-track`, 'Track', select(`${id}-track`, Object.keys(s.tracks), row.track, 'track')),
      h(
        'fieldset',
        { class: 'obs-states', id: `${id}-states`, 'aria-describedby': `${id}-states-error` },
        h('legend', {}, 'In state (one or more)'),
        ...states.map((st, k) =>
          h(
            'label',
            { class: 'obs-state' },
            h('input', { type: 'checkbox', id: `${id}-state-${k}`, 'data-field': 'states', value: st, checked: row.states.includes(st) }),
            ` ${st}`,
          ),
        ),
        h('p', { class: 'field-error', id: `${id}-states-error` }),
      ),
    ];
  }
  if (row.kind === 'event') {
    const happened = h('select', { id: `${id}-happened`, 'data-field': 'happened' });
    happened.append(h('option', { value: 'true', selected: row.happened }, 'happened by then'));
    happened.append(h('option', { value: 'false', selected: !row.happened }, 'had not happened by then'));
    return [field(`${id}-event`, 'Event', select(`${id}-event`, s.events, row.event, 'event')), field(`${id}-happened`, 'It', happened)];
  }
  const variable = field(`${id}-variable`, 'Variable', select(`${id}-variable`, s.variables, row.variable, 'variable'));
  const num = { inputmode: 'decimal' };
  if (row.kind === 'range') {
    return [
      variable,
      field(`${id}-min`, 'True value at least', input(`${id}-min`, 'min', row.min, num)),
      field(`${id}-max`, 'and at most', input(`${id}-max`, 'max', row.max, num)),
    ];
  }
  return [
    variable,
    field(`${id}-reported`, 'Reported value', input(`${id}-reported`, 'reported', row.reported, num)),
    field(`${id}-sd`, 'Reporting error: normal, sd', input(`${id}-sd`, 'sd', row.sd, num)),
  ];
}

/** One row's fieldset: its kind, time, kind's fields, label, and its Remove button. */
function rowElement(row: ObservationRow, i: number, s: FormScenario): HTMLElement {
  const id = `obs-r${i}`;
  const kind = h(
    'select',
    { id: `${id}-kind`, 'data-field': 'kind' },
    ...KINDS.map(([k, text]) => h('option', { value: k, selected: k === row.kind }, text)),
  );
  return h(
    'li',
    { class: 'obs-row', 'data-row': String(i) },
    h(
      'fieldset',
      {},
      h('legend', {}, `Observation ${i + 1}`),
      h(
        'div',
        { class: 'obs-row-fields' },
        field(`${id}-kind`, 'What was seen', kind),
        field(`${id}-at`, `At (${s.unit}s since t = 0)`, input(`${id}-at`, 'at', row.at, { inputmode: 'decimal' })),
        ...kindFields(row, id, s),
        field(`${id}-label`, 'Label (optional)', input(`${id}-label`, 'label', row.label)),
        h(
          'button',
          { type: 'button', class: 'obs-remove', 'data-remove': String(i), 'aria-label': `Remove observation ${i + 1}` },
          'Remove',
        ),
      ),
    ),
  );
}

/** Reads a changed control into its row (one field). */
function readField(row: ObservationRow, el: HTMLInputElement | HTMLSelectElement, rowsEl: HTMLElement, i: number): ObservationRow {
  const name = el.dataset.field ?? '';
  if (name === 'states' && row.kind === 'track') {
    const ticked = [...rowsEl.querySelectorAll<HTMLInputElement>(`[data-row="${i}"] input[data-field="states"]`)].filter((c) => c.checked);
    return { ...row, states: ticked.map((c) => c.value) };
  }
  if (name === 'happened' && row.kind === 'event') return { ...row, happened: el.value === 'true' };
  if (name === 'track' && row.kind === 'track') return { ...row, track: el.value, states: [] };
  return { ...row, [name]: el.value } as ObservationRow;
}

/** Marks each control with its problem (aria-invalid and the message beneath it), clearing the others. */
function markProblems(root: HTMLElement, problems: FieldProblem[]): void {
  for (const p of root.querySelectorAll<HTMLElement>('.field-error')) p.textContent = '';
  for (const c of root.querySelectorAll('[aria-invalid]')) c.removeAttribute('aria-invalid');
  for (const p of problems) {
    const id = p.row === undefined ? 'obs-asof' : `obs-r${p.row}-${p.field}`;
    const message = root.querySelector<HTMLElement>(`#${id}-error`);
    if (message && message.textContent === '') message.textContent = p.message;
    const control = root.querySelector(`#${id}`);
    control?.setAttribute('aria-invalid', 'true');
    control?.setAttribute('aria-describedby', `${id}-error`);
  }
}

/** The form's fixed parts: the rows' list, Add, "as of", the note on the text, the timeline's box, and the fieldset holding them. */
function formElements(s: FormScenario) {
  const asOf = input('obs-asof', 'asOf', '', { inputmode: 'decimal', placeholder: 'the last observation' });
  const rowsEl = h('ol', { class: 'obs-rows', id: 'obs-rows' });
  const add = h('button', { type: 'button', id: 'obs-add' }, 'Add observation');
  const note = h('p', { class: 'muted', id: 'obs-form-note', 'aria-live': 'polite' });
  const timeline = h('div', { id: 'obs-form-timeline-box' });
  const element = h(
    'fieldset',
    { class: 'obs-form', id: 'obs-form' },
    h('legend', {}, 'Observations, field by field'),
    h(
      'p',
      { class: 'muted' },
      `Times are ${s.unit}s since t = 0 (0 to ${formatNumber(s.horizon)}). Editing here rewrites the text below, without its comments.`,
    ),
    rowsEl,
    h('div', { class: 'buttons' }, add),
    field('obs-asof', `As of (${s.unit}s; empty: the last observation)`, asOf),
    note,
    timeline,
  );
  return { asOf, rowsEl, add, note, timeline, element };
}

/** The form. `onText` hears the observations text after every change made in the form. */
export function observationForm(s: FormScenario, onText: (text: string) => void): ObservationFormView {
  let form: ObservationForm = { asOf: '', rows: [] };
  let problems: FieldProblem[] = [];
  const { asOf, rowsEl, add, note, timeline, element } = formElements(s);
  const refresh = (emit: boolean) => {
    problems = formProblems(form, s);
    markProblems(element, problems);
    drawTimeline(timeline, form, s);
    if (emit) onText(formText(form));
  };
  const redraw = (focusId?: string) => {
    replace(rowsEl, ...form.rows.map((r, i) => rowElement(r, i, s)));
    asOf.value = form.asOf;
    refresh(false);
    if (focusId) element.querySelector<HTMLElement>(`#${focusId}`)?.focus();
  };
  const onEdit = (e: Event) => {
    const el = e.target as HTMLInputElement | HTMLSelectElement;
    note.textContent = '';
    if (el === asOf) {
      form = { ...form, asOf: asOf.value };
      refresh(true);
      return;
    }
    const i = Number(el.closest<HTMLElement>('[data-row]')?.dataset.row);
    const row = form.rows[i];
    if (row === undefined || el.dataset.field === undefined) return;
    const kindChanged = el.dataset.field === 'kind';
    const next = kindChanged
      ? { ...emptyRow(el.value as ObservationRow['kind'], s, row.at), label: row.label }
      : readField(row, el, rowsEl, i);
    form = { ...form, rows: form.rows.map((r, k) => (k === i ? next : r)) };
    if (kindChanged || el.dataset.field === 'track') redraw(el.id);
    refresh(true);
  };
  // Text fields, selects and checkboxes all fire "input" on each edit.
  element.addEventListener('input', onEdit);
  rowsEl.addEventListener('click', (e) => {
    const remove = (e.target as HTMLElement).closest<HTMLElement>('[data-remove]');
    if (!remove) return;
    const i = Number(remove.dataset.remove);
    form = { ...form, rows: form.rows.filter((_, k) => k !== i) };
    redraw(form.rows.length === 0 ? 'obs-add' : `obs-r${Math.min(i, form.rows.length - 1)}-kind`);
    refresh(true);
  });
  add.addEventListener('click', () => {
    const last = form.rows[form.rows.length - 1];
    form = { ...form, rows: [...form.rows, emptyRow(Object.keys(s.tracks).length > 0 ? 'track' : 'event', s, last?.at ?? '')] };
    redraw(`obs-r${form.rows.length - 1}-kind`);
    refresh(true);
  });
  redraw();
  return {
    element,
    show(next) {
      if (typeof next === 'string') {
        note.textContent = `The form shows the last text that read: ${next}. Edit the text, or edit here to replace it.`;
        return;
      }
      note.textContent = '';
      form = next;
      redraw();
    },
    problems: () => problems,
  };
}

/** The rows with a time that reads, on a timeline from 0 to "as of" (or the last row). */
function drawTimeline(box: HTMLElement, form: ObservationForm, s: FormScenario): void {
  const observations = form.rows.flatMap((r, i) => {
    const t = Number(r.at);
    return r.at.trim() !== '' && Number.isFinite(t) && t >= 0 && t <= s.horizon ? [{ name: rowSummary(r), t, number: i + 1 }] : [];
  });
  const asOf = Number(form.asOf);
  const end = Math.max(form.asOf.trim() !== '' && Number.isFinite(asOf) ? asOf : 0, ...observations.map((o) => o.t));
  if (observations.length === 0) {
    replace(box);
    return;
  }
  replace(
    box,
    timelineFigure({
      id: 'obs-form-timeline',
      caption: `The observations in the form, ${s.unit}s since t = 0`,
      unit: s.unit,
      end,
      observations,
    }),
  );
}
