/**
 * The exact solver of one closed part of the chain: it starts distributions at t = 0 and steps
 * them under the same one-step rule the Monte Carlo samples (moves, then timed and condition events).
 */

import type { CompiledExpression, EvalState } from '../expression/expression.ts';
import type { Model } from '../model/model.ts';
import { BlockPair } from './block.ts';
import { type Part, within } from './closed-part.ts';
import { DistributionEvents } from './distribution-events.ts';
import { JointState, type Space } from './joint-state.ts';
import { SuccessorRows } from './successor-rows.ts';

/** Steps distributions over the joint states of a closed part (see `propagate`, `firstPassage`, `propagateWithFlags`). */
export class ExactSolver {
  readonly joint: JointState;
  readonly rows: SuccessorRows;
  private readonly events: DistributionEvents;
  /** The most joint states with probability at once in a base run. */
  largestSupport = 0;
  /** The variables whose means this part determines (everything that changes them lies within it). */
  readonly meanVars: Set<number>;

  /**
   * A solver over a closed part of the chain (see `closedPart`): some tracks and the condition
   * events that move them, which nothing outside the part moves. It answers for the part's own
   * tracks and for the variables whose changes lie within it (`meanVars`).
   */
  constructor(
    readonly model: Model,
    part: Part,
    variableParts: readonly (Part | undefined)[],
  ) {
    this.meanVars = new Set(variableParts.flatMap((vp, v) => (vp !== undefined && within(vp, part) ? [v] : [])));
    this.joint = new JointState(model, part.tracks, part.events);
    this.rows = new SuccessorRows(model, this.joint, this.meanVars);
    this.events = new DistributionEvents(model, this.joint, this.rows, this.meanVars);
  }

  get space(): Space {
    return this.joint.space;
  }

  /**
   * The distributions at t = 0: the initial joint state in each of `vectors` (the others empty),
   * then the events due at 0.
   */
  initial(k: number, vectors: number, means: Float64Array | undefined): BlockPair {
    const { joint, rows } = this;
    joint.params.set(this.model.params.values);
    if (rows.generation !== 0) {
      rows.clear();
      rows.generation = 0;
    }
    for (const t of this.model.tracks) joint.s.k[t.index] = t.initial;
    const pair = new BlockPair(joint.space.size, k);
    const start = joint.encode(0);
    for (let v = 0; v < vectors; v++) pair.cur.add(start, v, 1);
    this.events.timed(0, pair, means);
    this.events.conditional(0, pair, means);
    return pair;
  }

  /**
   * One step of every distribution in the pair from time index m: moves, then the events due at
   * m + 1 (steps 1–4). Each joint state's successors are looked up once for all distributions.
   */
  advance(pair: BlockPair, m: number, means: Float64Array | undefined): void {
    const successorRows = this.rows;
    successorRows.enterStep(m);
    // Without a timed event at m + 1, the condition events ride along with the cached successors.
    const fold = this.joint.space.conditional.length > 0 && !this.events.timedSteps.has(m + 1);
    const { cur, spare } = pair;
    const { k, p: from } = cur;
    const rows = successorRows.timeDependent ? undefined : fold ? successorRows.foldedRows : successorRows.plain;
    spare.clear();
    // The hot loop: locals only, the support list of the target block kept by hand.
    const to = spare.p;
    const listed = spare.listed;
    const support = spare.support;
    let count = 0;
    for (let a = 0; a < cur.count; a++) {
      const i = cur.support[a]!;
      const at = i * k;
      if (k === 1 ? from[i] === 0 : !cur.holdsMass(i)) continue;
      const succ = rows?.get(i) ?? (fold ? successorRows.folded(i, m) : successorRows.successors(i, m));
      const targets = succ.to;
      const probabilities = succ.p;
      if (k === 1) {
        const p = from[i]!;
        if (means) {
          if (succ.weight === 0) successorRows.owed.push(succ);
          succ.weight += p;
        }
        for (let j = 0; j < targets.length; j++) {
          const y = targets[j]!;
          if (listed[y] === 0) {
            listed[y] = 1;
            support[count++] = y;
          }
          to[y]! += probabilities[j]! * p;
        }
        continue;
      }
      if (means) {
        // The base distribution is the first of the block.
        const p = from[at]!;
        if (p !== 0) {
          if (succ.weight === 0) successorRows.owed.push(succ);
          succ.weight += p;
        }
      }
      for (let j = 0; j < targets.length; j++) {
        const y = targets[j]!;
        const q = probabilities[j]!;
        if (listed[y] === 0) {
          listed[y] = 1;
          support[count++] = y;
        }
        const yat = y * k;
        for (let v = 0; v < k; v++) to[yat + v]! += q * from[at + v]!;
      }
    }
    spare.count = count;
    pair.flip();
    // Rows made afresh each step (time-dependent chains) are not kept: settle them now.
    if (successorRows.timeDependent) successorRows.settle();
    if (fold) return;
    this.events.timed(m + 1, pair, means);
    this.events.conditional(m + 1, pair, means);
  }

  /** Evaluates a metric expression in the state of a final joint index. */
  evaluateAt(expr: CompiledExpression, index: number, set: (s: EvalState) => void): number {
    this.joint.decode(index);
    this.joint.s.t = this.model.horizon;
    set(this.joint.s);
    return expr.fn(this.joint.s);
  }

  get horizon(): number {
    return this.model.horizon;
  }

  get evalState(): EvalState {
    return this.joint.s;
  }
}
