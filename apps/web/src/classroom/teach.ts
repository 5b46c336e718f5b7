/** The teacher's setup screen (`#/teach`): pick a ready exercise, adjust it and start it. */
import { api, type Template } from '../classroom-api.ts';
import { h, replace } from '../dom.ts';
import { fillSetupForm } from './setup-form.ts';
import { type ClassroomView, messageBox } from './shell.ts';

/** Shows the setup screen and fills its form from the first template once the server lists them. */
export function teacherSetup(root: HTMLElement): ClassroomView {
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
  const fill = (t: Template) => fillSetupForm(form, t, templates, message, fill);
  api.templates().then(
    (list) => {
      if (!alive) return;
      templates = list;
      const first = list[0];
      if (first === undefined) message.error('The server has no exercise templates (scenarios/exercises/).');
      else fill(first);
    },
    (e) => message.error(e),
  );
  return {
    destroy() {
      alive = false;
    },
  };
}
