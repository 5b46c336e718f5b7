/** Which parameters can change a metric at all: the model's read graph, followed from the metric back to the parameters. */

import type { Reads } from '../expression/expression.ts';
import type { Assignment, Model } from '../model/model.ts';

/**
 * The names of the parameters the named metrics read, directly or through the tracks, variables,
 * events and written parameters they read; undefined when a name is not a metric of the model. A
 * parameter outside the set cannot change these metrics: changing it leaves their exact answers
 * bit-identical, so they need not be solved again (this is the model's structure, not an estimate).
 */
export function paramsReaching(model: Model, metrics: readonly string[]): Set<string> | undefined {
  const seen = { params: new Set<number>(), vars: new Set<number>(), tracks: new Set<number>(), events: new Set<number>() };
  const work: (() => void)[] = [];
  const writes = (a: Assignment, kind: 'param' | 'var', index: number) => a.target.kind === kind && a.target.index === index;
  const read = (reads: Reads | undefined) => {
    if (reads === undefined) return;
    for (const p of reads.params) if (!seen.params.has(p)) seen.params.add(p), work.push(() => writers('param', p));
    for (const v of reads.vars) if (!seen.vars.has(v)) seen.vars.add(v), work.push(() => writers('var', v));
    for (const t of reads.tracks) track(t);
  };
  const track = (t: number) => {
    if (seen.tracks.has(t)) return;
    seen.tracks.add(t);
    work.push(() => {
      for (const list of model.tracks[t]?.outgoing ?? []) for (const tr of list) read(tr.value.reads);
      for (const e of model.events) if (e.force.some((f) => f.track === t)) event(e.index);
    });
  };
  const event = (index: number) => {
    if (seen.events.has(index)) return;
    seen.events.add(index);
    work.push(() => read(model.events.find((e) => e.index === index)?.when?.reads));
  };
  // Whatever sets or adds to a parameter or variable the metric reads: whether it fires, and the value it writes.
  const writers = (kind: 'param' | 'var', index: number) => {
    if (kind === 'var') {
      for (const f of model.flows) if (f.variable === index) read(f.amount.reads), read(f.when?.reads);
    }
    for (const t of model.tracks) {
      for (const list of t.outgoing) {
        for (const tr of list) {
          const hits = [...tr.set, ...tr.add].filter((a) => writes(a, kind, index));
          if (hits.length > 0) track(t.index);
          for (const a of hits) read(a.value.reads);
        }
      }
    }
    for (const e of model.events) {
      const hits = [...e.set, ...e.add].filter((a) => writes(a, kind, index));
      if (hits.length > 0) event(e.index);
      for (const a of hits) read(a.value.reads);
    }
  };
  for (const name of metrics) {
    const metric = model.metrics.find((m) => m.name === name);
    if (metric === undefined) return undefined;
    read(metric.expr.reads);
  }
  for (let job = work.shift(); job !== undefined; job = work.shift()) job();
  return new Set([...seen.params].map((p) => model.params.names[p] ?? ''));
}
