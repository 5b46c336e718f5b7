/** The shell every classroom screen shares: its lifetime, a message area, and a heading over a body it fills. */
import { ClassroomError } from '../classroom-api.ts';
import { h, replace } from '../dom.ts';

/** A classroom screen while it is shown. */
export interface ClassroomView {
  destroy(): void;
}

/** A message area for errors (role=alert) or news (role=status). */
export interface MessageBox {
  element: HTMLElement;
  error(e: unknown): void;
  say(text: string): void;
  clear(): void;
}

/** Makes a message area with id `id`. */
export function messageBox(id: string): MessageBox {
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
export function classroomScreen(root: HTMLElement, key: string, title: string): { message: MessageBox; body: HTMLElement } {
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

/** Whether a failed refresh is worth retrying: the network or the server, not a refusal. */
export function worthRetrying(e: unknown): boolean {
  return !(e instanceof ClassroomError) || e.status === 0 || e.status >= 500;
}
