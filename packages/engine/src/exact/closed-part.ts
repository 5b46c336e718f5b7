/** Closed parts of the chain: sets of tracks and condition events that move on their own, so they can be solved apart. */

import { defined } from '../defined.ts';
import type { CompiledExpression } from '../expression/expression.ts';
import type { EventModel, Model, TrackModel } from '../model/model.ts';

/** Some tracks (in declaration order) and the condition events that can move them. */
export interface Part {
  tracks: TrackModel[];
  events: EventModel[];
}

/**
 * The smallest part of the model that contains `seeds` and moves on its own: every track whose
 * state a part's transitions read, and every condition event that forces a part's track (with the
 * tracks its condition reads), added until nothing more is. First passages and "ever" flags of
 * the seed tracks are the same in the part as in the whole chain, which can be far smaller:
 * in the 2022 scenario, the conflict and mediation tracks with one event are 42 joint states of 504.
 */
export function closedPart(model: Model, seeds: Iterable<number>, seedEvents: Iterable<EventModel> = []): Part {
  const inPart = new Set(seeds);
  const conditional = model.events.filter((e) => e.atStep === undefined);
  const events = new Set<EventModel>();
  for (const e of seedEvents) {
    if (e.atStep !== undefined) continue;
    events.add(e);
    for (const r of (e.when as CompiledExpression).reads.tracks) inPart.add(r);
  }
  for (let grew = true; grew; ) {
    grew = false;
    const add = (track: number) => {
      if (inPart.has(track)) return;
      inPart.add(track);
      grew = true;
    };
    for (const t of inPart.size > 0 ? [...inPart] : []) {
      for (const list of defined(model.tracks[t], 'parts hold tracks of the model').outgoing)
        for (const tr of list) for (const r of tr.value.reads.tracks) add(r);
    }
    for (const e of conditional) {
      if (events.has(e) || !e.force.some((f) => inPart.has(f.track))) continue;
      events.add(e);
      grew = true;
      for (const r of (e.when as CompiledExpression).reads.tracks) add(r);
    }
  }
  return { tracks: model.tracks.filter((t) => inPart.has(t.index)), events: conditional.filter((e) => events.has(e)) };
}

/** The tracks and condition events a variable's mean depends on: whatever changes it, and what that reads. */
export function variableSeeds(model: Model, v: number): { tracks: number[]; events: EventModel[] } {
  const tracks = new Set<number>();
  const events: EventModel[] = [];
  const reads = (e: CompiledExpression | undefined) => {
    for (const t of e?.reads.tracks ?? []) tracks.add(t);
  };
  for (const f of model.flows) {
    if (f.variable !== v) continue;
    reads(f.when);
    reads(f.amount);
  }
  for (const t of model.tracks) {
    for (const list of t.outgoing) {
      for (const tr of list) {
        for (const a of [...tr.add, ...tr.set]) {
          if (a.target.kind !== 'var' || a.target.index !== v) continue;
          tracks.add(t.index);
          reads(a.value);
        }
      }
    }
  }
  for (const e of model.events) {
    const mine = [...e.add, ...e.set].filter((a) => a.target.kind === 'var' && a.target.index === v);
    if (mine.length === 0) continue;
    if (e.atStep === undefined) events.push(e);
    for (const a of mine) reads(a.value);
  }
  return { tracks: [...tracks], events };
}

/** Whether part `inner` lies within part `outer`. */
export function within(inner: Part, outer: Part): boolean {
  return inner.tracks.every((t) => outer.tracks.includes(t)) && inner.events.every((e) => outer.events.includes(e));
}
