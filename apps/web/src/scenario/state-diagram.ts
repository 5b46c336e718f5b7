/**
 * One track drawn as an SVG state diagram: states as boxes, transitions as labelled arrows, laid out
 * by dagre (@dagrejs/dagre: layered layout, labels placed between the layers). Each state is
 * focusable and names its occupancy at the horizon in its tooltip and its accessible name.
 */
import { Graph, layout } from '@dagrejs/dagre';
import type { TrackDiagram } from '@georisk/engine';
import { type DiagramClock, edgeLabel } from '../diagram-words.ts';

const SVG = 'http://www.w3.org/2000/svg';
/** Text metrics for the layout: 13 px system font, an upper bound on the width of a character. */
const CHAR_WIDTH = 7.4;
const LINE_HEIGHT = 16;

/** An SVG element with attributes and children. */
function svg(tag: string, attrs: Record<string, string | number> = {}, ...children: (Node | string)[]): SVGElement {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  el.append(...children);
  return el;
}

/** A state box's accessible words, and its occupancy when known. */
export interface DiagramState {
  words: string;
  share: number | undefined;
}

/** Where the arrows and boxes sit, from dagre. */
interface Placed {
  width: number;
  height: number;
  nodes: { name: string; x: number; y: number; width: number; height: number }[];
  edges: { index: number; points: { x: number; y: number }[]; label: string; x: number; y: number }[];
}

/** Lays the track out top to bottom (a phone scrolls down more easily than across). */
function place(d: TrackDiagram, clock: DiagramClock): Placed {
  const g = new Graph({ multigraph: true });
  g.setGraph({ rankdir: 'TB', nodesep: 28, ranksep: 46, edgesep: 14, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const s of d.states) g.setNode(s, { width: s.length * CHAR_WIDTH + 28, height: 34 });
  d.edges.forEach((e, i) => {
    const label = edgeLabel(e, i + 1, clock);
    g.setEdge(e.from, e.to, { width: label.length * CHAR_WIDTH * 0.9 + 8, height: LINE_HEIGHT, labelpos: 'c', label }, String(i));
  });
  layout(g);
  const graph = g.graph() as { width?: number; height?: number };
  return {
    width: Math.ceil(graph.width ?? 0),
    height: Math.ceil(graph.height ?? 0),
    nodes: d.states.map((name) => {
      const n = g.node(name) as { x: number; y: number; width: number; height: number };
      return { name, x: n.x, y: n.y, width: n.width, height: n.height };
    }),
    edges: d.edges.map((e, index) => {
      const l = g.edge(e.from, e.to, String(index)) as { points: { x: number; y: number }[]; x: number; y: number; label: string };
      return { index, points: l.points, label: l.label, x: l.x, y: l.y };
    }),
  };
}

/** A smooth path through dagre's points (quadratic pieces between their midpoints). */
function pathThrough(points: readonly { x: number; y: number }[]): string {
  const [first, ...rest] = points;
  if (!first) return '';
  let d = `M${first.x.toFixed(1)},${first.y.toFixed(1)}`;
  rest.forEach((p, i) => {
    const next = rest[i + 1];
    d += next
      ? ` Q${p.x.toFixed(1)},${p.y.toFixed(1)} ${((p.x + next.x) / 2).toFixed(1)},${((p.y + next.y) / 2).toFixed(1)}`
      : ` L${p.x.toFixed(1)},${p.y.toFixed(1)}`;
  });
  return d;
}

/** The arrows, each with its label on a light ground and its full words as a tooltip. */
function arrows(p: Placed, id: string, words: readonly string[]): SVGElement {
  return svg(
    'g',
    { class: 'diagram-edges', 'aria-hidden': 'true' },
    ...p.edges.map((e) => {
      const width = e.label.length * CHAR_WIDTH * 0.9 + 8;
      return svg(
        'g',
        { class: 'diagram-edge', 'data-edge': e.index + 1 },
        svg('title', {}, words[e.index] ?? ''),
        svg('path', { d: pathThrough(e.points), 'marker-end': `url(#${id}-arrow)` }),
        svg('rect', {
          x: (e.x - width / 2).toFixed(1),
          y: (e.y - LINE_HEIGHT / 2).toFixed(1),
          width: width.toFixed(1),
          height: LINE_HEIGHT,
          rx: 3,
        }),
        svg('text', { x: e.x.toFixed(1), y: (e.y + 4).toFixed(1) }, e.label),
      );
    }),
  );
}

/** The states: focusable boxes whose tooltip and name give their occupancy; the start has a double border. */
function boxes(p: Placed, d: TrackDiagram, states: ReadonlyMap<string, DiagramState>, onFocus: (words: string) => void): SVGElement {
  return svg(
    'g',
    { class: 'diagram-states' },
    ...p.nodes.map((n) => {
      const s = states.get(n.name);
      const words = s?.words ?? n.name;
      const box = svg(
        'g',
        {
          class: `diagram-state${n.name === d.initial ? ' initial' : ''}`,
          tabindex: 0,
          role: 'img',
          'aria-label': words,
          'data-state': n.name,
          ...(s?.share === undefined ? {} : { 'data-occupancy': s.share }),
        },
        svg('title', {}, words),
        svg('rect', { x: n.x - n.width / 2, y: n.y - n.height / 2, width: n.width, height: n.height, rx: 8 }),
        svg('text', { x: n.x, y: n.y + 4.5 }, n.name),
      );
      // The occupancy bar along the box's foot: a glance at where the probability sits.
      if (s?.share !== undefined && s.share > 0) {
        box.append(
          svg('rect', {
            class: 'occupancy-bar',
            x: n.x - n.width / 2 + 4,
            y: n.y + n.height / 2 - 5,
            width: Math.max(1, (n.width - 8) * s.share),
            height: 3,
          }),
        );
      }
      for (const type of ['focus', 'mouseenter']) box.addEventListener(type, () => onFocus(words));
      return box;
    }),
  );
}

/**
 * The SVG of one track at its natural size (its box scrolls when it is wider than the page).
 * `edgeWords` are the arrows' full words in the order of `d.edges`; `onFocus` hears a state's words on hover or focus.
 */
export function stateDiagramSvg(
  d: TrackDiagram,
  clock: DiagramClock,
  states: ReadonlyMap<string, DiagramState>,
  edgeWords: readonly string[],
  onFocus: (words: string) => void,
): SVGElement {
  const p = place(d, clock);
  const id = `diagram-${d.track}`;
  return svg(
    'svg',
    {
      class: 'state-diagram',
      id,
      width: p.width,
      height: p.height,
      viewBox: `0 0 ${p.width} ${p.height}`,
      role: 'group',
      'aria-label': `State diagram of the track ${d.track}: ${d.states.length} states, ${d.edges.length} arrows (listed below it)`,
    },
    svg(
      'defs',
      {},
      svg(
        'marker',
        { id: `${id}-arrow`, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
        svg('path', { d: 'M0,0 L10,5 L0,10 z', class: 'diagram-arrowhead' }),
      ),
    ),
    arrows(p, id, edgeWords),
    boxes(p, d, states, onFocus),
  );
}
