/** The app shell: hash routing between the library, a scenario, the editor and the track record. */
import { classroomRoute, isClassroomHash } from './classroom/classroom-route.ts';
import { h, replace } from './dom.ts';
import { type EditorView, renderEditor } from './editor-view.ts';
import { loadLibrary } from './engine-client.ts';
import { renderLibrary } from './library-view.ts';
import type { LibraryItem } from './protocol.ts';
import { renderScenario, type ScenarioView } from './scenario/scenario-screen.ts';
import { isTrackRecordHash, renderTrackRecord } from './track-record-view.ts';
import { formatHash, parseHash } from './url-state.ts';
import './styles.css';

const root = document.getElementById('app') as HTMLElement;
let items: LibraryItem[] | undefined;
let current: ScenarioView | EditorView | undefined;
/** Closes the track record's charts when another screen replaces it. */
let closeTrackRecord: (() => void) | undefined;
/** Edited texts by the id they were opened from, kept while the page lives. */
const drafts = new Map<string, string>();

/** The scenario a new draft starts from when none is named. */
const TEMPLATE_ID = 'two-state-border-dispute';

function show(view: () => ScenarioView | EditorView): void {
  current?.destroy();
  current = view();
  window.scrollTo(0, 0);
  (root.querySelector('h1') as HTMLElement | null)?.focus({ preventScroll: true });
}

function route(): void {
  current?.destroy();
  current = undefined;
  // The classroom talks to the API server and needs no scenario library in the page.
  if (classroomRoute(root, location.hash)) return;
  closeTrackRecord?.();
  closeTrackRecord = undefined;
  // The track record is bundled data and needs no scenario library either.
  if (isTrackRecordHash(location.hash)) {
    closeTrackRecord = renderTrackRecord(root);
    window.scrollTo(0, 0);
    (root.querySelector('h1') as HTMLElement | null)?.focus({ preventScroll: true });
    return;
  }
  const state = parseHash(location.hash);
  if (!items) {
    replace(root, h('p', { class: 'loading', role: 'status' }, 'Loading the scenario library…'));
    return;
  }
  const library = items;
  if (state.screen === 'library') {
    document.title = 'georisk — scenario library';
    renderLibrary(root, library, state.query, (q) => history.replaceState(null, '', formatHash({ screen: 'library', query: q })));
    window.scrollTo(0, 0);
    (root.querySelector('h1') as HTMLElement | null)?.focus({ preventScroll: true });
    return;
  }
  if (state.screen === 'editor') {
    const from = library.find((i) => i.id === (state.id || TEMPLATE_ID)) ?? library[0];
    const key = state.id || TEMPLATE_ID;
    const text = drafts.get(key) ?? from?.text ?? '';
    document.title = `georisk — edit ${from?.title ?? 'a scenario'}`;
    const openEditor = () =>
      renderEditor(
        root,
        { text: drafts.get(key) ?? text, title: from?.title ?? 'a new scenario' },
        (item) =>
          show(() =>
            renderScenario(
              root,
              item,
              { screen: 'scenario', id: item.id, overrides: {}, seed: 1, trials: 10_000, run: false },
              { edited: { back: () => show(openEditor) } },
            ),
          ),
        (t) => drafts.set(key, t),
      );
    show(openEditor);
    return;
  }
  const item = library.find((i) => i.id === state.id);
  if (!item) {
    replace(root, h('p', { role: 'alert' }, `No scenario "${state.id}" in the library. `, h('a', { href: '#/' }, 'Back to the library')));
    return;
  }
  document.title = `georisk — ${item.title}`;
  show(() => renderScenario(root, item, state));
}

window.addEventListener('hashchange', route);
route();
loadLibrary().then(
  (library) => {
    items = library.items;
    for (const s of library.skipped) console.warn(`scenario ${s.file} left out: ${s.why}`);
    // A classroom screen already showing does not wait for the library; drawing it again would lose what was typed.
    if (!isClassroomHash(location.hash)) route();
  },
  (error: unknown) => {
    if (!isClassroomHash(location.hash))
      replace(root, h('p', { role: 'alert' }, `The scenario library did not load: ${(error as Error).message}`));
  },
);
