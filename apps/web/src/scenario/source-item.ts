/** One source of a scenario or a parameter, as a list item with a safe outgoing link. */
import { h } from '../dom.ts';

/** A source as written in a scenario: plain text, or a title with an optional link and note. */
export type Source = string | { title: string; url?: string | undefined; note?: string | undefined };

/** Renders one source as a list item; a bare domain is linked over https. */
export function sourceItem(s: Source): HTMLElement {
  if (typeof s === 'string') return h('li', {}, s);
  const href = s.url === undefined ? undefined : /^https?:\/\//.test(s.url) ? s.url : `https://${s.url}`;
  return h(
    'li',
    {},
    href ? h('a', { href, target: '_blank', rel: 'noopener noreferrer' }, s.title) : s.title,
    s.note ? h('span', { class: 'muted' }, ` — ${s.note}`) : null,
  );
}
