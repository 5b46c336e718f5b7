/** The teacher's setup form for one template: title, briefing, deadline, simulation, decisions, questions, or the raw JSON. */
import { api, type Template } from '../classroom-api.ts';
import { h, replace } from '../dom.ts';
import { formatNumber } from '../format.ts';
import { jsonErrorOffset, lineColumn } from './json-error-place.ts';
import type { MessageBox } from './shell.ts';
import { clockTime } from './time-text.ts';

/** The radio buttons that pick a template; picking one refills the form. */
function templatePicker(templates: Template[], t: Template, fill: (t: Template) => void): HTMLElement {
  return h(
    'fieldset',
    { class: 'templates' },
    h('legend', {}, 'Exercise'),
    ...templates.map((x) =>
      h(
        'label',
        { class: 'template-option' },
        h('input', { type: 'radio', name: 'template', value: x.id, checked: x.id === t.id, onchange: () => fill(x) }),
        h(
          'span',
          {},
          h('strong', {}, x.title),
          h(
            'span',
            { class: 'muted' },
            ` (about ${x.minutes} min; `,
            // The guides are in the build beside the research notes (vite.config.ts), opened in a tab of their own.
            h('a', { href: x.guide, target: '_blank', rel: 'noopener' }, "teacher's guide"),
            ')',
          ),
          h('br'),
          x.summary,
        ),
      ),
    ),
  );
}

/** The most minutes a deadline may be away: a week. */
const MAX_MINUTES = 10_080;

/** The minutes until the deadline, with a note that says when that is. */
function minutesField(t: Template) {
  const minutes = h('input', { id: 'ex-minutes', type: 'number', min: 1, max: MAX_MINUTES, step: 1, value: Math.max(5, t.minutes - 20) });
  const deadlineNote = h('span', { class: 'muted', id: 'ex-deadline-note' });
  const updateNote = () => {
    const m = Number(minutes.value);
    deadlineNote.textContent =
      Number.isFinite(m) && m > 0 && m <= MAX_MINUTES
        ? ` Submissions close at ${clockTime(new Date(Date.now() + m * 60_000).toISOString())}.`
        : '';
  };
  minutes.addEventListener('input', updateNote);
  updateNote();
  return { minutes, deadlineNote };
}

/** The form's inputs for template `t`, and the exercise they describe. */
function setupFields(t: Template) {
  const ex = t.exercise;
  const title = h('input', { id: 'ex-title', type: 'text', value: ex.title, maxlength: 120, required: true });
  const brief = h('textarea', { id: 'ex-briefing', rows: 8, maxlength: 6000 });
  brief.value = ex.briefing;
  const { minutes, deadlineNote } = minutesField(t);
  const trials = h(
    'select',
    { id: 'ex-trials' },
    ...[5000, 20000, 50000, 100000].map((n) => h('option', { value: n, selected: n === ex.trials }, `${formatNumber(n)} trials per run`)),
  );
  const seed = h('input', { id: 'ex-seed', type: 'number', min: 0, step: 1, value: ex.seed });
  const leverBoxes = ex.levers.map((l) => h('input', { type: 'checkbox', id: `use-lever-${l.id}`, checked: true, value: l.id }));
  const questionBoxes = ex.questions.map((q) => h('input', { type: 'checkbox', id: `use-question-${q.id}`, checked: true, value: q.id }));
  const exercise = (): Record<string, unknown> => {
    const levers = ex.levers.filter((_, i) => leverBoxes[i]?.checked);
    const questions = ex.questions.filter((_, i) => questionBoxes[i]?.checked);
    const kept = new Set([...levers, ...questions].map((x) => x.id));
    return {
      ...ex,
      title: title.value,
      briefing: brief.value,
      trials: Number(trials.value),
      seed: Number(seed.value),
      levers,
      questions,
      // A seminar's turns list only what the teacher kept.
      ...(ex.turns
        ? {
            turns: ex.turns.map((turn) => ({
              ...turn,
              questions: turn.questions.filter((id) => kept.has(id)),
              levers: turn.levers.filter((id) => kept.has(id)),
            })),
          }
        : {}),
    };
  };
  return { title, brief, minutes, deadlineNote, trials, seed, leverBoxes, questionBoxes, exercise };
}
type SetupFields = ReturnType<typeof setupFields>;

/** The folded JSON editor, filled from the form when opened. */
function advancedBox(fields: SetupFields) {
  const json = h('textarea', { id: 'ex-json', rows: 14, spellcheck: false, 'aria-describedby': 'ex-json-hint' });
  const advanced = h(
    'details',
    { class: 'advanced' },
    h('summary', {}, 'Advanced: the exercise as JSON (your own levers and questions)'),
    h(
      'p',
      { class: 'hint', id: 'ex-json-hint' },
      'Opened, this replaces the form: levers set parameter overrides of the scenario (choice or range), questions name its metrics. The server checks every field and says what to fix. The deadline comes from the minutes above.',
    ),
    json,
  );
  advanced.addEventListener('toggle', () => {
    if (advanced.open) json.value = JSON.stringify(fields.exercise(), null, 2);
  });
  return { json, advanced };
}

/** The checkboxes for the decisions and the questions of template `t`. */
function choiceFieldsets(t: Template, fields: SetupFields): HTMLElement[] {
  const ex = t.exercise;
  const teamName = new Map(ex.teams.map((x) => [x.id, x.name]));
  return [
    h(
      'fieldset',
      { class: 'choices' },
      h('legend', {}, 'Decisions students make'),
      ...ex.levers.map((l, i) =>
        h(
          'label',
          { for: `use-lever-${l.id}` },
          fields.leverBoxes[i],
          ` ${l.label}`,
          h('span', { class: 'muted' }, l.team ? ` (team: ${teamName.get(l.team) ?? l.team})` : ' (everyone)'),
        ),
      ),
    ),
    h(
      'fieldset',
      { class: 'choices' },
      h('legend', {}, 'Questions students forecast'),
      ...ex.questions.map((q, i) => h('label', { for: `use-question-${q.id}` }, fields.questionBoxes[i], ` ${q.label}`)),
    ),
  ];
}

/** Checks the form, creates the exercise and opens the teacher's dashboard, or says what to fix. */
async function submitSetup(
  form: HTMLFormElement,
  fields: SetupFields,
  box: { json: HTMLTextAreaElement; advanced: HTMLDetailsElement },
  message: MessageBox,
) {
  message.clear();
  const m = Number(fields.minutes.value);
  if (!(Number.isFinite(m) && m >= 1 && m <= MAX_MINUTES)) {
    message.error(`Minutes until submissions close: give a whole number of minutes from 1 to ${MAX_MINUTES} (a week).`);
    fields.minutes.focus();
    return;
  }
  let body: Record<string, unknown>;
  try {
    body = box.advanced.open ? (JSON.parse(box.json.value) as Record<string, unknown>) : fields.exercise();
  } catch (e) {
    const at = jsonErrorOffset(box.json.value);
    const where = at === undefined ? '' : ` at ${lineColumn(box.json.value, at)}`;
    message.error(`The JSON does not parse${where}: ${(e as Error).message}`);
    box.json.focus();
    if (at !== undefined) box.json.setSelectionRange(at, at + 1);
    return;
  }
  body.deadline = new Date(Date.now() + m * 60_000).toISOString();
  const button = form.querySelector('button[type=submit]') as HTMLButtonElement;
  button.disabled = true;
  try {
    const created = await api.create(body);
    location.hash = created.teacherPath;
  } catch (e) {
    message.error(e);
    button.disabled = false;
  }
}

/** Fills `form` for template `t`; `fill` refills it when the teacher picks another template. */
export function fillSetupForm(
  form: HTMLFormElement,
  t: Template,
  templates: Template[],
  message: MessageBox,
  fill: (t: Template) => void,
): void {
  const picker = templatePicker(templates, t, fill);
  const fields = setupFields(t);
  const box = advancedBox(fields);
  replace(
    form,
    picker,
    h('div', { class: 'field' }, h('label', { for: 'ex-title' }, 'Title'), fields.title),
    h('div', { class: 'field' }, h('label', { for: 'ex-briefing' }, 'Briefing students read'), fields.brief),
    h(
      'div',
      { class: 'field-row' },
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'ex-minutes' }, 'Minutes until submissions close'),
        fields.minutes,
        fields.deadlineNote,
      ),
      h('div', { class: 'field' }, h('label', { for: 'ex-trials' }, 'Simulation'), fields.trials),
      h('div', { class: 'field' }, h('label', { for: 'ex-seed' }, 'Seed'), fields.seed),
    ),
    ...choiceFieldsets(t, fields),
    box.advanced,
    h('p', {}, h('button', { type: 'submit', class: 'primary', id: 'create-exercise' }, 'Start the exercise')),
  );
  form.onsubmit = async (event) => {
    event.preventDefault();
    await submitSetup(form, fields, box, message);
  };
}
