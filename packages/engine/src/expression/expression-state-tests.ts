/** State tests in expressions: `track == "state"` (either order, or `!=`) and `is(track, "a", "b")`, compiled to a state mask. */
import type { MathNode } from 'mathjs';
import { suggestion } from '../errors.ts';
import type { Checker } from './expression-checker.ts';
import { type Checked, emptyReads, unwrap } from './expression-reads.ts';

/** `track == "state"` (either order), or undefined when neither side is a track. */
export function stateTest(checker: Checker, left: MathNode, right: MathNode, depth: number): Checked | undefined {
  const trackNamed = (node: MathNode) => {
    const n = unwrap(node) as unknown as { type: string; name?: string };
    return n.type === 'SymbolNode' && n.name !== undefined && checker.names.tracks.has(n.name) ? n.name : undefined;
  };
  const outer = checker.comparedTrack;
  checker.comparedTrack = trackNamed(left) ?? trackNamed(right);
  let l: Checked;
  let r: Checked;
  try {
    l = checker.check(left, depth + 1);
    r = checker.check(right, depth + 1);
  } finally {
    checker.comparedTrack = outer;
  }
  const trackSide = l.track !== undefined ? l : r.track !== undefined ? r : undefined;
  if (trackSide === undefined) {
    if (l.text !== undefined || r.text !== undefined) {
      checker.fail('state_misuse', 'only a track can be compared with a quoted state name', 'e.g. conflict == "war"');
    }
    return undefined;
  }
  const other = trackSide === l ? r : l;
  const trackName = trackSide.track as string;
  if (other.text === undefined) {
    checker.fail(
      'state_misuse',
      `compare the track "${trackName}" with a quoted state name`,
      `e.g. ${trackName} == "${checker.names.tracks.get(trackName)?.states[0] ?? 'state'}"`,
    );
  }
  return membership(checker, trackName, [other.text]);
}

/** A test of whether the track is in any of `states`, as a 0/1 mask lookup. */
export function membership(checker: Checker, trackName: string, states: string[]): Checked {
  const track = checker.names.tracks.get(trackName);
  if (track === undefined) checker.fail('unknown_name', `unknown track "${trackName}"`);
  const mask = new Uint8Array(track.states.length);
  for (const st of states) {
    const i = track.states.indexOf(st);
    if (i < 0) {
      checker.fail('unknown_state', `track "${trackName}" has no state "${st}"`, suggestion(st, track.states, `states of ${trackName}`));
    }
    mask[i] = 1;
  }
  const ti = track.index;
  checker.stateTests.add(ti);
  const known = checker.fixed?.get(ti);
  if (known !== undefined) {
    const value = mask[known] ?? 0;
    return { fn: () => value, reads: emptyReads(), leaf: { kind: 'const', value } };
  }
  const reads = emptyReads();
  reads.tracks.add(ti);
  return { fn: (s) => mask[s.k[ti]!]!, reads, test: { mask, track: ti } };
}

/** `is(track, "a", "b", …)`: whether the track is in any of the states. */
export function isCall(checker: Checker, args: MathNode[], depth: number): Checked {
  if (args.length < 2) checker.fail('wrong_arity', 'is() takes a track and one or more quoted states, e.g. is(conflict, "clash", "war")');
  const [first, ...rest] = args.map((a) => checker.check(a, depth + 1));
  if (first?.track === undefined) checker.fail('state_misuse', 'the first argument of is() must be a track');
  const states = rest.map((r) => {
    if (r.text === undefined) checker.fail('state_misuse', 'after the track, is() takes quoted state names');
    return r.text;
  });
  return membership(checker, first.track, states);
}
