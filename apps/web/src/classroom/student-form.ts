/** The student's submission form: the team's decisions and the forecasts, checked before they are sent. */
import type { Submission } from '@georisk/engine/classroom';
import { api, ClassroomError, type StudentView } from '../classroom-api.ts';
import { h } from '../dom.ts';
import { leverInput } from './lever-input.ts';
import { questionInput } from './question-input.ts';
import type { MessageBox } from './shell.ts';
import { clockTime } from './time-text.ts';

type Exercise = StudentView['exercise'];
type Lever = Exercise['levers'][number];

/** A problem with one field: its input, and what to do. */
type FieldProblem = { input: HTMLElement; text: string };

/**
 * Says every problem at its field, where a phone's user who scrolls to it sees it (the message at the
 * top was 1,700 px away), and at the top how many there are; the focus goes to the first.
 */
function showProblems(found: readonly FieldProblem[], message: MessageBox): void {
  // In the page's order, whichever part of the form each came from.
  const problems = [...found].sort((a, b) => (a.input.compareDocumentPosition(b.input) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
  for (const [k, p] of problems.entries()) {
    const id = `field-problem-${k}`;
    const holder = p.input.closest('.field') ?? p.input.parentElement;
    holder?.append(h('p', { class: 'field-problem error', id, role: 'alert' }, p.text));
    p.input.setAttribute('aria-describedby', id);
  }
  const [first] = problems;
  if (first === undefined) return;
  message.error(problems.length === 1 ? first.text : `${first.text} (and ${problems.length - 1} more, each marked at its field)`);
  first.input.focus();
}

/** Takes away the problems shown at the fields by the last check. */
function clearProblems(form: HTMLFormElement): void {
  for (const p of form.querySelectorAll('.field-problem')) p.remove();
  for (const input of form.querySelectorAll('[aria-describedby^="field-problem-"]')) input.removeAttribute('aria-describedby');
}

/** The forecasts as typed (probabilities from percent), and a problem per field to fix. */
function readForecasts(form: HTMLFormElement, ex: Exercise, problems: FieldProblem[]): Record<string, number> {
  const forecasts: Record<string, number> = {};
  for (const q of ex.questions) {
    const input = form.querySelector(`#forecast-${q.id}`) as HTMLInputElement;
    if (input.value.trim() === '') {
      problems.push({ input, text: `"${q.label}": give a forecast.` });
      continue;
    }
    const x = Number(input.value);
    if (q.kind === 'probability' && !(x >= 0 && x <= 100)) {
      problems.push({ input, text: `"${q.label}": give a percentage from 0 to 100.` });
      continue;
    }
    forecasts[q.id] = q.kind === 'probability' ? x / 100 : x;
  }
  return forecasts;
}

/** The decisions as chosen, and a problem per choice missing. */
function readDecisions(form: HTMLFormElement, mine: Lever[], problems: FieldProblem[]): Submission['decisions'] {
  const decisions: Submission['decisions'] = {};
  for (const l of mine) {
    if (l.kind === 'choice') {
      const picked = form.querySelector(`input[name="lever-${l.id}"]:checked`) as HTMLInputElement | null;
      if (!picked) {
        problems.push({
          input: form.querySelector(`input[name="lever-${l.id}"]`) as HTMLInputElement,
          text: `"${l.label}": choose one option.`,
        });
        continue;
      }
      decisions[l.id] = picked.value;
    } else decisions[l.id] = Number((form.querySelector(`#lever-${l.id}`) as HTMLInputElement).value);
  }
  return decisions;
}

/** Moves the focus to the field the server's error names (`forecasts.<id>` or `decisions.<id>`). */
function focusErrorField(form: HTMLFormElement, e: unknown): void {
  if (!(e instanceof ClassroomError && e.path)) return;
  const [kind, key] = e.path.split('.');
  const target =
    kind === 'forecasts' ? form.querySelector(`#forecast-${key}`) : form.querySelector(`#lever-${key}, input[name="lever-${key}"]`);
  (target as HTMLElement | null)?.focus();
}

/** Checks and sends the answers, saying when they were saved. */
async function submitAnswers(
  form: HTMLFormElement,
  access: { id: string; token: string },
  ex: Exercise,
  mine: Lever[],
  parts: { message: MessageBox; saved: HTMLElement },
): Promise<void> {
  const { message, saved } = parts;
  message.clear();
  clearProblems(form);
  const problems: FieldProblem[] = [];
  const decisions = readDecisions(form, mine, problems);
  const forecasts = readForecasts(form, ex, problems);
  if (problems.length > 0) {
    showProblems(problems, message);
    return;
  }
  const button = form.querySelector('#submit-answers') as HTMLButtonElement;
  button.disabled = true;
  try {
    const r = await api.submit(access.id, access.token, { forecasts, decisions });
    saved.textContent = `Saved at ${clockTime(r.submittedAt)}. You can change your answers until the deadline.`;
    button.textContent = 'Update my answers';
  } catch (e) {
    message.error(e);
    focusErrorField(form, e);
  } finally {
    button.disabled = false;
  }
}

/** Renders the form for the student's view; the inputs are disabled once submissions are closed. */
export function studentForm(view: StudentView, open: boolean, access: { id: string; token: string }, message: MessageBox): HTMLFormElement {
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
    await submitAnswers(form, access, ex, mine, { message, saved });
  };
  return form;
}
