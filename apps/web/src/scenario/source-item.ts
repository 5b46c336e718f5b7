/** One source of a scenario or a parameter, as a list item with safe outgoing links; and text with its citations linked. */
import { h } from '../dom.ts';
import { citationHref, citationParts } from './citation-links.ts';

/** A source as written in a scenario: plain text, or a title with an optional link and note. */
export type Source = string | { title: string; url?: string | undefined; note?: string | undefined };

/** A link that opens in a new tab and gives the page opened no handle on this one. */
function outgoingLink(href: string, text: string): HTMLAnchorElement {
  return h('a', { href, target: '_blank', rel: 'noopener noreferrer' }, text);
}

/** `text` with each web address and research-note path in it turned into a link. */
export function linkedText(text: string): (Node | string)[] {
  return citationParts(text).map((p) => (p.href === undefined ? p.text : outgoingLink(p.href, p.text)));
}

/** Renders one source as a list item: its title linked to its `url`, or the citations in its text linked. */
export function sourceItem(s: Source): HTMLElement {
  if (typeof s === 'string') return h('li', {}, ...linkedText(s));
  const href = s.url === undefined ? undefined : citationHref(s.url);
  return h(
    'li',
    {},
    ...(href ? [outgoingLink(href, s.title)] : linkedText(s.title)),
    ...(s.note ? [h('span', { class: 'muted' }, ' — ', ...linkedText(s.note))] : []),
  );
}
