/** Engine issues as a list a student can read. */
import type { Issue } from '@georisk/engine';
import { h } from '../dom.ts';

/** Renders issues as a list a student can read, or `fallback` when there are none. */
export function issueList(issues: Issue[], fallback: string): HTMLElement {
  if (issues.length === 0) return h('p', {}, fallback);
  return h(
    'ul',
    { class: 'issues' },
    ...issues.map((i) =>
      h(
        'li',
        {},
        i.path ? h('code', {}, i.path) : null,
        i.path ? ': ' : '',
        i.message,
        i.hint ? h('span', { class: 'hint' }, ` — ${i.hint}`) : null,
      ),
    ),
  );
}
