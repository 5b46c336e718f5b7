/** The student's screen (`#/class/<id>`): the briefing, decisions and forecasts until the deadline, then the debrief. */
import type { ChartFigure } from '../charts.ts';
import { api, type StudentView, studentToken } from '../classroom-api.ts';
import { h, replace } from '../dom.ts';
import { STUDENT_POLL_MS } from './poll-intervals.ts';
import { type ClassroomView, classroomScreen, worthRetrying } from './shell.ts';
import { showDebrief } from './show-debrief.ts';
import { studentForm } from './student-form.ts';
import { clockTime, relative } from './time-text.ts';

/** The briefing's paragraphs. */
function briefing(text: string): HTMLElement {
  return h('div', { class: 'briefing', id: 'briefing' }, ...text.split(/\n\s*\n/).map((p) => h('p', {}, p)));
}

/**
 * The briefings: a seminar's released turns, the open one first and open, the earlier ones folded
 * below it; the exercise's own briefing last (folded in a seminar, since students read it in turn 1).
 */
function briefings(ex: StudentView['exercise']): HTMLElement[] {
  const turns = ex.turns ?? [];
  const open = turns.at(-1);
  const count = ex.turnCount ?? turns.length;
  const box = (title: string, text: string, isOpen: boolean, id?: string) =>
    h(
      'details',
      { class: 'briefing-box', ...(isOpen ? { open: true } : {}), ...(id ? { id } : {}) },
      h('summary', {}, title),
      briefing(text),
    );
  if (!open) return [box('Briefing', ex.briefing, true)];
  return [
    h('h2', { class: 'turn-heading', id: 'turn-heading' }, `Turn ${turns.length} of ${count}: ${open.title}`),
    box('What you learn in this turn', open.briefing, true, 'turn-briefing'),
    ...turns
      .slice(0, -1)
      .reverse()
      .map((t, i) => box(`Turn ${turns.length - 1 - i}: ${t.title}`, t.briefing, false)),
    box('The exercise', ex.briefing, false),
  ];
}

/** "You are … in the team …", and where the exercise stands. */
function whoami(view: StudentView, open: boolean, left: number): HTMLElement {
  const ex = view.exercise;
  const team = ex.teams.find((t) => t.id === view.student.team);
  return h(
    'p',
    { class: 'whoami', id: 'whoami' },
    'You are ',
    h('strong', {}, view.student.name),
    team ? ' in the team ' : null,
    team ? h('strong', {}, team.name) : null,
    '. ',
    team?.aims ? h('span', { class: 'team-aims', id: 'team-aims' }, `Your team's aims: ${team.aims} `) : null,
    view.status === 'revealed'
      ? 'The results are out.'
      : open
        ? `Submissions close at ${clockTime(ex.deadline)} (${relative(left)}).`
        : 'The deadline has passed: waiting for your teacher to reveal the results.',
  );
}

/** Shows the student's screen for exercise `id`, polling until the reveal. */
export function studentScreen(root: HTMLElement, id: string): ClassroomView {
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
      const state = `${view.status}:${open}:${ex.turn ?? 0}`;
      if (shown !== state) {
        shown = state;
        const revealed = view.status === 'revealed';
        replace(
          body,
          whoami(view, open, left),
          ...(revealed ? [] : briefings(ex)),
          revealed ? null : studentForm(view, open, { id, token }, message),
        );
        if (revealed) {
          for (const c of charts) c.destroy();
          const debrief = await api.debrief(id, token);
          charts = showDebrief(body, debrief, { id, token, me: view.student.id }, message);
        }
      }
      if (view.status === 'open') timer = setTimeout(refresh, open ? Math.min(STUDENT_POLL_MS, Math.max(1000, left + 500)) : 5000);
    } catch (e) {
      if (!alive) return;
      message.error(e);
      if (worthRetrying(e)) timer = setTimeout(refresh, 8000);
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
