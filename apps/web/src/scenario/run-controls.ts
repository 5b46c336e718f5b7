/** The run controls: trials, seed and the band's draws, Run and Cancel, the progress bar and the run's status line. */
import { MAX_BAND_DRAWS, MIN_BAND_DRAWS } from '../band-settings.ts';
import { h, replace } from '../dom.ts';
import { CancelledError, EngineError, type RunHandle, runMonteCarlo } from '../engine-client.ts';
import { formatCount, formatDuration } from '../format.ts';
import { formatHash, MAX_SEED, MAX_TRIALS } from '../url-state.ts';
import { wholeNumberProblem } from './field-checks.ts';
import { issueList } from './issue-list.ts';
import { readWhole } from './read-whole.ts';
import { currentAddress, currentOverrides, partialLabel, type ScreenState } from './screen-state.ts';

/** What the run controls tell the screen. */
export interface RunControlsEvents {
  /** Trials, seed or the band's draws changed (not a parameter). */
  onInputsChanged(): void;
  /** The run is about to start: the address bar should show its inputs. */
  updateAddress(): void;
  /** A run finished and is stored in `state.lastRun`. */
  onResult(): void;
}

/** The panel (inputs, buttons, progress), the status line, starting a run and cancelling it. */
export interface RunControls {
  panel: HTMLElement;
  status: HTMLElement;
  run(): void;
  cancel(): void;
}

/** The elements of the run controls. */
function controlElements(state: ScreenState) {
  return {
    trialsInput: h('input', { type: 'number', id: 'trials', min: 1, max: MAX_TRIALS, step: 1, value: state.trials, inputmode: 'numeric' }),
    seedInput: h('input', { type: 'number', id: 'seed', min: 0, max: MAX_SEED, step: 1, value: state.seed, inputmode: 'numeric' }),
    drawsInput: h('input', {
      type: 'number',
      id: 'draws',
      min: MIN_BAND_DRAWS,
      max: MAX_BAND_DRAWS,
      step: 1,
      value: state.draws,
      inputmode: 'numeric',
    }),
    runButton: h('button', { type: 'button', id: 'run', class: 'primary' }, 'Run'),
    cancelButton: h('button', { type: 'button', id: 'cancel', disabled: true }, 'Cancel'),
    progress: h('progress', { id: 'progress', max: 1, value: 0, 'aria-label': 'Run progress' }),
    runStatus: h('p', { id: 'run-status', role: 'status', 'aria-live': 'polite' }),
  };
}
type ControlElements = ReturnType<typeof controlElements>;

/** A progress callback that updates the bar and status at most once per animation frame. */
function frameThrottledProgress(els: ControlElements, state: ScreenState) {
  let frame = 0;
  let latest = 0;
  return {
    onProgress(done: number, total: number) {
      latest = done / total;
      if (frame === 0) {
        frame = requestAnimationFrame(() => {
          frame = 0;
          els.progress.value = latest;
          els.runStatus.textContent = `Running: ${formatCount(latest * state.trials)} of ${formatCount(state.trials)} trials…`;
        });
      }
    },
    stop() {
      cancelAnimationFrame(frame);
      frame = 0;
    },
  };
}

/** Shows why a run ended without a result. */
function showRunFailure(els: ControlElements, error: unknown): void {
  els.progress.value = 0;
  if (error instanceof CancelledError) els.runStatus.textContent = 'Cancelled.';
  else
    replace(
      els.runStatus,
      h('strong', {}, 'The run failed: '),
      issueList(error instanceof EngineError ? error.issues : [], (error as Error).message),
    );
}

/** Starts a Monte Carlo run of the current inputs and wires its outcome to the elements. */
function startRun(state: ScreenState, els: ControlElements, events: RunControlsEvents, done: () => void): RunHandle {
  // Run is disabled while it runs: a keyboard user on it would be left on the page's body, so
  // focus moves to Cancel, and back to Run when the run ends.
  const hadFocus = document.activeElement === els.runButton;
  els.runButton.disabled = true;
  els.cancelButton.disabled = false;
  if (hadFocus) els.cancelButton.focus();
  els.progress.value = 0;
  els.runStatus.textContent = `Running ${formatCount(state.trials)} trials…`;
  const progress = frameThrottledProgress(els, state);
  const handle = runMonteCarlo({
    scenario: state.scenario,
    overrides: currentOverrides(state),
    seed: state.seed,
    trials: state.trials,
    onProgress: progress.onProgress,
    onWarnings: (warnings) => {
      els.runStatus.textContent = warnings.map((w) => w.message).join('; ');
    },
  });
  handle.result
    .then((result) => {
      // A partial run's permalink records the trials actually run, so it reproduces these numbers.
      const address = currentAddress(state, { run: true, receipt: result.receipt.outputHash, trials: result.trials });
      state.lastRun = { result, hash: formatHash(address), ...(result.partialOf === undefined ? {} : { partialOf: result.partialOf }) };
      els.progress.value = result.trials / (result.partialOf ?? result.trials);
      const t = result.timing;
      els.runStatus.textContent =
        result.partialOf === undefined
          ? `Done: ${formatCount(result.trials)} trials in ${formatDuration(t.seconds)} on ${t.workers} worker${t.workers === 1 ? '' : 's'}.`
          : `Cancelled; the trials already run are kept: ${partialLabel(result.trials, result.partialOf)}.`;
      events.onResult();
    })
    .catch((error: unknown) => showRunFailure(els, error))
    .finally(() => {
      progress.stop();
      done();
      const cancelHadFocus = document.activeElement === els.cancelButton;
      els.runButton.disabled = false;
      els.cancelButton.disabled = true;
      if (cancelHadFocus || (hadFocus && document.activeElement === document.body)) els.runButton.focus();
    });
  return handle;
}

/** A whole-number field checked as it is typed: its message element and whether it holds a valid value. */
function checkedWhole(input: HTMLInputElement, min: number, max: number, what: string, onCheck: () => void) {
  const message = h('p', { class: 'field-problem error', id: `${input.id}-problem`, role: 'alert', hidden: true });
  input.setAttribute('aria-describedby', message.id);
  let problem = wholeNumberProblem(input.value, min, max, what);
  const check = () => {
    problem = wholeNumberProblem(input.value, min, max, what);
    message.textContent = problem?.message ?? '';
    message.hidden = problem === undefined;
    if (problem) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
    onCheck();
  };
  input.addEventListener('input', check);
  input.addEventListener('change', check);
  return { input, message, valid: () => problem === undefined };
}

/** Renders the run controls over the screen's state. */
export function runControls(state: ScreenState, events: RunControlsEvents): RunControls {
  const els = controlElements(state);
  const { trialsInput, seedInput, drawsInput, runButton, cancelButton, progress, runStatus } = els;
  let running: RunHandle | undefined;
  const trialsCheck = checkedWhole(trialsInput, 1, MAX_TRIALS, 'Trials', () => !running && (runButton.disabled = !allValid()));
  const seedCheck = checkedWhole(seedInput, 0, MAX_SEED, 'Seed', () => !running && (runButton.disabled = !allValid()));
  const drawsCheck = checkedWhole(
    drawsInput,
    MIN_BAND_DRAWS,
    MAX_BAND_DRAWS,
    'Band draws',
    () => !running && (runButton.disabled = !allValid()),
  );
  const allValid = () => trialsCheck.valid() && seedCheck.valid() && drawsCheck.valid();
  trialsInput.addEventListener('change', () => {
    if (!trialsCheck.valid()) return;
    state.trials = Number(trialsInput.value);
    events.onInputsChanged();
  });
  seedInput.addEventListener('change', () => {
    if (!seedCheck.valid()) return;
    state.seed = Number(seedInput.value);
    events.onInputsChanged();
  });
  drawsInput.addEventListener('change', () => {
    if (!drawsCheck.valid()) return;
    state.draws = Number(drawsInput.value);
    events.onInputsChanged();
  });
  const run = () => {
    if (running) return;
    // A field that does not hold a whole number in range stops the run and says why, rather than
    // running something else silently.
    for (const check of [trialsCheck, seedCheck, drawsCheck]) {
      if (!check.valid()) {
        check.input.focus();
        return;
      }
    }
    state.trials = readWhole(trialsInput, 1, MAX_TRIALS, state.trials);
    state.seed = readWhole(seedInput, 0, MAX_SEED, state.seed);
    state.draws = readWhole(drawsInput, MIN_BAND_DRAWS, MAX_BAND_DRAWS, state.draws);
    events.updateAddress();
    running = startRun(state, els, events, () => {
      running = undefined;
    });
  };
  runButton.addEventListener('click', run);
  cancelButton.addEventListener('click', () => running?.cancel());
  const panel = h(
    'div',
    { class: 'run-panel' },
    h('div', { class: 'field' }, h('label', { for: 'trials' }, 'Trials'), trialsInput),
    h('div', { class: 'field' }, h('label', { for: 'seed' }, 'Seed'), seedInput),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'draws', title: 'Parameter draws from the priors for the band across our assumptions' }, 'Band draws'),
      drawsInput,
    ),
    trialsCheck.message,
    seedCheck.message,
    drawsCheck.message,
    h('div', { class: 'buttons' }, runButton, cancelButton),
    progress,
  );
  return { panel, status: runStatus, run, cancel: () => running?.cancel() };
}
