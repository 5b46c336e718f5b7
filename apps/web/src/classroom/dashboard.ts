/** The parts of the teacher's dashboard: the roster, the reveal button, and the join and submissions panels. */
import { api, type TeacherView } from '../classroom-api.ts';
import { h, replace } from '../dom.ts';
import type { MessageBox } from './shell.ts';
import { clockTime } from './time-text.ts';
import { turnPanel, turnsLeft } from './turn-panel.ts';
import { warningWords } from './warning-words.ts';

/** What the teacher may do to the roster while the exercise is open; the dashboard refreshes after each change. */
export interface RosterActions {
  access: { id: string; token: string };
  message: MessageBox;
  changed: () => Promise<void>;
}

/**
 * Fills the roster with each student, their team and whether they have submitted; while the exercise
 * is open, each row can be moved to another team or removed (a lost tab, a test join). The list is
 * redrawn only when it changed, so a team choice being made is not swept away by the next poll.
 */
export function fillRoster(roster: HTMLElement, t: TeacherView, actions: RosterActions): void {
  const signature = JSON.stringify([t.status, t.students.map((s) => [s.id, s.team, s.submittedAt])]);
  if (roster.dataset.signature === signature) return;
  roster.dataset.signature = signature;
  const teamName = new Map(t.exercise.teams.map((x) => [x.id, x.name]));
  const open = t.status === 'open';
  replace(
    roster,
    ...t.students.map((s) =>
      h(
        'li',
        { 'data-student': s.id, class: s.submittedAt ? 'done' : 'waiting' },
        h('span', { class: 'name' }, s.name),
        s.team && !(open && t.exercise.teams.length > 1) ? h('span', { class: 'muted' }, ` · ${teamName.get(s.team) ?? s.team}`) : null,
        h('span', { class: 'state' }, s.submittedAt ? ` ✓ submitted ${clockTime(s.submittedAt)}` : ' · not yet'),
        open ? rosterControls(s, t, actions) : null,
      ),
    ),
  );
}

/** A row's team choice and remove button. */
function rosterControls(s: TeacherView['students'][number], t: TeacherView, actions: RosterActions): HTMLElement {
  const { access, message, changed } = actions;
  const controls = h('span', { class: 'roster-controls no-print' });
  if (t.exercise.teams.length > 1) {
    const select = h(
      'select',
      { 'aria-label': `team of ${s.name}`, class: 'roster-team' },
      ...t.exercise.teams.map((x) => h('option', { value: x.id, ...(x.id === s.team ? { selected: true } : {}) }, x.name)),
    );
    select.addEventListener('change', async () => {
      try {
        await api.moveStudent(access.id, access.token, s.id, select.value);
        message.say(`${s.name} moved to ${select.selectedOptions[0]?.textContent ?? select.value}.`);
      } catch (e) {
        message.error(e);
      }
      await changed();
    });
    controls.append(select);
  }
  const remove = h('button', { type: 'button', class: 'link-button roster-remove', 'aria-label': `remove ${s.name}` }, 'Remove');
  remove.addEventListener('click', async () => {
    const lost = s.submittedAt ? ' Their submission is deleted too.' : '';
    if (!window.confirm(`Remove ${s.name} from the class?${lost} They can join again with the code.`)) return;
    try {
      await api.removeStudent(access.id, access.token, s.id);
      message.say(`${s.name} was removed.`);
    } catch (e) {
      message.error(e);
    }
    await changed();
  });
  controls.append(remove);
  return controls;
}

/**
 * Asks before a reveal that would close submissions early: while some students have not submitted or
 * the deadline has not passed. True to go ahead.
 */
export function confirmReveal(t: TeacherView, now = Date.now()): boolean {
  const missing = t.students.length - t.submitted;
  const left = Date.parse(t.exercise.deadline) - now;
  const reasons: string[] = [];
  if (missing > 0) reasons.push(`${t.submitted} of ${t.students.length} students have submitted`);
  if (left > 0) reasons.push(`submissions stay open until ${clockTime(t.exercise.deadline)}`);
  if (reasons.length === 0) return true;
  return window.confirm(`${reasons.join(', and ')}. Reveal now and close submissions for everyone?`);
}

/** The button that reveals the results; `onRevealed` runs once the server has run both scenarios. */
export function revealButton(
  id: string,
  token: string,
  message: MessageBox,
  latest: () => TeacherView | undefined,
  onRevealed: () => Promise<void>,
): HTMLButtonElement {
  const button = h(
    'button',
    { type: 'button', class: 'primary big', id: 'reveal', 'aria-describedby': 'reveal-hint' },
    'Reveal the results',
  );
  button.addEventListener('click', async () => {
    const t = latest();
    if (t !== undefined && !confirmReveal(t)) return;
    button.disabled = true;
    message.say('Running the scenario with the class’s decisions and without them…');
    try {
      await api.reveal(id, token);
      message.clear();
      await onRevealed();
    } catch (e) {
      message.error(e);
      button.disabled = false;
    }
  });
  return button;
}

/** The live parts of the dashboard, kept across redraws. */
export interface DashboardParts {
  status: HTMLElement;
  roster: HTMLElement;
  deadlineText: HTMLElement;
  /** The creation check's warnings and a failed reveal, while the exercise is open. */
  notices: HTMLElement;
}

/**
 * Fills the notices: why the last reveal failed (the exercise stays open, so the teacher can act on
 * it) and the values the exercise offers outside their parameter's range. Redrawn only when they change.
 */
export function fillNotices(notices: HTMLElement, t: TeacherView): void {
  const failed = t.status === 'open' ? (t.revealError ?? null) : null;
  const warnings = t.status === 'open' ? (t.warnings ?? []) : [];
  const signature = JSON.stringify([failed, warnings]);
  if (notices.dataset.signature === signature) return;
  notices.dataset.signature = signature;
  replace(
    notices,
    failed
      ? h(
          'p',
          { class: 'bad', id: 'reveal-failed', role: 'alert' },
          `The last ${turnsLeft(t) ? 'turn close' : 'reveal'} (${clockTime(failed.at)}) failed: ${failed.message}. `,
          'The exercise is still open: ask the students whose decision cannot run to change it, or remove them, then try again.',
        )
      : null,
    warnings.length > 0
      ? h(
          'div',
          { class: 'warn', id: 'exercise-warnings', role: 'note' },
          h(
            'p',
            {},
            'The exercise runs. These lever values lie outside the range their parameter declares for the world without a decision: ',
            'a decision may mean that ("do not invoke it" sets a rate to 0), but check that each is what you meant.',
          ),
          h('ul', {}, ...warnings.map((w) => h('li', { title: w.path }, warningWords(t.exercise, w)))),
        )
      : null,
  );
}

/** The join code panel and the submissions panel, with the reveal row while the exercise is open. */
function dashboardPanels(t: TeacherView, parts: DashboardParts, reveal: HTMLButtonElement): HTMLElement {
  return h(
    'div',
    { class: 'dashboard' },
    h(
      'div',
      { class: 'join-panel' },
      joinInstructions(t),
      h('p', { class: 'join-code', id: 'join-code', 'aria-label': `join code ${t.joinCode.split('').join(' ')}` }, t.joinCode),
      parts.deadlineText,
    ),
    h(
      'div',
      { class: 'submissions-panel' },
      parts.status,
      parts.roster,
      t.status === 'open'
        ? h(
            'p',
            { class: 'reveal-row' },
            reveal,
            h(
              'span',
              { class: 'hint', id: 'reveal-hint' },
              turnsLeft(t)
                ? ' Closes this turn’s submissions, plays the turn with and without the class’s decisions (kept for the debrief) and shows everyone the next turn’s briefing and questions.'
                : ' Closes submissions, runs the scenario twice (with and without the class’s decisions) and shows everyone the debrief.',
            ),
          )
        : null,
    ),
  );
}

/**
 * Where students open the join page: the server's own addresses when it listens on every interface
 * (the page's address may be localhost, useless on a student's device), a warning when it listens on
 * this computer only, else the page's address.
 */
function joinInstructions(t: TeacherView): HTMLElement {
  if (t.join.loopbackOnly) {
    return h(
      'div',
      { class: 'join-instructions' },
      h(
        'p',
        { class: 'bad', role: 'note', id: 'join-loopback' },
        'This server listens on this computer only: students’ devices cannot reach it. Restart it with ',
        h('code', {}, 'pnpm start --host 0.0.0.0'),
        ' (or GEORISK_HOST=0.0.0.0) so the class can join.',
      ),
      h('p', {}, 'Then students open its address followed by ', h('strong', {}, '/#/join'), ' and type'),
    );
  }
  const urls = t.join.urls.length > 0 ? t.join.urls : [`${location.host}${location.pathname}#/join`];
  return h(
    'div',
    { class: 'join-instructions' },
    h(
      'p',
      {},
      'Students open ',
      ...urls.flatMap((u, i) => [i > 0 ? ' or ' : '', h('strong', { class: 'join-url' }, u.replace(/^http:\/\//, ''))]),
      ' and type',
    ),
  );
}

/** Redraws the dashboard's body for exercise `id`: the panels and the teacher's private link. */
export function showDashboard(
  body: HTMLElement,
  access: { id: string; token: string },
  t: TeacherView,
  parts: DashboardParts,
  reveal: HTMLButtonElement,
): void {
  const link = `${location.origin}${location.pathname}#/teach/${access.id}?token=${access.token}`;
  replace(
    body,
    turnPanel(t),
    parts.notices,
    dashboardPanels(t, parts, reveal),
    h(
      'details',
      { class: 'teacher-link no-print' },
      h('summary', {}, 'Your private teacher link'),
      h('p', { class: 'hint' }, 'Anyone with this link can reveal the exercise. Bookmark it; do not project it.'),
      h('input', { type: 'text', readonly: true, value: link, id: 'teacher-link', 'aria-label': 'teacher link', class: 'wide' }),
    ),
  );
}
