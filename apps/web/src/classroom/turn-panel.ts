/** A seminar on the teacher's dashboard: the open turn and its briefing, what the class decided in closed turns, and the button that moves the class on. */
import { api, type TeacherView } from '../classroom-api.ts';
import { h } from '../dom.ts';
import type { MessageBox } from './shell.ts';

/** Whether the exercise has turns still to come after the open one. */
export function turnsLeft(t: TeacherView): boolean {
  // Past the deadline no later turn could take answers: the server reveals the turns played instead.
  return t.exercise.turns !== undefined && t.turn < t.exercise.turns.length - 1 && Date.now() < Date.parse(t.exercise.deadline);
}

/** The open turn's title and briefing, and one line per closed turn with its decisions; null for a one-turn exercise. */
export function turnPanel(t: TeacherView): HTMLElement | null {
  const turns = t.exercise.turns;
  const open = turns?.[t.turn];
  if (!turns || !open) return null;
  const lever = new Map(t.exercise.levers.map((l) => [l.id, l]));
  const decided = (d: TeacherView['closedTurns'][number]['decisions'][number]) => {
    const l = lever.get(d.lever);
    const choice = l?.kind === 'choice' ? l.options.find((o) => o.id === d.decision)?.label : undefined;
    return h(
      'li',
      { 'data-lever': d.lever },
      `${l?.label ?? d.lever} `,
      h('strong', {}, d.decision === null ? 'nobody voted (no action)' : (choice ?? String(d.decision))),
    );
  };
  return h(
    'section',
    { class: 'turn-panel', id: 'turn-panel', 'aria-labelledby': 'turn-title' },
    h(
      'h2',
      { id: 'turn-title' },
      t.status === 'revealed' ? `All ${turns.length} turns played` : `Turn ${t.turn + 1} of ${turns.length}: ${open.title}`,
    ),
    t.status === 'revealed'
      ? null
      : h(
          'details',
          { class: 'briefing-box' },
          h('summary', {}, 'What this turn releases'),
          ...open.briefing.split(/\n\s*\n/).map((p) => h('p', {}, p)),
        ),
    t.closedTurns.length > 0
      ? h(
          'ul',
          { class: 'closed-turns', id: 'closed-turns' },
          ...t.closedTurns.map((c) =>
            h(
              'li',
              {},
              `Turn closed — ${c.title}: ${c.submitted} submitted.`,
              c.decisions.length > 0 ? h('ul', {}, ...c.decisions.map(decided)) : ' No decisions in this turn.',
            ),
          ),
        )
      : null,
  );
}

/** The button that closes the open turn (its runs are adjudicated) and releases the next one. */
export function advanceButton(
  t: TeacherView,
  latest: () => TeacherView | undefined,
  access: { id: string; token: string },
  message: MessageBox,
  onDone: () => Promise<void>,
): HTMLButtonElement {
  const next = t.exercise.turns?.[t.turn + 1];
  const button = h(
    'button',
    { type: 'button', class: 'primary big', id: 'advance', 'aria-describedby': 'reveal-hint' },
    `Close turn ${t.turn + 1} and release turn ${t.turn + 2}`,
  );
  button.addEventListener('click', async () => {
    const now = latest() ?? t;
    const missing = now.students.length - now.submitted;
    if (missing > 0 && !window.confirm(`${now.submitted} of ${now.students.length} students have submitted. Close this turn now?`)) return;
    button.disabled = true;
    message.say(`Playing turn ${t.turn + 1} with the class's decisions and without them…`);
    try {
      await api.advance(access.id, access.token);
      message.say(`Turn ${t.turn + 2} is open${next ? `: ${next.title}` : ''}.`);
      await onDone();
    } catch (e) {
      message.error(e);
      button.disabled = false;
    }
  });
  return button;
}
