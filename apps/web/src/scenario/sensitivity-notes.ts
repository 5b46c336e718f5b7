/** An analysis's note as a paragraph, or, when it names many parameters, folded behind its sentence with the names inside. */
import { h } from '../dom.ts';

/** Notes naming more parameters than this are folded (at phone width, 45 names run to a screen and a half). */
export const FOLD_AFTER = 6;

/**
 * A note's sentence and the parameter names it ends with ("…: a, b, c", each name perhaps with a
 * value in brackets, "a (-0.29)"), or undefined when it does not end in such a list.
 */
export function splitNameList(note: string): { sentence: string; names: string[] } | undefined {
  const at = note.lastIndexOf(': ');
  if (at < 0) return undefined;
  const names = note.slice(at + 2).split(', ');
  if (!names.every((n) => /^[A-Za-z_][A-Za-z0-9_]*( \([^()]*\))?$/.test(n))) return undefined;
  return { sentence: note.slice(0, at), names };
}

/** How a stretch of a note's text is shown (the panel names parameters by label): by default as it is. */
export type NoteWords = (text: string) => (Node | string)[];

/**
 * The note as shown: a paragraph, or a `<details>` whose summary is its sentence and whose body lists
 * the names (split by the names, before `words` shows them).
 */
export function noteElement(note: string, words: NoteWords = (text) => [text]): HTMLElement {
  const split = splitNameList(note);
  if (split === undefined || split.names.length <= FOLD_AFTER) return h('p', {}, ...words(note));
  return h(
    'details',
    { class: 'name-list' },
    h('summary', {}, ...words(`${split.sentence} (show all ${split.names.length})`)),
    h('p', {}, ...words(split.names.join(', '))),
  );
}
