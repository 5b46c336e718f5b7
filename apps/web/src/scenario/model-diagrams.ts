/**
 * "How the model works": a state diagram of each track, drawn from the model at the current
 * parameter values, with each state's chance of being occupied at the horizon (exact when the page
 * solves the scenario exactly, else the last Monte Carlo run's) on hover and focus.
 */
import { buildModel, type TrackDiagram, trackDiagrams } from '@georisk/engine';
import { type DiagramClock, edgeWords, type OccupancySource, stateWords } from '../diagram-words.ts';
import { h, replace } from '../dom.ts';
import { formatNumber } from '../format.ts';
import { currentOverrides, type ScreenState } from './screen-state.ts';
import type { DiagramState, stateDiagramSvg } from './state-diagram.ts';

/** The drawing code (with dagre), loaded the first time the section opens: most visits never open it. */
type Draw = typeof stateDiagramSvg;
let drawing: Promise<Draw> | undefined;
const loadDrawing = (): Promise<Draw> => (drawing ??= import('./state-diagram.ts').then((m) => m.stateDiagramSvg));

/** The section, and a way to redraw it after the inputs or the answers change. */
export interface ModelDiagrams {
  element: HTMLElement;
  update(): void;
  destroy(): void;
}

/** Where the occupancy comes from now: the exact answer, else the last run, else why there is none. */
function occupancyOf(state: ScreenState, track: string): { final: Record<string, number> | undefined; source: OccupancySource } {
  const exact = state.exact?.result.tracks[track];
  if (exact) return { final: exact.final, source: { kind: 'exact' } };
  const run = state.lastRun?.result;
  if (state.item.notExact.length && run?.tracks[track])
    return { final: run.tracks[track].final, source: { kind: 'monte-carlo', trials: run.trials } };
  const why = state.item.notExact.length
    ? `no exact answer for this scenario (${state.item.notExact[0]}); run it to see the Monte Carlo occupancy`
    : (state.exactError ?? 'the exact answer is being computed');
  return { final: undefined, source: { kind: 'none', why } };
}

/** One track: its heading, the diagram in a box that scrolls on a phone, the state under the pointer, and the arrows in words. */
function trackFigure(state: ScreenState, d: TrackDiagram, clock: DiagramClock, stateDiagramSvg: Draw): HTMLElement {
  const { time } = state.scenario;
  const horizon = `${formatNumber(time.horizon)} ${time.unit}s`;
  const { final, source } = occupancyOf(state, d.track);
  const states = new Map<string, DiagramState>(
    d.states.map((s) => [s, { share: final?.[s], words: stateWords(s, final?.[s], horizon, source, s === d.initial) }]),
  );
  const words = d.edges.map((e) => edgeWords(e, clock));
  const focusLine = h(
    'p',
    { class: 'diagram-focus muted', 'aria-live': 'polite' },
    'Point at or tab to a state for its chance at the horizon.',
  );
  const drawing = stateDiagramSvg(d, clock, states, words, (w) => {
    focusLine.textContent = w;
  });
  return h(
    'section',
    { class: 'track-diagram', 'data-track': d.track, 'aria-labelledby': `diagram-title-${d.track}` },
    h('h3', { id: `diagram-title-${d.track}` }, d.track, d.description ? h('span', { class: 'muted' }, ` — ${d.description}`) : null),
    h('div', { class: 'diagram-scroll', tabindex: 0, role: 'region', 'aria-label': `State diagram of ${d.track} (scrolls)` }, drawing),
    focusLine,
    h('ol', { class: 'diagram-arrows' }, ...words.map((w, i) => h('li', { 'data-edge': i + 1 }, w))),
  );
}

/** Renders the section (folded); it draws when opened and redraws while open, at most every 120 ms. */
export function modelDiagrams(state: ScreenState): ModelDiagrams {
  const { time, tracks } = state.scenario;
  const clock: DiagramClock = { unit: time.unit, dt: time.dt };
  const count = Object.keys(tracks).length;
  const body = h('div', { class: 'diagram-body' });
  const element = h(
    'details',
    { class: 'how-it-works', id: 'how-it-works' },
    h('summary', {}, `How the model works: ${count} track${count === 1 ? '' : 's'} as state diagrams`),
    h(
      'p',
      { class: 'muted' },
      `Boxes are states (the double one is where a trial starts); arrows are transitions, labelled with their rate per ${time.unit} or their probability per step at the values set now. Numbers in brackets refer to the list under each diagram, which says when a transition depends on another track.`,
    ),
    body,
  );
  let timer: ReturnType<typeof setTimeout> | undefined;
  const draw = async () => {
    const stateDiagramSvg = await loadDrawing();
    let diagrams: TrackDiagram[];
    try {
      diagrams = trackDiagrams(buildModel(state.scenario, currentOverrides(state)));
    } catch (error) {
      replace(
        body,
        h(
          'p',
          { class: 'error' },
          `The diagram cannot be drawn for these values: ${error instanceof Error ? error.message : String(error)}`,
        ),
      );
      return;
    }
    replace(body, ...diagrams.map((d) => trackFigure(state, d, clock, stateDiagramSvg)));
    element.dataset.drawn = String(Number(element.dataset.drawn ?? 0) + 1);
  };
  const update = () => {
    clearTimeout(timer);
    if (element.open) timer = setTimeout(() => void draw(), 120);
  };
  element.addEventListener('toggle', () => {
    if (element.open) void draw();
  });
  return { element, update, destroy: () => clearTimeout(timer) };
}
