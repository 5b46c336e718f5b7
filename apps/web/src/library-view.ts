/** The library screen: every bundled scenario with its question and tags, the scenarios saved to the server, and a search box. */
import { hindsightWords } from '@georisk/engine';
import { h, replace } from './dom.ts';
import type { LibraryItem } from './protocol.ts';
import type { SavedScenario } from './saved-scenarios.ts';
import { formatHash } from './url-state.ts';

/** Whether an item matches every word of the query (in its title, id, question, tags or file). */
export function matches(item: Pick<LibraryItem, 'id' | 'title' | 'question' | 'tags' | 'file'>, query: string): boolean {
  const text = [item.id, item.title, item.question, item.file, ...item.tags].join(' ').toLowerCase();
  return query
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((word) => text.includes(word));
}

/** A saved scenario's card: its title, question, when it was saved and its hash. */
function savedCard(s: SavedScenario): HTMLElement {
  const open = formatHash({ screen: 'scenario', id: s.id, overrides: {}, seed: 1, trials: 10_000, run: false });
  return h(
    'li',
    { class: 'card saved', 'data-id': s.id },
    h('h2', {}, h('a', { href: open }, s.title ?? s.id)),
    s.question ? h('p', { class: 'question' }, s.question) : null,
    h(
      'p',
      { class: 'meta' },
      h('span', { class: 'badge saved-badge' }, 'saved'),
      h('span', { class: 'file' }, ` ${s.createdAt.slice(0, 16).replace('T', ' ')} UTC · ${s.hash.slice(0, 12)}`),
      h('a', { href: formatHash({ screen: 'editor', id: s.id }), class: 'edit-link', 'aria-label': `Edit ${s.title ?? s.id}` }, 'Edit'),
    ),
  );
}

/** What a past episode's scenario knew of how it ended, as a badge (none for a teaching or made-up case). */
function hindsightBadge(item: LibraryItem): HTMLElement | null {
  const words = hindsightWords(item.scenario);
  return words ? h('span', { class: `badge hindsight hindsight-${words.kind}`, title: words.text }, words.badge) : null;
}

/** Draws the library; the returned function shows the saved scenarios once the server has listed them. */
export function renderLibrary(
  root: HTMLElement,
  items: LibraryItem[],
  query: string,
  onQuery: (q: string) => void,
): (saved: SavedScenario[]) => void {
  const list = h('ul', { class: 'library', id: 'library-list' });
  const savedList = h('ul', { class: 'library', id: 'saved-list' });
  const savedHeading = h('h2', { class: 'saved-heading', hidden: true }, 'Saved on this server');
  const count = h('p', { class: 'muted', role: 'status', 'aria-live': 'polite' });
  let saved: SavedScenario[] = [];
  const fill = (q: string) => {
    const savedShown = saved.filter((s) => matches({ ...s, title: s.title ?? '', question: s.question ?? '', file: '' }, q));
    replace(savedList, ...savedShown.map(savedCard));
    savedHeading.hidden = savedShown.length === 0;
    const shown = items.filter((i) => matches(i, q));
    replace(
      list,
      ...shown.map((item) =>
        h(
          'li',
          { class: 'card', 'data-id': item.id },
          h(
            'h2',
            {},
            h(
              'a',
              { href: formatHash({ screen: 'scenario', id: item.id, overrides: {}, seed: 1, trials: 10_000, run: false }) },
              item.title,
            ),
          ),
          item.question ? h('p', { class: 'question' }, item.question) : null,
          h(
            'p',
            { class: 'meta' },
            hindsightBadge(item),
            h('span', { class: 'file' }, item.file),
            h('a', { href: formatHash({ screen: 'editor', id: item.id }), class: 'edit-link', 'aria-label': `Edit ${item.title}` }, 'Edit'),
            item.notExact.length === 0
              ? h('span', { class: 'badge exact', title: 'the exact answer updates as you move a slider' }, 'live exact preview')
              : null,
          ),
          item.tags.length ? h('ul', { class: 'tags', 'aria-label': 'tags' }, ...item.tags.map((t) => h('li', {}, t))) : null,
        ),
      ),
    );
    count.textContent =
      `${shown.length} of ${items.length} scenarios` + (saved.length > 0 ? `, ${savedShown.length} of ${saved.length} saved` : '');
  };
  const search = h('input', {
    type: 'search',
    id: 'library-search',
    placeholder: 'Search title, question, tags…',
    value: query,
    autocomplete: 'off',
    oninput: (e: Event) => {
      const q = (e.target as HTMLInputElement).value;
      fill(q);
      onQuery(q);
    },
  });
  replace(
    root,
    h(
      'section',
      { class: 'library-screen', 'aria-labelledby': 'library-title' },
      h('h1', { id: 'library-title', tabindex: -1 }, 'Scenario library'),
      h(
        'p',
        { class: 'lede' },
        'Probabilistic escalation scenarios: pick one, move its assumptions, and read the outcome distributions with their uncertainty. Every run is reproducible from its seed.',
      ),
      h('p', {}, h('a', { href: '#/track-record', id: 'track-record-link' }, 'Track record: how the model scores out of sample')),
      h('label', { for: 'library-search', class: 'search-label' }, 'Search scenarios'),
      search,
      count,
      list,
      savedHeading,
      savedList,
    ),
  );
  fill(query);
  return (next) => {
    saved = next;
    fill(search.value);
  };
}
