/**
 * The base run of one part: occupancy of every (track, state), time spent in each, variable
 * means and the final distribution, with first passages riding along in the same block.
 */

import { MAX_BLOCK_ENTRIES } from './block.ts';
import type { ExactSolver } from './exact-solver.ts';
import { enteredAtStart, firstPassage } from './first-passage.ts';
import type { Taboo } from './joint-state.ts';

/** What a base run of one part gives. */
export interface Propagation {
  /** Per (track, state) slot, P(in that state) at each time index 0..steps. */
  occupancy: Float64Array[];
  /** Per variable, its exact mean at the horizon (NaN where not exact). */
  variableMeans: Float64Array;
  /** Final distribution over joint states (index → probability). */
  final: Map<number, number>;
  /** Expected time spent in each slot over the horizon. */
  timeIn: Float64Array;
  /** P(first entry at time index m) for each taboo asked of the run. */
  firstPmf: Float64Array[];
}

/**
 * The base run: occupancy of every (track, state), time spent in each, variable means, the final
 * distribution; and the first passages of `taboos` (see `firstPassage`), which step in the same
 * block as the base distribution when it fits, so each joint state's successors are read once.
 */
export function propagate(solver: ExactSolver, taboos: Taboo[] = []): Propagation {
  const { model, joint } = solver;
  const n = model.steps;
  const slots = model.totalStates;
  const occupancy = Array.from({ length: slots }, () => new Float64Array(n + 1));
  const timeIn = new Float64Array(slots);
  const means = Float64Array.from(model.vars.initial);
  const certain = enteredAtStart(solver, taboos);
  const open = taboos.filter((_, i) => !certain[i]);
  const riding = (1 + open.length) * joint.space.size <= MAX_BLOCK_ENTRIES && open.length <= 31 ? open : [];
  const pmfs = riding.map(() => new Float64Array(n + 1));
  const k = 1 + riding.length;
  solver.rows.means = means;
  const pair = solver.initial(k, k, means);
  const tracks = joint.space.tracks;
  // The (track, state) slots of each joint state, looked up once instead of decoded every step;
  // and bit v set where the joint state lies inside taboo v.
  const slotsOf = tracks.map((t) => joint.marks(() => t.stateOffset + joint.s.k[t.index]!));
  const insideOf =
    riding.length === 0
      ? undefined
      : joint.marks(() => riding.reduce((bits, taboo, v) => (joint.inside(taboo) ? bits | (1 << v) : bits), 0));
  // Step 5: records for time index m; mass of a taboo distribution that has entered its taboo leaves it here.
  const record = (m: number) => {
    const { cur } = pair;
    for (let a = 0; a < cur.count; a++) {
      const index = cur.support[a]!;
      const at = index * k;
      const p = cur.p[at]!;
      if (p === 0) continue;
      for (const slotOf of slotsOf) {
        const slot = slotOf[index]!;
        occupancy[slot]![m]! += p;
        if (m < n) timeIn[slot]! += p * model.dt;
      }
      const bits = insideOf === undefined ? 0 : insideOf[index]!;
      if (bits === 0) continue;
      for (let v = 0; v < riding.length; v++) {
        if ((bits & (1 << v)) === 0) continue;
        pmfs[v]![m]! += cur.p[at + 1 + v]!;
        cur.p[at + 1 + v] = 0;
      }
    }
  };
  record(0);
  for (let m = 0; m < n; m++) {
    solver.largestSupport = Math.max(solver.largestSupport, pair.cur.count);
    solver.advance(pair, m, means);
    record(m + 1);
  }
  solver.rows.settle();
  solver.rows.means = undefined;
  for (let v = 0; v < means.length; v++) if (!solver.meanVars.has(v)) means[v] = Number.NaN;
  const final = pair.cur.distribution(0);
  let next = 0;
  const firstPmf =
    riding.length === open.length
      ? taboos.map((_, i) => {
          if (!certain[i]) return pmfs[next++]!;
          const entered = new Float64Array(n + 1);
          entered[0] = 1;
          return entered;
        })
      : firstPassage(solver, taboos);
  return { occupancy, variableMeans: means, final, timeIn, firstPmf };
}
