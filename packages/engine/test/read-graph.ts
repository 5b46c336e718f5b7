/** What a parameter can change in a model, from the model's read graph (for the stream-isolation tests). */
import type { CompiledExpression } from '../src/expression/expression.ts';
import type { Model } from '../src/index.ts';

/** Tracks, flows and metrics whose draws or values may depend on parameter `param`. */
export interface Reach {
  tracks: Set<number>;
  flows: Set<number>;
  metrics: Set<string>;
}

/**
 * Follows reads to a fixed point: a component depends on the parameter when it reads it, or reads a
 * variable, parameter or track that depends on it; a flow's draws also follow the moves of the
 * tracks it reads and the events that touch it, and an event moved in time moves those draws; where
 * the engine adds up every flow at once (transition effects, dynamic rates, unfolded flows) any
 * dependent track makes every flow dependent.
 */
export function reachOf(model: Model, param: number): Reach {
  const params = new Set([param]);
  const vars = new Set<number>();
  const tracks = new Set<number>();
  const flows = new Set<number>();
  const reads = (e: CompiledExpression | undefined) =>
    e !== undefined &&
    ([...e.reads.params].some((p) => params.has(p)) ||
      [...e.reads.vars].some((v) => vars.has(v)) ||
      [...e.reads.tracks].some((t) => tracks.has(t)));
  const everyFlowAtOnce =
    model.tracks.some((t) => t.dynamic.some(Boolean) || t.outgoing.some((list) => list.some((tr) => tr.set.length + tr.add.length > 0))) ||
    model.tracks.some((t) => t.outgoing.some((list) => list.some((tr) => [...tr.set, ...tr.add].some((a) => a.value.reads.vars.size > 0))));
  let size = -1;
  while (size !== params.size + vars.size + tracks.size + flows.size) {
    size = params.size + vars.size + tracks.size + flows.size;
    for (const t of model.tracks) {
      const transitions = t.outgoing.flat();
      if (transitions.some((tr) => reads(tr.value) || [...tr.set, ...tr.add].some((a) => reads(a.value)))) tracks.add(t.index);
      if (t.dependsOn.some((d) => tracks.has(d))) tracks.add(t.index);
      if (!tracks.has(t.index)) continue;
      for (const tr of transitions) for (const a of [...tr.set, ...tr.add]) (a.target.kind === 'var' ? vars : params).add(a.target.index);
    }
    model.flows.forEach((f, i) => {
      if (reads(f.amount) || reads(f.when) || (everyFlowAtOnce && tracks.size > 0)) flows.add(i);
    });
    for (const e of model.events) {
      const assignments = [...e.set, ...e.add];
      if (!reads(e.when) && !assignments.some((a) => reads(a.value))) continue;
      for (const a of assignments) (a.target.kind === 'var' ? vars : params).add(a.target.index);
      for (const f of e.force) tracks.add(f.track);
      // The event's time decides when the flows it touches are added up, so their draws follow it.
      if (e.when !== undefined && reads(e.when)) {
        model.flows.forEach((f, i) => {
          if (assignments.some((a) => a.target.kind === 'var' && a.target.index === f.variable)) flows.add(i);
          if (assignments.some((a) => a.value.reads.vars.has(f.variable))) flows.add(i);
        });
      }
    }
    for (const i of flows) vars.add(model.flows[i]!.variable);
  }
  return { tracks, flows, metrics: new Set(model.metrics.filter((m) => reads(m.expr)).map((m) => m.name)) };
}
