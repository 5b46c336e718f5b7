/** The receipt of a run: its inputs and output hash, whether it reproduces a shared link, the permalink and downloads. */
import type { RunResult } from '@georisk/engine';
import { formatCsv } from '@georisk/engine/format';
import { download, h } from '../dom.ts';
import { downloadName, runJson } from '../export.ts';
import { formatCount } from '../format.ts';
import { printBrief } from './brief.ts';
import { baselineNote, comparedBaseline, pinButton } from './compare.ts';
import { isStale, partialLabel, type ScreenState } from './screen-state.ts';

/** The button that copies the permalink, saying whether it worked. */
function copyButton(permalink: string): HTMLButtonElement {
  const copy = h('button', { type: 'button', id: 'copy-link' }, 'Copy permalink');
  copy.addEventListener('click', () => {
    void navigator.clipboard?.writeText(permalink).then(
      () => (copy.textContent = 'Link copied'),
      () => (copy.textContent = 'Copy failed: use the link'),
    );
  });
  return copy;
}

/** A button that downloads run `r` as JSON or CSV. */
function downloadButton(id: string, r: RunResult, kind: 'json' | 'csv'): HTMLButtonElement {
  const button = h('button', { type: 'button', id: `download-${kind}` }, kind === 'json' ? 'Download JSON' : 'Download CSV');
  const name = () => downloadName(id, r.seed, r.trials, r.receipt.outputHash, kind);
  button.addEventListener('click', () =>
    kind === 'json' ? download(name(), runJson(r), 'application/json') : download(name(), formatCsv(r), 'text/csv'),
  );
  return button;
}

/** The button that prints a one-page brief of the run (to paper or PDF). */
function briefButton(state: ScreenState, r: RunResult, permalink: string | undefined): HTMLButtonElement {
  const button = h('button', { type: 'button', id: 'print-brief' }, 'Print a brief');
  button.addEventListener('click', () => printBrief(state, r, permalink));
  return button;
}

/** The line with the run's inputs and its output hash. */
function receiptLine(r: RunResult, partialOf: number | undefined): HTMLElement {
  const overrides = Object.keys(r.overrides).length;
  return h(
    'p',
    {},
    partialOf === undefined ? null : h('strong', { class: 'partial', id: 'partial-label' }, `${partialLabel(r.trials, partialOf)} · `),
    `${formatCount(r.trials)} trials · seed ${r.seed} · ${overrides} override${overrides === 1 ? '' : 's'} · engine ${r.engine.version} · receipt `,
    h('code', { id: 'output-hash', title: 'SHA-256 of the results: the same inputs give the same hash everywhere' }, r.receipt.outputHash),
  );
}

/** Whether the run reproduces the receipt a shared link expects; null when the link names none. */
function receiptCheck(expected: string | undefined, r: RunResult): HTMLElement | null {
  if (expected === undefined) return null;
  return r.receipt.outputHash.startsWith(expected)
    ? h('p', { class: 'ok', id: 'receipt-check' }, '✓ Reproduces the shared result exactly (same receipt).')
    : h('p', { class: 'bad', id: 'receipt-check' }, `✗ Differs from the shared receipt ${expected}: the engine or the scenario changed.`);
}

/** Renders the receipt of the last run; `onChange` redraws the results after pinning or unpinning. */
export function receipt(state: ScreenState, r: RunResult, onChange: () => void): HTMLElement {
  const { edited, item } = state;
  const permalink = new URL(state.lastRun?.hash ?? '', location.href).href;
  const base = comparedBaseline(state, r);
  return h(
    'div',
    { class: 'receipt', id: 'receipt' },
    receiptLine(r, state.lastRun?.partialOf),
    state.lastRun?.partialOf === undefined || edited
      ? null
      : h(
          'p',
          { class: 'muted', id: 'partial-permalink' },
          `The permalink records the ${formatCount(r.trials)} trials actually run (not the ${formatCount(state.lastRun.partialOf)} asked for), so it reproduces this partial result and its receipt.`,
        ),
    receiptCheck(state.expected, r),
    isStale(state) ? h('p', { class: 'warn' }, 'The inputs changed since this run: press Run to update the Monte Carlo numbers.') : null,
    h(
      'p',
      { class: 'actions' },
      edited ? null : h('a', { href: permalink, id: 'permalink' }, 'Permalink'),
      ' ',
      edited ? null : copyButton(permalink),
      ' ',
      downloadButton(item.id, r, 'json'),
      ' ',
      downloadButton(item.id, r, 'csv'),
      ' ',
      pinButton(state, r, onChange),
      ' ',
      briefButton(state, r, edited ? undefined : permalink),
    ),
    base ? baselineNote(state, base, onChange) : null,
  );
}
