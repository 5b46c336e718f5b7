/**
 * What a state diagram of each track shows, read from the compiled model: its states, and for each
 * arrow the rate or per-step probability at the model's parameter values, split into the cases of
 * the other tracks it reads ("while conflict is clash or war"), with what else it depends on.
 */
import type { EvalState } from '../expression/expression.ts';
import { TrialStream } from '../rng.ts';
import type { CompiledTransition, Model, TrackModel } from './model.ts';

/** One value an arrow takes, and when (in words; absent when it always takes it). */
export interface DiagramCase {
  value: number;
  when?: string;
}

/** One transition of a declared `from → to` pair (several transitions may share a pair). */
export interface DiagramTerm {
  kind: 'rate' | 'probability';
  /** Its values by case; empty when the value cannot be read off the parameters (see `note`). */
  cases: DiagramCase[];
  /** What else it depends on: draws, time, variables, parameters that events change. */
  note?: string;
  description?: string;
  /** The transition's path in the scenario, such as `tracks.conflict.transitions[2]`. */
  path: string;
}

/** An arrow of the diagram. */
export interface DiagramEdge {
  from: string;
  to: string;
  terms: DiagramTerm[];
}

/** The diagram of one track. */
export interface TrackDiagram {
  track: string;
  description?: string;
  states: readonly string[];
  initial: string;
  edges: DiagramEdge[];
}

/** Most combinations of other tracks' states one transition is evaluated over. */
const MAX_CASES = 256;

/** "a", "a or b", "a, b or c". */
function orList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/** Every combination of states of `tracks` (as state indexes, in the order of `tracks`). */
function combinations(tracks: readonly TrackModel[]): number[][] {
  let out: number[][] = [[]];
  for (const t of tracks) out = out.flatMap((c) => t.states.map((_, s) => [...c, s]));
  return out;
}

/** Words for a set of combinations: per track the states it holds, when the set is all their combinations. */
function productWords(group: number[][], tracks: readonly TrackModel[]): string | undefined {
  const sets = tracks.map((_, i) => new Set(group.map((c) => c[i] ?? 0)));
  const size = sets.reduce((n, s) => n * s.size, 1);
  if (size !== group.length) return undefined;
  const parts = tracks.flatMap((t, i) => {
    const s = sets[i] ?? new Set<number>();
    return s.size === t.states.length ? [] : [`${t.name} is ${orList([...s].sort((a, b) => a - b).map((k) => t.states[k] ?? ''))}`];
  });
  return parts.join(' and ');
}

/** Groups the combinations by the value they give; the largest group (or the one of value 0) reads "otherwise". */
function casesOf(values: number[], combos: number[][], tracks: readonly TrackModel[]): DiagramCase[] {
  const groups = new Map<number, number[][]>();
  values.forEach((v, i) => {
    const key = Object.is(v, -0) ? 0 : v;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)?.push(combos[i] ?? []);
  });
  if (groups.size === 1) return [{ value: values[0] ?? 0 }];
  // Smaller groups first (stable, so in state order); the group of value 0, else the largest, last.
  const rank = ([value, group]: [number, number[][]]) => (value === 0 ? Number.POSITIVE_INFINITY : group.length);
  const ordered = [...groups.entries()].sort((a, b) => rank(a) - rank(b));
  const last = ordered.length - 1;
  return ordered.map(([value, group], i) => {
    if (i === last && last > 0) return { value, when: 'otherwise' };
    const words = productWords(group, tracks) ?? group.map((c) => productWords([c], tracks)).join('; or ');
    return { value, when: `while ${words}` };
  });
}

/** Parameters that some event sets while a trial runs (their values on the diagram hold only until then). */
function eventParams(model: Model): Set<number> {
  const out = new Set<number>();
  for (const e of model.events) for (const a of e.set) if (a.target.kind === 'param') out.add(a.target.index);
  return out;
}

/** A fresh evaluation state at the model's parameter values, variables at their start, time 0. */
function evalState(model: Model): EvalState {
  return {
    p: model.params.values,
    v: Float64Array.from(model.vars.initial),
    k: new Int32Array(model.tracks.length),
    t: 0,
    rng: new TrialStream(0),
    ever: new Uint8Array(model.totalStates),
    first: new Float64Array(model.totalStates),
    timeIn: new Float64Array(model.totalStates),
  };
}

/** One transition leaving state `from` of `track`: its values by the states of the other tracks it reads. */
function term(model: Model, track: TrackModel, from: number, tr: CompiledTransition, changing: Set<number>): DiagramTerm {
  const { reads } = tr.value;
  const others = [...new Set([...reads.tracks, ...tr.value.stateTests])]
    .filter((i) => i !== track.index)
    .sort((a, b) => a - b)
    .map((i) => model.tracks[i])
    .filter((t): t is TrackModel => t !== undefined);
  const notes: string[] = [];
  const changed = [...reads.params].filter((p) => changing.has(p)).map((p) => model.params.names[p] ?? '');
  if (changed.length) notes.push(`${orList(changed)} ${changed.length > 1 ? 'are' : 'is'} changed by an event during the run`);
  if (reads.vars.size) notes.push(`it depends on ${orList([...reads.vars].map((v) => model.vars.names[v] ?? ''))} (shown at the start)`);
  if (reads.time) notes.push('it changes with time (shown at the start)');
  const base = { kind: tr.kind, path: tr.path };
  const combos = combinations(others);
  if (reads.random || combos.length > MAX_CASES) {
    notes.push(reads.random ? 'it is drawn at random' : `it depends on ${others.length} other tracks`);
    return { ...base, cases: [], note: `${notes.join('; ')}: ${tr.value.source}` };
  }
  const s = evalState(model);
  s.k[track.index] = from;
  const values = combos.map((c) => {
    others.forEach((t, i) => {
      s.k[t.index] = c[i] ?? 0;
    });
    return tr.value.fn(s);
  });
  return { ...base, cases: casesOf(values, combos, others), ...(notes.length ? { note: notes.join('; ') } : {}) };
}

/**
 * The diagram of every track of `model`, at its parameter values (build the model with the overrides to show).
 * @example trackDiagrams(buildModel(scenario, { p_hold_war: 0.4 }))[0].edges[0].terms[0].cases // [{ value: 0.03 }]
 */
export function trackDiagrams(model: Model): TrackDiagram[] {
  const changing = eventParams(model);
  const declared = model.scenario.tracks;
  return model.tracks.map((track) => {
    const edges = new Map<string, DiagramEdge>();
    track.outgoing.forEach((list, from) => {
      for (const tr of list) {
        const key = `${from} ${tr.to}`;
        const edge = edges.get(key) ?? { from: track.states[from] ?? '', to: track.states[tr.to] ?? '', terms: [] };
        edges.set(key, edge);
        const t = term(model, track, from, tr, changing);
        const description = transitionDescription(model, tr.path);
        edge.terms.push(description ? { ...t, description } : t);
      }
    });
    const description = declared[track.name]?.description;
    return {
      track: track.name,
      ...(description ? { description } : {}),
      states: track.states,
      initial: track.states[track.initial] ?? '',
      edges: [...edges.values()],
    };
  });
}

/** The `description` of the transition at `path` (`tracks.NAME.transitions[i]`). */
function transitionDescription(model: Model, path: string): string | undefined {
  const m = /^tracks\.(.+)\.transitions\[(\d+)\]$/.exec(path);
  if (!m) return undefined;
  return model.scenario.tracks[m[1] ?? '']?.transitions[Number(m[2])]?.description;
}
