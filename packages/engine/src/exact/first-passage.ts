/**
 * Taboo propagations: the chain with the mass that enters some states removed as it enters
 * (first passages), or moved to a "has visited" copy (ever flags).
 */

import { MAX_BLOCK_ENTRIES } from './block.ts';
import type { ExactSolver } from './exact-solver.ts';
import type { Taboo } from './joint-state.ts';

/**
 * First-passage distributions by taboo propagation: one distribution per taboo, a set of
 * (track, state) pairs, whose mass is removed as it enters any of them and recorded as
 * P(first entry at time index m). All step together, in blocks small enough to keep memory flat.
 */
export function firstPassage(solver: ExactSolver, taboos: Taboo[]): Float64Array[] {
  const { joint } = solver;
  const n = solver.model.steps;
  const out = taboos.map(() => new Float64Array(n + 1));
  const certain = enteredAtStart(solver, taboos);
  certain.forEach((yes, i) => {
    if (yes) out[i]![0] = 1;
  });
  const open = taboos.flatMap((taboo, i) => (certain[i] ? [] : [{ taboo, i }]));
  const perBlock = Math.max(1, Math.min(31, Math.floor(MAX_BLOCK_ENTRIES / joint.space.size)));
  for (let first = 0; first < open.length; first += perBlock) {
    const block = open.slice(first, first + perBlock);
    const k = block.length;
    const pmfs = block.map((taboo) => out[taboo.i]!);
    const pair = solver.initial(k, k, undefined);
    // Bit v of a joint state's mark: it lies inside taboo v.
    const insideOf = joint.marks(() => block.reduce((bits, { taboo }, v) => (joint.inside(taboo) ? bits | (1 << v) : bits), 0));
    const record = (m: number) => {
      const { cur } = pair;
      for (let a = 0; a < cur.count; a++) {
        const index = cur.support[a]!;
        const bits = insideOf[index]!;
        if (bits === 0) continue;
        for (let v = 0; v < k; v++) {
          if ((bits & (1 << v)) === 0) continue;
          pmfs[v]![m]! += cur.p[index * k + v]!;
          cur.p[index * k + v] = 0;
        }
      }
    };
    record(0);
    for (let m = 0; m < n; m++) {
      solver.advance(pair, m, undefined);
      record(m + 1);
    }
  }
  return out;
}

/**
 * For each taboo, whether every trial starts inside it: then it is entered at time 0 for
 * certain (P(first entry at 0) = 1) and needs no propagation.
 */
export function enteredAtStart(solver: ExactSolver, taboos: Taboo[]): boolean[] {
  const { joint } = solver;
  const start = [...solver.initial(1, 1, undefined).cur.distribution(0).keys()];
  return taboos.map((taboo) =>
    start.every((index) => {
      joint.decode(index);
      return joint.inside(taboo);
    }),
  );
}

/**
 * The final joint distribution of the chain together with "has visited" flags for some
 * (track, state) pairs, as a map from flag bits to a distribution over joint states. One
 * distribution per combination of flags; mass moves to the combination with a flag set as it
 * enters that flag's state.
 */
export function propagateWithFlags(solver: ExactSolver, flags: { track: number; state: number }[]): Map<number, Map<number, number>> {
  const { joint } = solver;
  const n = solver.model.steps;
  const k = 1 << flags.length;
  const pair = solver.initial(k, 1, undefined);
  // Bit i of a joint state's mark: it is in the state of flag i.
  const flagsOf = joint.marks(() => flags.reduce((bits, fl, i) => (joint.s.k[fl.track] === fl.state ? bits | (1 << i) : bits), 0));
  const record = () => {
    const { cur } = pair;
    for (let a = 0; a < cur.count; a++) {
      const index = cur.support[a]!;
      const here = flagsOf[index]!;
      if (here === 0) continue;
      const at = index * k;
      for (let bits = 0; bits < k; bits++) {
        const into = bits | here;
        if (into === bits) continue;
        cur.p[at + into]! += cur.p[at + bits]!;
        cur.p[at + bits] = 0;
      }
    }
  };
  record();
  for (let m = 0; m < n; m++) {
    solver.advance(pair, m, undefined);
    record();
  }
  const groups = new Map<number, Map<number, number>>();
  for (let bits = 0; bits < k; bits++) {
    const d = pair.cur.distribution(bits);
    if (d.size > 0) groups.set(bits, d);
  }
  return groups;
}
