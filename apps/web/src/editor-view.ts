/**
 * The editor: a scenario's YAML with live validation. Problems are listed with their line and
 * column in words a student understands (the engine's messages and hints); choosing one selects
 * that line. A valid document can be run, downloaded, or saved to the server when there is one.
 */
import { download, h, replace } from './dom.ts';
import { validateDocument } from './engine-client.ts';
import type { LibraryItem, Validation } from './protocol.ts';

/** How long the editor waits after the last keystroke before validating. */
const VALIDATE_DEBOUNCE_MS = 250;

/** The character offsets of a 1-based line (start inclusive, end exclusive, without the newline). */
/**
 * Where the YAML value starting at `start` ends (before `lineEnd`): a quoted value at its closing quote,
 * else before the `,`, `}`, `]` or ` #` that ends a flow value, without trailing spaces. An issue's column
 * points at its value, so choosing the issue selects just that value, not the ` }` after it.
 */
export function valueEnd(text: string, start: number, lineEnd: number): number {
  const quote = text[start];
  if (quote === '"' || quote === "'") {
    const close = text.indexOf(quote, start + 1);
    return close === -1 || close > lineEnd ? lineEnd : close + 1;
  }
  let end = start;
  while (end < lineEnd && !',}]'.includes(text[end] as string) && !(text[end] === '#' && text[end - 1] === ' ')) end++;
  while (end > start && text[end - 1] === ' ') end--;
  return end;
}

export function lineRange(text: string, line: number): [number, number] {
  let start = 0;
  for (let i = 1; i < line; i++) {
    const next = text.indexOf('\n', start);
    if (next === -1) return [text.length, text.length];
    start = next + 1;
  }
  const end = text.indexOf('\n', start);
  return [start, end === -1 ? text.length : end];
}

export interface EditorView {
  destroy(): void;
}

/** Renders the editor starting from `text`; `onRun` opens a valid document in the scenario screen. */
export function renderEditor(
  root: HTMLElement,
  start: { text: string; title: string; file?: string },
  onRun: (item: LibraryItem, text: string) => void,
  onText: (text: string) => void,
  /** The text was kept outside the tab (downloaded, or saved to the server): leaving loses nothing. */
  onKept: (text: string) => void = () => {},
): EditorView {
  const textarea = h('textarea', {
    id: 'editor-text',
    spellcheck: 'false',
    autocapitalize: 'off',
    autocomplete: 'off',
    wrap: 'off',
    'aria-describedby': 'editor-status',
  });
  textarea.value = start.text;
  const gutter = h('pre', { class: 'gutter', 'aria-hidden': 'true' });
  const status = h('p', { id: 'editor-status', role: 'status', 'aria-live': 'polite' }, 'Checking…');
  const problems = h('ol', { id: 'editor-issues', class: 'issues' });
  const runButton = h('button', { type: 'button', id: 'editor-run', class: 'primary', disabled: true }, 'Open in the run screen');
  const downloadButton = h('button', { type: 'button', id: 'editor-download' }, 'Download YAML');
  const saveButton = h('button', { type: 'button', id: 'editor-save', disabled: true }, 'Save to the server');
  const saveStatus = h('span', { id: 'editor-save-status', role: 'status' });
  const title = h('h1', { id: 'editor-title', tabindex: -1 }, `Edit: ${start.title}`);
  let latest: Validation | undefined;
  /** The text `latest` is the check of. */
  let checkedText: string | undefined;
  let sequence = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const renderGutter = () => {
    const lines = textarea.value.split('\n').length;
    gutter.textContent = Array.from({ length: lines }, (_, i) => String(i + 1)).join('\n');
    gutter.scrollTop = textarea.scrollTop;
  };
  const selectLine = (line: number, column?: number) => {
    const [from, to] = lineRange(textarea.value, line);
    textarea.focus();
    const start = column === undefined ? from : Math.min(to, from + column - 1);
    textarea.setSelectionRange(start, column === undefined ? to : valueEnd(textarea.value, start, to));
    // Scroll the line into view: lines are one line-height apart.
    const lineHeight = Number.parseFloat(getComputedStyle(textarea).lineHeight) || 18;
    textarea.scrollTop = Math.max(0, (line - 5) * lineHeight);
    gutter.scrollTop = textarea.scrollTop;
  };

  const validate = async () => {
    const mine = ++sequence;
    const text = textarea.value;
    onText(text);
    let v: Validation;
    try {
      v = await validateDocument(text, start.file);
    } catch (error) {
      if (mine === sequence) status.textContent = `The check failed: ${(error as Error).message}`;
      return;
    }
    if (mine !== sequence) return;
    latest = v;
    checkedText = text;
    const errors = v.issues.filter((i) => i.severity === 'error');
    const warnings = v.issues.length - errors.length;
    status.textContent =
      errors.length > 0
        ? `${errors.length} problem${errors.length === 1 ? '' : 's'} to fix${warnings ? ` and ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}.`
        : `The scenario is valid${warnings ? `, with ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}.`;
    status.className = errors.length ? 'bad' : 'ok';
    replace(
      problems,
      ...v.issues.map((i) => {
        // A problem inside an included module is at a line of that file, not of this text: named, not selectable here.
        const elsewhere = i.file !== undefined && i.file !== v.file ? i.file : undefined;
        const at = i.line === undefined ? '' : `line ${i.line}${i.column === undefined ? '' : `, column ${i.column}`}`;
        const where =
          elsewhere !== undefined
            ? `in the included ${elsewhere.replace(/^scenarios\//, '')}${at ? `, ${at}` : ''}`
            : i.line === undefined
              ? 'in the document as a whole'
              : `at ${at}`;
        const selectable = i.line !== undefined && elsewhere === undefined;
        const button = h(
          'button',
          { type: 'button', class: `issue ${i.severity}`, 'data-line': selectable ? i.line : undefined, disabled: !selectable },
          h('strong', {}, `${i.severity === 'error' ? 'Problem' : 'Warning'} ${where}: `),
          i.message,
          i.hint ? h('span', { class: 'hint' }, ` — ${i.hint}`) : null,
          i.path ? h('span', { class: 'path' }, ` (${i.path})`) : null,
        );
        const { line } = i;
        if (selectable && line !== undefined) button.addEventListener('click', () => selectLine(line, i.column));
        return h('li', {}, button);
      }),
    );
    runButton.disabled = !v.item;
    saveButton.disabled = !v.item;
    // The heading names the scenario being written, once its text says what that is.
    if (v.item) title.textContent = `Edit: ${v.item.title}`;
  };
  const schedule = () => {
    // Kept at once, not after the check: a reload right after typing must not lose the last keys.
    onText(textarea.value);
    renderGutter();
    clearTimeout(timer);
    timer = setTimeout(() => void validate(), VALIDATE_DEBOUNCE_MS);
  };
  textarea.addEventListener('input', schedule);
  textarea.addEventListener('scroll', () => {
    gutter.scrollTop = textarea.scrollTop;
  });
  // Tab indents by two spaces (YAML forbids tabs); Escape leaves the editor for keyboard users.
  textarea.addEventListener('keydown', (event) => {
    if (event.key === 'Tab' && !event.shiftKey) {
      event.preventDefault();
      textarea.setRangeText('  ', textarea.selectionStart, textarea.selectionEnd, 'end');
      schedule();
    } else if (event.key === 'Escape') {
      runButton.focus();
    }
  });
  runButton.addEventListener('click', async () => {
    // Text typed since the last check (the check waits for a pause in typing) is checked now: the
    // run must be of the text on screen, never of the scenario the last check saw.
    if (checkedText !== textarea.value) {
      clearTimeout(timer);
      await validate();
    }
    if (latest?.item && checkedText === textarea.value) onRun(latest.item, textarea.value);
  });
  downloadButton.addEventListener('click', () => {
    const id = latest?.item?.id ?? 'scenario';
    download(`${id}.yaml`, textarea.value, 'application/yaml');
    onKept(textarea.value);
  });
  saveButton.addEventListener('click', async () => {
    saveStatus.textContent = 'Saving…';
    const text = textarea.value;
    try {
      const response = await fetch('api/scenarios', {
        method: 'POST',
        headers: { 'content-type': 'application/yaml' },
        body: text,
      });
      const body = (await response.json().catch(() => ({}))) as { id?: string; hash?: string; message?: string };
      if (response.ok && body.id) {
        onKept(text);
        const id = body.id;
        replace(
          saveStatus,
          `Saved as "${id}" (${(body.hash ?? '').slice(0, 12)}): `,
          h('a', { href: `#/scenario/${encodeURIComponent(id)}`, id: 'editor-saved-link' }, 'open it'),
          '; it is listed in the library under “Saved on this server”.',
        );
      } else {
        saveStatus.textContent = `Not saved: ${body.message ?? `the server answered ${response.status}`}.`;
      }
    } catch {
      saveStatus.textContent = 'Not saved: no georisk server here (the app is running on its own). Download the YAML instead.';
    }
  });

  replace(
    root,
    h(
      'section',
      { class: 'editor-screen', 'aria-labelledby': 'editor-title' },
      h('p', { class: 'crumbs' }, h('a', { href: '#/' }, '← Library')),
      title,
      h(
        'p',
        { class: 'muted' },
        'Changes are checked as you type. Includes resolve against the library (modules/…). Press Escape to leave the text box.',
      ),
      h('label', { for: 'editor-text', class: 'visually-hidden' }, 'Scenario YAML'),
      h('div', { class: 'editor-box' }, gutter, textarea),
      status,
      problems,
      h('p', { class: 'actions' }, runButton, ' ', downloadButton, ' ', saveButton, ' ', saveStatus),
    ),
  );
  renderGutter();
  void validate();
  return { destroy: () => clearTimeout(timer) };
}
