/** Events applied to whole distributions: timed events (in every trial at once) and condition events (per joint state). */

import type { Model } from '../model/model.ts';
import type { BlockPair } from './block.ts';
import { expectation } from './expectation.ts';
import type { JointState } from './joint-state.ts';
import type { SuccessorRows } from './successor-rows.ts';

/** Applies a part's events to the distributions of a block pair, and to the base run's variable means. */
export class DistributionEvents {
  /** Time indices at which timed events apply. */
  readonly timedSteps: Set<number>;

  constructor(
    private readonly model: Model,
    private readonly joint: JointState,
    private readonly rows: SuccessorRows,
    private readonly meanVars: Set<number>,
  ) {
    this.timedSteps = new Set(model.events.flatMap((e) => (e.atStep === undefined ? [] : [e.atStep])));
  }

  /**
   * Timed events at time index m, applied to whole distributions (they fire in every trial):
   * parameters they set change once for all; each joint state moves where the event forces it.
   */
  timed(m: number, pair: BlockPair, means: Float64Array | undefined): void {
    const due = this.model.events.filter((e) => e.atStep === m);
    if (due.length === 0) return;
    // Events may set variables: the means must be up to date first.
    this.rows.settle();
    const { joint } = this;
    const s = joint.s;
    s.t = m * this.model.dt;
    for (const e of due) {
      // Parameters set at a fixed time change for every trial at once.
      const params = e.set.filter((a) => a.target.kind === 'param');
      if (params.length > 0) {
        for (const a of params) joint.params[a.target.index] = a.value.fn(s);
        this.rows.clear();
        this.rows.generation++;
      }
      const setMeans = new Map<number, number>();
      pair.remap((index, p) => {
        const fired = joint.decode(index);
        if (means) {
          for (const a of e.set)
            if (a.target.kind === 'var') setMeans.set(a.target.index, (setMeans.get(a.target.index) ?? 0) + p * expectation(a.value, s));
          for (const a of e.add)
            if (a.target.kind === 'var' && this.meanVars.has(a.target.index)) means[a.target.index]! += p * expectation(a.value, s);
        }
        for (const f of e.force) s.k[f.track] = f.state;
        return joint.encode(fired);
      });
      if (means) for (const [v, mean] of setMeans) if (this.meanVars.has(v)) means[v] = mean;
    }
  }

  /** Condition events at time index m over whole distributions (each joint state fires or not). */
  conditional(m: number, pair: BlockPair, means: Float64Array | undefined): void {
    if (this.joint.space.conditional.length === 0) return;
    this.joint.s.t = m * this.model.dt;
    const increments = means ? new Float64Array(means.length) : undefined;
    const { joint, rows } = this;
    pair.remap((index, p) => joint.encode(rows.applyConditionEvents(joint.decode(index), increments, p)));
    if (means && increments) for (let v = 0; v < means.length; v++) if (this.meanVars.has(v)) means[v]! += increments[v]!;
  }
}
