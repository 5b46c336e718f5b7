/** The app shell: hash routing between the library and a scenario. */
import { h, replace } from './dom.ts';
import { loadLibrary } from './engine-client.ts';
import { renderLibrary } from './library-view.ts';
import type { LibraryItem } from './protocol.ts';
import { renderScenario, type ScenarioView } from './scenario-view.ts';
import { formatHash, parseHash } from './url-state.ts';
import './styles.css';

const root = document.getElementById('app') as HTMLElement;
let items: LibraryItem[] | undefined;
let current: ScenarioView | undefined;

function route(): void {
  current?.destroy();
  current = undefined;
  const state = parseHash(location.hash);
  if (!items) {
    replace(root, h('p', { class: 'loading', role: 'status' }, 'Loading the scenario library…'));
    return;
  }
  if (state.screen === 'library') {
    document.title = 'georisk — scenario library';
    renderLibrary(root, items, state.query, (q) => history.replaceState(null, '', formatHash({ screen: 'library', query: q })));
  } else {
    const item = items.find((i) => i.id === state.id);
    if (!item) {
      replace(root, h('p', { role: 'alert' }, `No scenario "${state.id}" in the library. `, h('a', { href: '#/' }, 'Back to the library')));
      return;
    }
    document.title = `georisk — ${item.title}`;
    current = renderScenario(root, item, state);
  }
  window.scrollTo(0, 0);
  (root.querySelector('h1') as HTMLElement | null)?.focus({ preventScroll: true });
}

window.addEventListener('hashchange', route);
route();
loadLibrary().then(
  (library) => {
    items = library.items;
    for (const s of library.skipped) console.warn(`scenario ${s.file} left out: ${s.why}`);
    route();
  },
  (error: unknown) => replace(root, h('p', { role: 'alert' }, `The scenario library did not load: ${(error as Error).message}`)),
);
