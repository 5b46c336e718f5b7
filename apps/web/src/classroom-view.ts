/**
 * The classroom screens, under their own hash routes:
 * - `#/teach`: the teacher sets an exercise from a template;
 * - `#/teach/<id>?token=…`: the teacher's dashboard (join code, who has submitted, reveal, debrief);
 * - `#/join`: a student joins with the code and a display name;
 * - `#/class/<id>`: the student's briefing, decisions and forecasts, then the debrief.
 * Text from teachers and students is always set as text (`h()`), never as HTML.
 */
import type { Lever, Question, Submission } from '@georisk/engine/classroom';
import type { ChartFigure } from './charts.ts';
import { api, ClassroomError, type DebriefView, saveStudentToken, studentToken, type Template } from './classroom-api.ts';
import { renderDebrief } from './debrief-view.ts';
import { download, h, replace } from './dom.ts';
import { formatNumber } from './format.ts';
import './classroom.css';

interface View {
  destroy(): void;
}

let current: View | undefined;

/** Whether a hash belongs to the classroom. */
export function isClassroomHash(hash: string): boolean {
  return /^#\/(teach|join|class)(\/|\?|$)/.test(hash);
}

/**
 * Shows the classroom screen for `hash`, or returns false when the hash is not a classroom route
 * (after closing any classroom screen still open).
 */
export function classroomRoute(root: HTMLElement, hash: string): boolean {
  current?.destroy();
  current = undefined;
  if (!isClassroomHash(hash)) return false;
  const [path = '', query = ''] = hash.replace(/^#/, '').split('?', 2) as [string, string?];
  const parts = path.split('/').filter(Boolean);
  const params = new URLSearchParams(query);
  if (parts[0] === 'teach' && parts[1]) current = teacherDashboard(root, parts[1], params.get('token') ?? '');
  else if (parts[0] === 'teach') current = teacherSetup(root);
  else if (parts[0] === 'class' && parts[1]) current = studentScreen(root, parts[1]);
  else current = joinScreen(root, params.get('code') ?? '');
  window.scrollTo(0, 0);
  (root.querySelector('h1') as HTMLElement | null)?.focus({ preventScroll: true });
  return true;
}

/** A message area for errors (role=alert) or news (role=status). */
function messageBox(id: string): { element: HTMLElement; error(e: unknown): void; say(text: string): void; clear(): void } {
  const element = h('div', { id, class: 'message', 'aria-live': 'polite' });
  return {
    element,
    error(e) {
      const text = e instanceof ClassroomError ? e.message : e instanceof Error ? e.message : String(e);
      replace(element, h('p', { class: 'bad', role: 'alert' }, text));
    },
    say(text) {
      replace(element, h('p', { class: 'ok', role: 'status' }, text));
    },
    clear() {
      replace(element);
    },
  };
}

/**
 * A classroom screen: a heading, a message area and a body that the screen fills and refills
 * (`key` names their ids: `<key>-title`, `<key>-message`, `<key>-body`).
 */
function classroomScreen(root: HTMLElement, key: string, title: string): { message: ReturnType<typeof messageBox>; body: HTMLElement } {
  const message = messageBox(`${key}-message`);
  const body = h('div', { id: `${key}-body` });
  replace(
    root,
    h(
      'section',
      { class: 'classroom-screen', 'aria-labelledby': `${key}-title` },
      h('h1', { id: `${key}-title`, tabindex: -1 }, title),
      message.element,
      body,
    ),
  );
  return { message, body };
}

/** "in 12 min", "2 h 5 min ago". */
function relative(ms: number): string {
  const minutes = Math.round(Math.abs(ms) / 60_000);
  const text = minutes < 1 ? 'less than a minute' : minutes < 90 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
  return ms >= 0 ? `in ${text}` : `${text} ago`;
}

function clockTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { weekday: 'short', hour: '2-digit', minute: '2-digit' });
}

/** The briefing's paragraphs. */
function briefing(text: string): HTMLElement {
  return h('div', { class: 'briefing', id: 'briefing' }, ...text.split(/\n\s*\n/).map((p) => h('p', {}, p)));
}

/** Draws charts one per task, so the page never holds a long task. */
function drawAll(charts: ChartFigure[]): void {
  const queue = [...charts];
  const next = () => {
    const c = queue.shift();
    if (!c) return;
    c.draw();
    setTimeout(next, 0);
  };
  setTimeout(next, 0);
}

// ---------------------------------------------------------------- teacher: setup

function teacherSetup(root: HTMLElement): View {
  document.title = 'georisk — set a classroom exercise';
  const message = messageBox('setup-message');
  const form = h('form', { id: 'setup-form', class: 'class-form', novalidate: true });
  replace(
    root,
    h(
      'section',
      { class: 'classroom-screen', 'aria-labelledby': 'setup-title' },
      h('h1', { id: 'setup-title', tabindex: -1 }, 'Set a classroom exercise'),
      h(
        'p',
        { class: 'lede' },
        'Pick a ready exercise, adjust it, and start it. Students join at ',
        h('strong', {}, `${location.origin}${location.pathname}#/join`),
        ' with the code you will get. You get a private teacher link: keep it to yourself, it is the key to the exercise.',
      ),
      message.element,
      form,
    ),
  );
  let templates: Template[] = [];
  let alive = true;
  api.templates().then(
    (list) => {
      if (!alive) return;
      templates = list;
      if (list.length === 0) message.error('The server has no exercise templates (scenarios/exercises/).');
      else fill(list[0] as Template);
    },
    (e) => message.error(e),
  );

  const fill = (t: Template) => {
    const ex = t.exercise;
    const picker = h(
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
            h('span', { class: 'muted' }, ` (about ${x.minutes} min; teacher's guide: ${x.guide})`),
            h('br'),
            x.summary,
          ),
        ),
      ),
    );
    const title = h('input', { id: 'ex-title', type: 'text', value: ex.title, maxlength: 120, required: true });
    const brief = h('textarea', { id: 'ex-briefing', rows: 8, maxlength: 6000 });
    brief.value = ex.briefing;
    const minutes = h('input', { id: 'ex-minutes', type: 'number', min: 1, max: 10080, step: 1, value: Math.max(5, t.minutes - 20) });
    const deadlineNote = h('span', { class: 'muted', id: 'ex-deadline-note' });
    const updateNote = () => {
      const m = Number(minutes.value);
      deadlineNote.textContent =
        Number.isFinite(m) && m > 0 ? ` Submissions close at ${clockTime(new Date(Date.now() + m * 60_000).toISOString())}.` : '';
    };
    minutes.addEventListener('input', updateNote);
    updateNote();
    const trials = h(
      'select',
      { id: 'ex-trials' },
      ...[5000, 20000, 50000, 100000].map((n) => h('option', { value: n, selected: n === ex.trials }, `${formatNumber(n)} trials per run`)),
    );
    const seed = h('input', { id: 'ex-seed', type: 'number', min: 0, step: 1, value: ex.seed });
    const leverBoxes = ex.levers.map((l) => h('input', { type: 'checkbox', id: `use-lever-${l.id}`, checked: true, value: l.id }));
    const questionBoxes = ex.questions.map((q) => h('input', { type: 'checkbox', id: `use-question-${q.id}`, checked: true, value: q.id }));
    const teamName = new Map(ex.teams.map((x) => [x.id, x.name]));
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
    const current = (): Record<string, unknown> => ({
      ...ex,
      title: title.value,
      briefing: brief.value,
      trials: Number(trials.value),
      seed: Number(seed.value),
      levers: ex.levers.filter((_, i) => leverBoxes[i]?.checked),
      questions: ex.questions.filter((_, i) => questionBoxes[i]?.checked),
    });
    advanced.addEventListener('toggle', () => {
      if (advanced.open) json.value = JSON.stringify(current(), null, 2);
    });
    replace(
      form,
      picker,
      h('div', { class: 'field' }, h('label', { for: 'ex-title' }, 'Title'), title),
      h('div', { class: 'field' }, h('label', { for: 'ex-briefing' }, 'Briefing students read'), brief),
      h(
        'div',
        { class: 'field-row' },
        h('div', { class: 'field' }, h('label', { for: 'ex-minutes' }, 'Minutes until submissions close'), minutes, deadlineNote),
        h('div', { class: 'field' }, h('label', { for: 'ex-trials' }, 'Simulation'), trials),
        h('div', { class: 'field' }, h('label', { for: 'ex-seed' }, 'Seed'), seed),
      ),
      h(
        'fieldset',
        { class: 'choices' },
        h('legend', {}, 'Decisions students make'),
        ...ex.levers.map((l, i) =>
          h(
            'label',
            { for: `use-lever-${l.id}` },
            leverBoxes[i],
            ` ${l.label}`,
            h('span', { class: 'muted' }, l.team ? ` (team: ${teamName.get(l.team) ?? l.team})` : ' (everyone)'),
          ),
        ),
      ),
      h(
        'fieldset',
        { class: 'choices' },
        h('legend', {}, 'Questions students forecast'),
        ...ex.questions.map((q, i) => h('label', { for: `use-question-${q.id}` }, questionBoxes[i], ` ${q.label}`)),
      ),
      advanced,
      h('p', {}, h('button', { type: 'submit', class: 'primary', id: 'create-exercise' }, 'Start the exercise')),
    );
    form.onsubmit = async (event) => {
      event.preventDefault();
      message.clear();
      const m = Number(minutes.value);
      if (!(Number.isFinite(m) && m >= 1)) {
        message.error('Minutes until submissions close: give a whole number of minutes, at least 1.');
        minutes.focus();
        return;
      }
      let body: Record<string, unknown>;
      try {
        body = advanced.open ? (JSON.parse(json.value) as Record<string, unknown>) : current();
      } catch (e) {
        message.error(`The JSON does not parse: ${(e as Error).message}`);
        json.focus();
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
    };
  };
  return {
    destroy() {
      alive = false;
    },
  };
}

// ---------------------------------------------------------------- teacher: dashboard

function teacherDashboard(root: HTMLElement, id: string, token: string): View {
  document.title = 'georisk — classroom (teacher)';
  const { message, body } = classroomScreen(root, 'teacher', 'Classroom exercise');
  let timer: ReturnType<typeof setTimeout> | undefined;
  let charts: ChartFigure[] = [];
  let alive = true;
  let shown: 'open' | 'revealed' | undefined;
  const status = h('p', { id: 'submitted-count', class: 'submitted-count', role: 'status', 'aria-live': 'polite' });
  const roster = h('ul', { class: 'roster', id: 'roster', 'aria-label': 'students' });
  const deadlineText = h('p', { class: 'deadline', id: 'deadline' });

  const showDebrief = (view: DebriefView) => {
    for (const c of charts) c.destroy();
    const { element, charts: made } = renderDebrief(view, {
      onCsv: () =>
        api.csv(id, token).then(
          (text) => download(`debrief-${id.slice(0, 8)}.csv`, text, 'text/csv'),
          (e) => message.error(e),
        ),
    });
    charts = made;
    body.append(element);
    drawAll(charts);
  };

  const refresh = async () => {
    try {
      const t = await api.teacher(id, token);
      if (!alive) return;
      const ex = t.exercise;
      (root.querySelector('#teacher-title') as HTMLElement).textContent = ex.title;
      document.title = `georisk — ${ex.title} (teacher)`;
      const teamName = new Map(ex.teams.map((x) => [x.id, x.name]));
      status.textContent = `${t.submitted} of ${t.students.length} ${t.students.length === 1 ? 'student has' : 'students have'} submitted (class limit ${t.limits.maxStudents}).`;
      replace(
        roster,
        ...t.students.map((s) =>
          h(
            'li',
            { 'data-student': s.id, class: s.submittedAt ? 'done' : 'waiting' },
            h('span', { class: 'name' }, s.name),
            s.team ? h('span', { class: 'muted' }, ` · ${teamName.get(s.team) ?? s.team}`) : null,
            h('span', { class: 'state' }, s.submittedAt ? ` ✓ submitted ${clockTime(s.submittedAt)}` : ' · not yet'),
          ),
        ),
      );
      const left = Date.parse(ex.deadline) - Date.now();
      deadlineText.textContent =
        t.status === 'revealed'
          ? 'Revealed: submissions are closed.'
          : `Submissions close at ${clockTime(ex.deadline)} (${relative(left)}).`;
      if (shown !== t.status) {
        shown = t.status;
        const revealButton = h(
          'button',
          { type: 'button', class: 'primary big', id: 'reveal', 'aria-describedby': 'reveal-hint' },
          'Reveal the results',
        );
        revealButton.addEventListener('click', async () => {
          revealButton.disabled = true;
          message.say('Running the scenario with the class’s decisions and without them…');
          try {
            await api.reveal(id, token);
            message.clear();
            shown = undefined;
            await refresh();
          } catch (e) {
            message.error(e);
            revealButton.disabled = false;
          }
        });
        const link = `${location.origin}${location.pathname}#/teach/${id}?token=${token}`;
        replace(
          body,
          h(
            'div',
            { class: 'dashboard' },
            h(
              'div',
              { class: 'join-panel' },
              h(
                'p',
                { class: 'join-instructions' },
                'Students open ',
                h('strong', {}, `${location.host}${location.pathname}#/join`),
                ' and type',
              ),
              h('p', { class: 'join-code', id: 'join-code', 'aria-label': `join code ${t.joinCode.split('').join(' ')}` }, t.joinCode),
              deadlineText,
            ),
            h(
              'div',
              { class: 'submissions-panel' },
              status,
              roster,
              t.status === 'open'
                ? h(
                    'p',
                    { class: 'reveal-row' },
                    revealButton,
                    h(
                      'span',
                      { class: 'hint', id: 'reveal-hint' },
                      ' Closes submissions, runs the scenario twice (with and without the class’s decisions) and shows everyone the debrief.',
                    ),
                  )
                : null,
            ),
          ),
          h(
            'details',
            { class: 'teacher-link no-print' },
            h('summary', {}, 'Your private teacher link'),
            h('p', { class: 'hint' }, 'Anyone with this link can reveal the exercise. Bookmark it; do not project it.'),
            h('input', { type: 'text', readonly: true, value: link, id: 'teacher-link', 'aria-label': 'teacher link', class: 'wide' }),
          ),
        );
        if (t.status === 'revealed') showDebrief(await api.debrief(id, token));
      }
      if (t.status === 'open') timer = setTimeout(refresh, 4000);
    } catch (e) {
      if (!alive) return;
      message.error(e);
      if (!(e instanceof ClassroomError) || e.status === 0 || e.status >= 500) timer = setTimeout(refresh, 8000);
    }
  };
  if (!token) message.error('This teacher link has no token. Open the full link you got when you started the exercise.');
  else void refresh();
  return {
    destroy() {
      alive = false;
      clearTimeout(timer);
      for (const c of charts) c.destroy();
    },
  };
}

// ---------------------------------------------------------------- student: join

function joinScreen(root: HTMLElement, code: string): View {
  document.title = 'georisk — join a class';
  const message = messageBox('join-message');
  const codeInput = h('input', {
    id: 'join-code-input',
    type: 'text',
    value: code,
    maxlength: 6,
    autocomplete: 'off',
    autocapitalize: 'characters',
    spellcheck: false,
    required: true,
    'aria-describedby': 'join-code-hint',
  });
  const nameInput = h('input', {
    id: 'join-name',
    type: 'text',
    maxlength: 40,
    autocomplete: 'nickname',
    required: true,
    'aria-describedby': 'join-name-hint',
  });
  const form = h(
    'form',
    { class: 'class-form join-form', id: 'join-form', novalidate: true },
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'join-code-input' }, 'Join code'),
      codeInput,
      h('p', { class: 'hint', id: 'join-code-hint' }, 'Six letters and digits, as your teacher shows them.'),
    ),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'join-name' }, 'Display name'),
      nameInput,
      h(
        'p',
        { class: 'hint', id: 'join-name-hint' },
        'How the class will see you on the leaderboard (up to 40 characters). No account needed.',
      ),
    ),
    h('p', {}, h('button', { type: 'submit', class: 'primary', id: 'join-button' }, 'Join')),
  );
  form.onsubmit = async (event) => {
    event.preventDefault();
    message.clear();
    const button = form.querySelector('button') as HTMLButtonElement;
    button.disabled = true;
    try {
      const joined = await api.join(codeInput.value, nameInput.value);
      saveStudentToken(joined.exerciseId, joined.studentToken);
      location.hash = `#/class/${joined.exerciseId}`;
    } catch (e) {
      message.error(e);
      button.disabled = false;
      const path = e instanceof ClassroomError ? e.path : '';
      (path === 'name' ? nameInput : codeInput).focus();
    }
  };
  replace(
    root,
    h(
      'section',
      { class: 'classroom-screen narrow', 'aria-labelledby': 'join-title' },
      h('h1', { id: 'join-title', tabindex: -1 }, 'Join a classroom exercise'),
      message.element,
      form,
    ),
  );
  return { destroy() {} };
}

// ---------------------------------------------------------------- student: briefing, form, debrief

/** The input for one lever. */
function leverInput(lever: Lever, value: string | number | undefined, disabled: boolean): HTMLElement {
  const description = lever.description ? h('p', { class: 'hint', id: `lever-${lever.id}-hint` }, lever.description) : null;
  if (lever.kind === 'choice') {
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

/** The input for one question: a probability in percent, or a number. */
function questionInput(q: Question, value: number | undefined, disabled: boolean): HTMLElement {
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

function studentScreen(root: HTMLElement, id: string): View {
  document.title = 'georisk — classroom';
  const { message, body } = classroomScreen(root, 'student', 'Classroom exercise');
  const token = studentToken(id);
  let alive = true;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let charts: ChartFigure[] = [];
  let shown: string | undefined;
  if (!token) {
    replace(
      body,
      h('p', {}, 'This browser has not joined this exercise. ', h('a', { href: '#/join' }, 'Join with the code your teacher shows.')),
    );
    return { destroy() {} };
  }

  const renderForm = (view: Awaited<ReturnType<typeof api.me>>, open: boolean) => {
    const ex = view.exercise;
    const team = ex.teams.find((t) => t.id === view.student.team);
    const mine = ex.levers.filter((l) => l.team === undefined || l.team === view.student.team);
    const saved = h('p', { id: 'saved-status', role: 'status', 'aria-live': 'polite', class: 'muted' });
    if (view.submittedAt)
      saved.textContent = `Your answers were saved at ${clockTime(view.submittedAt)}. You can change them until the deadline.`;
    const form = h(
      'form',
      { class: 'class-form', id: 'submission-form', novalidate: true },
      mine.length
        ? h(
            'section',
            { class: 'decisions', 'aria-labelledby': 'decisions-title' },
            h('h2', { id: 'decisions-title' }, team ? `Your team's decisions (${team.name})` : 'Your decisions'),
            ...mine.map((l) => leverInput(l, view.submission?.decisions[l.id], !open)),
          )
        : null,
      h(
        'section',
        { class: 'forecasts', 'aria-labelledby': 'forecasts-title' },
        h('h2', { id: 'forecasts-title' }, 'Your forecasts for the next 30 days'),
        h(
          'p',
          { class: 'hint' },
          'Probabilities in percent (0–100). Say what you believe, not what you hope: the scores reward honest numbers.',
        ),
        ...ex.questions.map((q) => questionInput(q, view.submission?.forecasts[q.id], !open)),
      ),
      h(
        'p',
        {},
        h(
          'button',
          { type: 'submit', class: 'primary', id: 'submit-answers', disabled: !open },
          view.submission ? 'Update my answers' : 'Submit my answers',
        ),
      ),
      saved,
    );
    form.onsubmit = async (event) => {
      event.preventDefault();
      message.clear();
      const forecasts: Record<string, number> = {};
      for (const q of ex.questions) {
        const input = form.querySelector(`#forecast-${q.id}`) as HTMLInputElement;
        if (input.value.trim() === '') {
          message.error(`"${q.label}": give a forecast.`);
          input.focus();
          return;
        }
        const x = Number(input.value);
        if (q.kind === 'probability' && !(x >= 0 && x <= 100)) {
          message.error(`"${q.label}": give a percentage from 0 to 100.`);
          input.focus();
          return;
        }
        forecasts[q.id] = q.kind === 'probability' ? x / 100 : x;
      }
      const decisions: Submission['decisions'] = {};
      for (const l of mine) {
        if (l.kind === 'choice') {
          const picked = form.querySelector(`input[name="lever-${l.id}"]:checked`) as HTMLInputElement | null;
          if (!picked) {
            message.error(`"${l.label}": choose one option.`);
            (form.querySelector(`input[name="lever-${l.id}"]`) as HTMLInputElement).focus();
            return;
          }
          decisions[l.id] = picked.value;
        } else decisions[l.id] = Number((form.querySelector(`#lever-${l.id}`) as HTMLInputElement).value);
      }
      const button = form.querySelector('#submit-answers') as HTMLButtonElement;
      button.disabled = true;
      try {
        const r = await api.submit(id, token, { forecasts, decisions });
        saved.textContent = `Saved at ${clockTime(r.submittedAt)}. You can change your answers until the deadline.`;
        button.textContent = 'Update my answers';
      } catch (e) {
        message.error(e);
        if (e instanceof ClassroomError && e.path) {
          const [kind, key] = e.path.split('.');
          const target =
            kind === 'forecasts' ? form.querySelector(`#forecast-${key}`) : form.querySelector(`#lever-${key}, input[name="lever-${key}"]`);
          (target as HTMLElement | null)?.focus();
        }
      } finally {
        button.disabled = false;
      }
    };
    return form;
  };

  const refresh = async () => {
    try {
      const view = await api.me(id, token);
      if (!alive) return;
      const ex = view.exercise;
      (root.querySelector('#student-title') as HTMLElement).textContent = ex.title;
      document.title = `georisk — ${ex.title}`;
      const serverSkew = Date.parse(view.now) - Date.now();
      const left = Date.parse(ex.deadline) - (Date.now() + serverSkew);
      const open = view.status === 'open' && left > 0;
      const state = `${view.status}:${open}`;
      if (shown !== state) {
        shown = state;
        const team = ex.teams.find((t) => t.id === view.student.team);
        replace(
          body,
          h(
            'p',
            { class: 'whoami', id: 'whoami' },
            'You are ',
            h('strong', {}, view.student.name),
            team ? ' in the team ' : null,
            team ? h('strong', {}, team.name) : null,
            '. ',
            view.status === 'revealed'
              ? 'The results are out.'
              : open
                ? `Submissions close at ${clockTime(ex.deadline)} (${relative(left)}).`
                : 'The deadline has passed: waiting for your teacher to reveal the results.',
          ),
          view.status === 'revealed'
            ? null
            : h('details', { class: 'briefing-box', open: true }, h('summary', {}, 'Briefing'), briefing(ex.briefing)),
          view.status === 'revealed' ? null : renderForm(view, open),
        );
        if (view.status === 'revealed') {
          for (const c of charts) c.destroy();
          const debrief = await api.debrief(id, token);
          const { element, charts: made } = renderDebrief(debrief, {
            me: view.student.id,
            onCsv: () =>
              api.csv(id, token).then(
                (text) => download(`debrief-${id.slice(0, 8)}.csv`, text, 'text/csv'),
                (e) => message.error(e),
              ),
          });
          charts = made;
          body.append(element);
          drawAll(charts);
        }
      }
      if (view.status === 'open') timer = setTimeout(refresh, open ? Math.min(10_000, Math.max(1000, left + 500)) : 5000);
    } catch (e) {
      if (!alive) return;
      message.error(e);
      if (!(e instanceof ClassroomError) || e.status === 0 || e.status >= 500) timer = setTimeout(refresh, 8000);
    }
  };
  void refresh();
  return {
    destroy() {
      alive = false;
      clearTimeout(timer);
      for (const c of charts) c.destroy();
    },
  };
}
