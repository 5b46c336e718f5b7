/** The student's join screen (`#/join`): the join code and a display name; no account needed. */
import { api, ClassroomError, saveStudentToken } from '../classroom-api.ts';
import { h, replace } from '../dom.ts';
import { type ClassroomView, type MessageBox, messageBox } from './shell.ts';

/** The form's two inputs. */
function joinInputs(code: string) {
  return {
    codeInput: h('input', {
      id: 'join-code-input',
      type: 'text',
      value: code,
      maxlength: 6,
      autocomplete: 'off',
      autocapitalize: 'characters',
      spellcheck: false,
      required: true,
      'aria-describedby': 'join-code-hint',
    }),
    nameInput: h('input', {
      id: 'join-name',
      type: 'text',
      maxlength: 40,
      autocomplete: 'nickname',
      required: true,
      'aria-describedby': 'join-name-hint',
    }),
  };
}

/** The join form; submitting it joins and opens the student's screen, or says what to fix. */
function joinForm(code: string, message: MessageBox): HTMLFormElement {
  const { codeInput, nameInput } = joinInputs(code);
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
      const path = e instanceof ClassroomError ? e.path : '';
      message.error(inFieldWords(e, path));
      button.disabled = false;
      (path === 'name' ? nameInput : codeInput).focus();
    }
  };
  return form;
}

/** The form's labels for the API's field names, which a student never sees. */
const FIELD_LABELS: Record<string, string> = { code: 'Join code', name: 'Display name' };

/** An error about a field of the form, in the form's words ("Display name: it must not be empty", not 'name: "name" must …'). */
function inFieldWords(e: unknown, path: string): unknown {
  const label = FIELD_LABELS[path];
  if (label === undefined || !(e instanceof Error)) return e;
  const text = e.message.replace(`${path}: `, '').replace(`"${path}" must`, 'it must');
  return new Error(`${label}: ${text}`);
}

/** Shows the join screen, with `code` filled in when the link carries one. */
export function joinScreen(root: HTMLElement, code: string): ClassroomView {
  document.title = 'georisk — join a class';
  const message = messageBox('join-message');
  const form = joinForm(code, message);
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
