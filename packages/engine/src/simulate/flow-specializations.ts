/**
 * Each flow's condition and amount specialized to the states of the tracks they test
 * (`CompiledExpression.specialize`), made the first time a trial meets those states and kept: a
 * flow's shape is computed again whenever its joint state or a parameter it reads changes, and the
 * specialized closures make fewer calls for the same numbers.
 */
import { type Compiled, MAX_SPECIALIZATIONS } from '../expression/expression.ts';
import type { FlowModel, Model } from '../model/model.ts';

/** What a flow's shape evaluates: its condition (if any), its amount, and the amount's sampler arguments. */
export interface FlowClosures {
  when: Compiled | undefined;
  amount: Compiled;
  samplerArgs: readonly Compiled[];
}

export class FlowSpecializations {
  /** Per flow, the tracks its condition and amount test, in index order (empty: nothing to specialize). */
  private readonly tested: Int32Array[];
  /** Per flow, the closures by the tested tracks' states (a mixed-radix number). */
  private readonly made: Map<number, FlowClosures>[];
  /** Per flow, its own closures. */
  private readonly plain: FlowClosures[];
  private readonly stateCounts: Int32Array;
  private readonly flows: readonly FlowModel[];

  constructor(model: Model) {
    this.stateCounts = Int32Array.from(model.tracks, (t) => t.states.length);
    // A flow keeps its own closures, under no key, where none of its expressions can be specialized
    // or its tested tracks have more combinations of states than one expression may keep.
    this.tested = model.flows.map((f) => {
      const tracks = Int32Array.from(new Set([...(f.when?.stateTests ?? []), ...f.amount.stateTests])).sort();
      const combinations = tracks.reduce((n, t) => n * this.stateCounts[t]!, 1);
      const none = f.when?.specialize === undefined && f.amount.specialize === undefined;
      return none || combinations > MAX_SPECIALIZATIONS ? new Int32Array(0) : tracks;
    });
    this.made = model.flows.map(() => new Map());
    this.plain = model.flows.map((f) => ({ when: f.when?.fn, amount: f.amount.fn, samplerArgs: f.amount.sampler?.args ?? [] }));
    this.flows = model.flows;
  }

  /** Flow i's closures with the tracks in states `k`. */
  of(i: number, k: Int32Array): FlowClosures {
    const tracks = this.tested[i]!;
    if (tracks.length === 0) return this.plain[i]!;
    let key = 0;
    for (let j = 0; j < tracks.length; j++) key = key * this.stateCounts[tracks[j]!]! + k[tracks[j]!]!;
    const made = this.made[i]!;
    let closures = made.get(key);
    if (closures === undefined) {
      closures = this.specialize(this.flows[i]!, tracks, k);
      made.set(key, closures);
    }
    return closures;
  }

  private specialize(f: FlowModel, tracks: Int32Array, k: Int32Array): FlowClosures {
    const fixed = new Map<number, number>();
    for (const t of tracks) fixed.set(t, k[t]!);
    const amount = f.amount.specialize?.(fixed);
    return {
      when: f.when === undefined ? undefined : (f.when.specialize?.(fixed).fn ?? f.when.fn),
      amount: amount?.fn ?? f.amount.fn,
      samplerArgs: f.amount.sampler === undefined ? [] : (amount?.samplerArgs ?? f.amount.sampler.args),
    };
  }
}
