/** The joint state of a part of the chain: its index layout, and the evaluation state it decodes into. */

import type { EvalState } from '../expression/expression.ts';
import type { EventModel, Model, TrackModel } from '../model/model.ts';
import { TrialStream } from '../rng.ts';

/** A set of (track, state) pairs: "in any of these states". */
export type Taboo = { track: number; state: number }[];

/** A joint state: track states plus the "has fired" flags of condition events. */
export interface Space {
  tracks: TrackModel[];
  strides: Int32Array;
  trackSpace: number;
  conditional: EventModel[];
  size: number;
}

/**
 * Joint-state indices of a part and the one evaluation state they are decoded into: `decode`
 * writes the track states into `s.k`, `encode` reads them back.
 */
export class JointState {
  readonly space: Space;
  readonly s: EvalState;
  /** The parameter values expressions read (timed events may set some). */
  readonly params: Float64Array;

  constructor(model: Model, tracks: TrackModel[], conditional: EventModel[]) {
    const strides = new Int32Array(tracks.length);
    const trackSpace = tracks.reduceRight((w, t, i) => {
      strides[i] = w;
      return w * t.states.length;
    }, 1);
    this.space = { tracks, strides, trackSpace, conditional, size: trackSpace * 2 ** conditional.length };
    this.params = new Float64Array(model.params.values);
    this.s = {
      p: this.params,
      v: new Float64Array(model.vars.names.length),
      k: new Int32Array(model.tracks.length),
      t: 0,
      rng: new TrialStream(0),
      ever: new Uint8Array(model.totalStates),
      first: new Float64Array(model.totalStates),
      timeIn: new Float64Array(model.totalStates),
    };
  }

  /** Writes the track states of joint state `index` into `s.k`; returns its fired bits. */
  decode(index: number): number {
    const { tracks, strides, trackSpace } = this.space;
    const trackIndex = index % trackSpace;
    for (let i = 0; i < tracks.length; i++) {
      const t = tracks[i]!;
      this.s.k[t.index] = Math.floor(trackIndex / strides[i]!) % t.states.length;
    }
    return Math.floor(index / trackSpace);
  }

  /** The joint index of the track states in `s.k` with these fired bits. */
  encode(fired: number): number {
    let index = 0;
    const { tracks, strides, trackSpace } = this.space;
    for (let i = 0; i < tracks.length; i++) index += this.s.k[tracks[i]!.index]! * strides[i]!;
    return index + fired * trackSpace;
  }

  /** A number for every joint state, computed once from its decoded track states. */
  marks(of: () => number): Int32Array {
    const out = new Int32Array(this.space.size);
    for (let i = 0; i < out.length; i++) {
      this.decode(i);
      out[i] = of();
    }
    return out;
  }

  /** Whether the decoded joint state lies inside a taboo (in any of its states). */
  inside(taboo: Taboo): boolean {
    return taboo.some((c) => this.s.k[c.track] === c.state);
  }
}
