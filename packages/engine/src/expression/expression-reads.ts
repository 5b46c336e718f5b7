/** Small pieces the expression checker shares: a checked node, what it reads, and helpers for messages and trees. */
import type { MathNode } from 'mathjs';
import type { Compiled, Reads } from './expression.ts';
import type { Leaf, MaskTest } from './expression-fast-paths.ts';

/** A checked node: its closure, what it reads, and what it is when not a number. */
export interface Checked {
  fn: Compiled;
  reads: Reads;
  /** Set for string literals, which are only legal as state names. */
  text?: string;
  /** Set for a bare track symbol, which is only legal in state tests. */
  track?: string;
  /** Set when the node is a number or a parameter (read in place by its parent). */
  leaf?: Leaf;
  /** Set when the node is a state test (read in place by a conditional). */
  test?: MaskTest;
}

/** True when `table` has its own entry `name` (never an inherited one such as `constructor` or `toString`). */
export function owns(table: object, name: string): boolean {
  return Object.hasOwn(table, name);
}

/** The expression text for messages, shortened when long. */
export function excerpt(source: string): string {
  return source.length > 80 ? `${source.slice(0, 77)}…` : source;
}

/** Reads of nothing at all. */
export function emptyReads(): Reads {
  return { params: new Set(), vars: new Set(), tracks: new Set(), time: false, rawTime: false, random: false };
}

/** Adds what `from` reads to `into`; returns `into`. */
export function mergeReads(into: Reads, from: Reads): Reads {
  for (const x of from.params) into.params.add(x);
  for (const x of from.vars) into.vars.add(x);
  for (const x of from.tracks) into.tracks.add(x);
  into.time ||= from.time;
  into.rawTime ||= from.rawTime;
  into.random ||= from.random;
  return into;
}

/** True when an expression reads no parameter, variable, track, time or random draw (a constant). */
export function readsNothing(r: Reads): boolean {
  return r.params.size + r.vars.size + r.tracks.size === 0 && !r.time && !r.random;
}

/** The node inside any parentheses. */
export function unwrap(node: MathNode): MathNode {
  let n = node;
  while (n.type === 'ParenthesisNode') n = (n as unknown as { content: MathNode }).content;
  return n;
}
