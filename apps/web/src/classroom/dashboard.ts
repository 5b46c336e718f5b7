/** The parts of the teacher's dashboard: the roster, the reveal button, and the join and submissions panels. */
import { api, type TeacherView } from '../classroom-api.ts';
import { h, replace } from '../dom.ts';
import type { MessageBox } from './shell.ts';
import { clockTime } from './time-text.ts';

/** Fills the roster with each student, their team and whether they have submitted. */
export function fillRoster(roster: HTMLElement, t: TeacherView): void {
  const teamName = new Map(t.exercise.teams.map((x) => [x.id, x.name]));
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
}

/** The button that reveals the results; `onRevealed` runs once the server has run both scenarios. */
export function revealButton(id: string, token: string, message: MessageBox, onRevealed: () => Promise<void>): HTMLButtonElement {
  const button = h(
    'button',
    { type: 'button', class: 'primary big', id: 'reveal', 'aria-describedby': 'reveal-hint' },
    'Reveal the results',
  );
  button.addEventListener('click', async () => {
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
}

/** The join code panel and the submissions panel, with the reveal row while the exercise is open. */
function dashboardPanels(t: TeacherView, parts: DashboardParts, reveal: HTMLButtonElement): HTMLElement {
  return h(
    'div',
    { class: 'dashboard' },
    h(
      'div',
      { class: 'join-panel' },
      h('p', { class: 'join-instructions' }, 'Students open ', h('strong', {}, `${location.host}${location.pathname}#/join`), ' and type'),
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
              ' Closes submissions, runs the scenario twice (with and without the class’s decisions) and shows everyone the debrief.',
            ),
          )
        : null,
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
