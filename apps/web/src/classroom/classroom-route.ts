/**
 * The classroom screens, under their own hash routes:
 * - `#/teach`: the teacher sets an exercise from a template (teach.ts);
 * - `#/teach/<id>?token=…`: the teacher's dashboard: join code, who has submitted, reveal, debrief (teacher.ts);
 * - `#/join`: a student joins with the code and a display name (join.ts);
 * - `#/class/<id>`: the student's briefing, decisions and forecasts, then the debrief (student.ts).
 * Text from teachers and students is always set as text (`h()`), never as HTML.
 */
import { joinScreen } from './join.ts';
import type { ClassroomView } from './shell.ts';
import { studentScreen } from './student.ts';
import { teacherSetup } from './teach.ts';
import { teacherDashboard } from './teacher.ts';
import '../classroom.css';

let current: ClassroomView | undefined;

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
  headerLink(hash);
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

/** The header's Classroom link: a student's pages lead back to joining, never to the teacher's setup. */
function headerLink(hash: string): void {
  const link = document.querySelector<HTMLAnchorElement>('a.class-link');
  if (link) link.href = /^#\/(join|class)(\/|\?|$)/.test(hash) ? '#/join' : '#/teach';
}
