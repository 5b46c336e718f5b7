/** The teacher's dashboard (`#/teach/<id>?token=…`): the join code, who has submitted, the reveal, then the debrief. */
import type { ChartFigure } from '../charts.ts';
import { api, type TeacherView } from '../classroom-api.ts';
import { h } from '../dom.ts';
import { type DashboardParts, fillNotices, fillRoster, type RosterActions, revealButton, showDashboard } from './dashboard.ts';
import { TEACHER_POLL_MS } from './poll-intervals.ts';
import { type ClassroomView, classroomScreen, worthRetrying } from './shell.ts';
import { showDebrief } from './show-debrief.ts';
import { clockTime, relative } from './time-text.ts';
import { advanceButton, turnsLeft } from './turn-panel.ts';

/** Updates the parts that change on every refresh: title, count, roster and deadline. */
function updateLiveParts(root: HTMLElement, t: TeacherView, parts: DashboardParts, actions: RosterActions): void {
  const ex = t.exercise;
  (root.querySelector('#teacher-title') as HTMLElement).textContent = ex.title;
  document.title = `georisk — ${ex.title} (teacher)`;
  // A seminar's roster is the open (last) turn's: say so, or it reads as if the class had not answered.
  const turns = ex.turns?.length ?? 1;
  const which = turns > 1 ? ` in turn ${t.turn + 1} of ${turns}` : '';
  parts.status.textContent = `${t.submitted} of ${t.students.length} ${t.students.length === 1 ? 'student has' : 'students have'} submitted${which} (class limit ${t.limits.maxStudents}).`;
  fillRoster(parts.roster, t, actions);
  fillNotices(parts.notices, t);
  const left = Date.parse(ex.deadline) - Date.now();
  parts.deadlineText.textContent =
    t.status === 'revealed' ? 'Revealed: submissions are closed.' : `Submissions close at ${clockTime(ex.deadline)} (${relative(left)}).`;
}

/** Shows the dashboard of exercise `id`, polling while it is open. */
export function teacherDashboard(root: HTMLElement, id: string, token: string): ClassroomView {
  document.title = 'georisk — classroom (teacher)';
  const { message, body } = classroomScreen(root, 'teacher', 'Classroom exercise');
  let timer: ReturnType<typeof setTimeout> | undefined;
  let charts: ChartFigure[] = [];
  let alive = true;
  let shown: string | undefined;
  let latest: TeacherView | undefined;
  const parts: DashboardParts = {
    status: h('p', { id: 'submitted-count', class: 'submitted-count', role: 'status', 'aria-live': 'polite' }),
    roster: h('ul', { class: 'roster', id: 'roster', 'aria-label': 'students' }),
    deadlineText: h('p', { class: 'deadline', id: 'deadline' }),
    notices: h('div', { class: 'notices', id: 'exercise-notices' }),
  };

  // A roster change refreshes at once (the poll timer restarts from it).
  const actions: RosterActions = {
    access: { id, token },
    message,
    changed: async () => {
      clearTimeout(timer);
      await refresh();
    },
  };
  const refresh = async (): Promise<void> => {
    try {
      const t = await api.teacher(id, token);
      if (!alive) return;
      latest = t;
      updateLiveParts(root, t, parts, actions);
      // A new turn redraws the dashboard like a reveal does.
      if (shown !== `${t.status}:${t.turn}`) {
        shown = `${t.status}:${t.turn}`;
        const again = async () => {
          shown = undefined;
          clearTimeout(timer);
          await refresh();
        };
        const reveal = turnsLeft(t)
          ? advanceButton(t, () => latest, { id, token }, message, again)
          : revealButton(id, token, message, () => latest, again);
        showDashboard(body, { id, token }, t, parts, reveal);
        if (t.status === 'revealed') {
          const view = await api.debrief(id, token);
          for (const c of charts) c.destroy();
          charts = showDebrief(body, view, { id, token }, message);
        }
      }
      if (t.status === 'open') timer = setTimeout(refresh, TEACHER_POLL_MS);
    } catch (e) {
      if (!alive) return;
      message.error(e);
      if (worthRetrying(e)) timer = setTimeout(refresh, 8000);
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
