/** The live exact preview: the exact answer (infinite trials) recomputed as the parameters move, and its status line. */
import { h } from '../dom.ts';
import { EngineError, ExactPreview } from '../engine-client.ts';
import { formatDuration } from '../format.ts';
import { heldUncertain } from './exact-held.ts';
import { currentOverrides, type ScreenState } from './screen-state.ts';

/** How long a solve may take before the exact answers on screen are marked as the last values' (small scenarios answer first). */
const PENDING_AFTER_MS = 150;

/** The status line, a request for the current inputs, and closing the preview's worker. */
export interface ExactPreviewPart {
  status: HTMLElement;
  request(): void;
  close(): void;
}

/** Starts the preview; `onAnswer` runs after each answer or error is stored in the state. */
export function exactPreview(state: ScreenState, onAnswer: () => void): ExactPreviewPart {
  const { item, scenario } = state;
  const exactStatus = h('p', { id: 'exact-status', class: 'exact-status', 'aria-live': 'polite' }, 'Computing the exact answer…');
  // While a solve for values just set takes longer than a glance, the exact answers on screen are the
  // last values' and say so: the status line and the screen's class `exact-pending` (which dims them).
  let pendingTimer: ReturnType<typeof setTimeout> | undefined;
  const pending = (on: boolean) => {
    clearTimeout(pendingTimer);
    pendingTimer = undefined;
    exactStatus.closest('.scenario-screen')?.classList.toggle('exact-pending', on);
    if (on) {
      exactStatus.dataset.pending = '1';
      exactStatus.textContent = 'Updating the exact answer for the values set now; the exact numbers shown are for the values before.';
    } else delete exactStatus.dataset.pending;
  };
  const preview = new ExactPreview(
    (result, ms) => {
      pending(false);
      state.exact = { result, ms };
      state.exactError = undefined;
      exactStatus.textContent = `Exact answer (infinite trials) updated in ${formatDuration(ms / 1000)}.${heldUncertain(scenario, currentOverrides(state)).length ? ' Uncertain parameters are held at their values here; Monte Carlo draws them from their priors every trial.' : ''}`;
      exactStatus.dataset.ms = String(Math.round(ms));
      exactStatus.dataset.updates = String(Number(exactStatus.dataset.updates ?? 0) + 1);
      onAnswer();
    },
    (error) => {
      pending(false);
      state.exact = undefined;
      state.exactError =
        error instanceof EngineError && error.issues.length ? error.issues.map((i) => i.message).join('; ') : error.message;
      exactStatus.textContent = `No exact answer: ${state.exactError}`;
      onAnswer();
    },
  );
  return {
    status: item.notExact.length
      ? h('p', { class: 'exact-status muted', id: 'exact-status' }, `No live exact preview: ${item.notExact[0]}`)
      : exactStatus,
    request() {
      if (item.notExact.length) return;
      // No debounce: the preview solves one request at a time and keeps only the newest waiting, so a
      // drag never queues work, and a single move is answered at once.
      preview.request(scenario, currentOverrides(state));
      if (state.exact !== undefined && pendingTimer === undefined && exactStatus.dataset.pending === undefined) {
        pendingTimer = setTimeout(() => pending(true), PENDING_AFTER_MS);
      }
    },
    close() {
      clearTimeout(pendingTimer);
      preview.close();
    },
  };
}
