/** The app shell: hash routing between the library, a scenario, the editor and the track record. */
import { nearest } from '@georisk/engine/errors';
import { classroomRoute, isClassroomHash } from './classroom/classroom-route.ts';
import { h, replace } from './dom.ts';
import { type EditorView, renderEditor } from './editor-view.ts';
import { loadLibrary } from './engine-client.ts';
import { renderLibrary } from './library-view.ts';
import type { LibraryItem } from './protocol.ts';
import { fetchSaved, openSaved } from './saved-scenarios.ts';
import { renderScenario, type ScenarioView } from './scenario/scenario-screen.ts';
import { isTrackRecordHash, renderTrackRecord } from './track-record-view.ts';
import { formatHash, parseHash } from './url-state.ts';
import './styles.css';

const root = document.getElementById('app') as HTMLElement;
let items: LibraryItem[] | undefined;
let current: ScenarioView | EditorView | undefined;
/** Closes the track record's charts when another screen replaces it. */
let closeTrackRecord: (() => void) | undefined;
/**
 * Edited texts by the id they were opened from. They are kept in the tab's session storage, so a
 * reload keeps them; closing the tab with edits not downloaded or saved asks first.
 */
const DRAFTS_KEY = 'georisk.drafts';
const drafts = new Map<string, string>(readDrafts());
/** The text each draft started from, to tell an edited draft from an untouched one. */
const originals = new Map<string, string>();

function readDrafts(): [string, string][] {
  try {
    return JSON.parse(sessionStorage.getItem(DRAFTS_KEY) ?? '[]') as [string, string][];
  } catch {
    return [];
  }
}

function keepDraft(key: string, text: string): void {
  drafts.set(key, text);
  try {
    sessionStorage.setItem(DRAFTS_KEY, JSON.stringify([...drafts]));
  } catch {
    // Storage full or refused: the draft still lives until the tab closes.
  }
}

window.addEventListener('beforeunload', (event) => {
  const unsaved = [...drafts].some(([key, text]) => originals.has(key) && originals.get(key) !== text);
  if (unsaved) event.preventDefault();
});

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
  const hashAtStart = location.hash;
  if (!items) {
    replace(root, h('p', { class: 'loading', role: 'status' }, 'Loading the scenario library…'));
    return;
  }
  const library = items;
  if (state.screen === 'library') {
    document.title = 'georisk — scenario library';
    const showSaved = renderLibrary(root, library, state.query, (q) =>
      history.replaceState(null, '', formatHash({ screen: 'library', query: q })),
    );
    void fetchSaved().then((saved) => {
      if (current === undefined && parseHash(location.hash).screen === 'library') showSaved(saved);
    });
    window.scrollTo(0, 0);
    (root.querySelector('h1') as HTMLElement | null)?.focus({ preventScroll: true });
    return;
  }
  if (state.screen === 'editor') {
    void findItem(library, state.id || TEMPLATE_ID).then((from) => {
      if (location.hash !== hashAtStart) return;
      if (!from) {
        notFound(`No scenario "${state.id}" to edit, in the library or saved on this server.`, [
          ...likelyMeant(library, state.id, (id) => formatHash({ ...state, id })),
          ['#/edit', 'Start a new scenario'],
          ['#/', 'Back to the library'],
        ]);
        return;
      }
      openEditor(state.id || TEMPLATE_ID, from);
    });
    return;
  }
  void findItem(library, state.id).then((item) => {
    if (location.hash !== hashAtStart) return;
    if (!item) {
      notFound(`No scenario "${state.id}" in the library or saved on this server.`, [
        // A mistyped permalink: the library scenario it likely meant, with the rest of the link kept.
        ...likelyMeant(library, state.id, (id) => formatHash({ ...state, id })),
        ['#/', 'Back to the library'],
      ]);
      return;
    }
    document.title = `georisk — ${item.title}`;
    show(() => renderScenario(root, item, state));
  });
}

/** A library item by id, else a scenario saved on the server; undefined when neither has it. */
async function findItem(library: LibraryItem[], id: string): Promise<LibraryItem | undefined> {
  const item = library.find((i) => i.id === id);
  if (item) return item;
  replace(root, h('p', { class: 'loading', role: 'status' }, `Opening "${id}"…`));
  try {
    return await openSaved(id);
  } catch (error) {
    notFound(`The saved scenario "${id}" cannot be opened: ${(error as Error).message}.`, [['#/', 'Back to the library']]);
    return undefined;
  }
}

/** A link to the library scenario whose id is closest to `id` (a likely typo), if one is close enough. */
function likelyMeant(library: LibraryItem[], id: string, hashFor: (id: string) => string): [string, string][] {
  const near = nearest(
    id,
    library.map((i) => i.id),
  );
  const item = near === undefined ? undefined : library.find((i) => i.id === near);
  return item ? [[hashFor(item.id), `Did you mean “${item.title}” (${item.id})?`]] : [];
}

function notFound(message: string, links: [string, string][]): void {
  replace(root, h('p', { role: 'alert' }, message, ...links.flatMap(([href, text]) => [' ', h('a', { href }, text)])));
}

/** The editor on draft `key`, starting from `from`'s text unless a draft of it is kept. */
function openEditor(key: string, from: LibraryItem): void {
  originals.set(key, from.text);
  document.title = `georisk — edit ${from.title}`;
  const open = () =>
    renderEditor(
      root,
      { text: drafts.get(key) ?? from.text, title: from.title, file: from.file },
      (item) =>
        show(() =>
          renderScenario(
            root,
            item,
            { screen: 'scenario', id: item.id, overrides: {}, seed: 1, trials: 10_000, run: false },
            { edited: { back: () => show(open) } },
          ),
        ),
      (t) => keepDraft(key, t),
      // Saved or downloaded: closing the tab loses nothing until it is edited again.
      (t) => originals.set(key, t),
    );
  show(open);
}

/** Whether the screen at `hash` shows the scenario library's contents (the classroom and the track record do not). */
function usesLibrary(hash: string): boolean {
  return !isClassroomHash(hash) && !isTrackRecordHash(hash);
}

window.addEventListener('hashchange', route);
route();
loadLibrary().then(
  (library) => {
    items = library.items;
    for (const s of library.skipped) console.warn(`scenario ${s.file} left out: ${s.why}`);
    // The classroom and the track record do not use the library, so they are not drawn again when it
    // arrives: that would lose what was typed in a classroom form, and replace the track record's
    // charts after they were drawn.
    if (usesLibrary(location.hash)) route();
  },
  (error: unknown) => {
    if (usesLibrary(location.hash))
      replace(root, h('p', { role: 'alert' }, `The scenario library did not load: ${(error as Error).message}`));
  },
);
