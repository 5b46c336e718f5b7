/**
 * Which parameters an expression reads once the tracks' states are known: a branch of `cond ? a : b`
 * whose condition tests track states only is read, the other is not. The simulator keeps a row
 * built for fixed track states while the parameters this names are unchanged, though others that
 * the expression reads elsewhere were drawn again (the rows of a trial draw its uncertain
 * parameters anew, and most rows read them only in states the trial may never visit).
 */
import type { MathNode } from 'mathjs';
import type { NameTable } from './expression.ts';
import { unwrap } from './expression-reads.ts';

/** Adds to `into` the parameters read in track states `k` (per track, its state's index). */
export type ParamsGiven = (k: Int32Array, into: Set<number>) => void;

/** A condition's value from track states alone, or undefined when it reads anything else. */
type StateCondition = (k: Int32Array) => boolean;

/**
 * The parameters `root` (a checked expression tree) reads given the track states, or undefined when
 * no branch depends on track states alone (then they are the expression's `reads.params`).
 */
export function paramsGivenStates(root: MathNode, names: NameTable): ParamsGiven | undefined {
  const walk = (node: MathNode): { given: ParamsGiven; prunes: boolean } => {
    const n = unwrap(node) as unknown as Record<string, unknown> & MathNode;
    if (n.type === 'SymbolNode') {
      const p = names.params.get(n.name as string);
      return { given: p === undefined ? () => {} : (_k, into) => void into.add(p), prunes: false };
    }
    if (n.type === 'ConditionalNode') {
      const test = stateCondition(n.condition as MathNode, names);
      const yes = walk(n.trueExpr as MathNode);
      const no = walk(n.falseExpr as MathNode);
      if (test !== undefined) {
        const [a, b] = [yes.given, no.given];
        return { given: (k, into) => (test(k) ? a(k, into) : b(k, into)), prunes: true };
      }
      return union([walk(n.condition as MathNode), yes, no]);
    }
    const children: { given: ParamsGiven; prunes: boolean }[] = [];
    n.forEach((child: MathNode) => {
      children.push(walk(child));
    });
    return union(children);
  };
  const top = walk(root);
  return top.prunes ? top.given : undefined;
}

function union(parts: { given: ParamsGiven; prunes: boolean }[]): { given: ParamsGiven; prunes: boolean } {
  const givens = parts.map((p) => p.given);
  return {
    given: (k, into) => {
      for (const g of givens) g(k, into);
    },
    prunes: parts.some((p) => p.prunes),
  };
}

/** `track == "state"`, `track != "state"` (either order) or `is(track, "a", …)` as a test of the states; else undefined. */
function stateCondition(node: MathNode, names: NameTable): StateCondition | undefined {
  const n = unwrap(node) as unknown as Record<string, unknown>;
  const trackOf = (x: MathNode) => {
    const u = unwrap(x) as unknown as { type: string; name?: string };
    return u.type === 'SymbolNode' && u.name !== undefined ? names.tracks.get(u.name) : undefined;
  };
  const textOf = (x: MathNode) => {
    const u = unwrap(x) as unknown as { type: string; value?: unknown };
    return u.type === 'ConstantNode' && typeof u.value === 'string' ? u.value : undefined;
  };
  const inStates = (track: { index: number; states: readonly string[] }, states: (string | undefined)[]): StateCondition | undefined => {
    if (states.some((s) => s === undefined)) return undefined;
    const mask = track.states.map((s) => states.includes(s));
    const ti = track.index;
    return (k) => mask[k[ti]!] === true;
  };
  if (n.type === 'OperatorNode' && (n.fn === 'equal' || n.fn === 'unequal')) {
    const [l, r] = n.args as MathNode[];
    if (l === undefined || r === undefined) return undefined;
    const track = trackOf(l) ?? trackOf(r);
    if (track === undefined) return undefined;
    const test = inStates(track, [textOf(trackOf(l) ? r : l)]);
    if (test === undefined || n.fn === 'equal') return test;
    return (k) => !test(k);
  }
  if (n.type === 'FunctionNode' && (n.fn as { name?: string }).name === 'is') {
    const [first, ...rest] = n.args as MathNode[];
    const track = first === undefined ? undefined : trackOf(first);
    return track === undefined ? undefined : inStates(track, rest.map(textOf));
  }
  return undefined;
}
