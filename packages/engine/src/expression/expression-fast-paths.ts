/**
 * Closures without inner calls for the shapes rates are mostly written in: a parameter
 * or a number beside another operand (`rate * factor`, `rate / units_per_day`) and a choice between
 * such leaves (`is(conflict, "clash") ? rate : 0`). A compiled expression is a tree of closures, and
 * each node's call of its children is a call site V8 sees many different closures at, so it cannot
 * inline them; reading a leaf in place saves those calls. The arithmetic is the same operation on
 * the same numbers in the same order, so the results are the same bits.
 *
 * Written by hand, not generated: scenario text must never reach `new Function` (the page's CSP
 * forbids it, and strangers write scenarios), so each shape is a closure of its own.
 */
import type { Compiled } from './expression.ts';

/**
 * A node whose value needs no call: a number, or a parameter's slot. (Variables are read through
 * their closures: a rate that reads one is recomputed every step anyway.)
 */
export type Leaf = { kind: 'const'; value: number } | { kind: 'param'; index: number };

/** A state test `track == "state"` or `is(track, …)`: 1 where `mask[state of track]` is 1. */
export interface MaskTest {
  mask: Uint8Array;
  track: number;
}

type Arithmetic = 'add' | 'subtract' | 'multiply' | 'divide';

function isArithmetic(fn: string): fn is Arithmetic {
  return fn === 'add' || fn === 'subtract' || fn === 'multiply' || fn === 'divide';
}

function apply(fn: Arithmetic, x: number, y: number): number {
  switch (fn) {
    case 'add':
      return x + y;
    case 'subtract':
      return x - y;
    case 'multiply':
      return x * y;
    case 'divide':
      return x / y;
  }
}

/**
 * `a op b` for + - * / when either side is a leaf: two numbers fold to one (the same IEEE
 * operation, done once), otherwise a closure that reads the leaf in place. Undefined for other
 * operators and for two non-leaves (the general closure then applies).
 */
export function arithmeticFastPath(
  fn: string,
  a: Compiled,
  b: Compiled,
  la: Leaf | undefined,
  lb: Leaf | undefined,
): { fn: Compiled; leaf?: Leaf } | undefined {
  if (!isArithmetic(fn) || (la === undefined && lb === undefined)) return undefined;
  if (la?.kind === 'const' && lb?.kind === 'const') {
    const value = apply(fn, la.value, lb.value);
    return { fn: () => value, leaf: { kind: 'const', value } };
  }
  if (la !== undefined && lb !== undefined) return { fn: leafLeaf(fn, la, lb) };
  if (la !== undefined) return { fn: leafFirst(fn, la, b) };
  return { fn: leafSecond(fn, a, lb as Leaf) };
}

/** Two leaves, not both numbers. */
function leafLeaf(fn: Arithmetic, la: Leaf, lb: Leaf): Compiled {
  if (la.kind === 'param' && lb.kind === 'param') {
    const i = la.index;
    const j = lb.index;
    switch (fn) {
      case 'add':
        return (s) => s.p[i]! + s.p[j]!;
      case 'subtract':
        return (s) => s.p[i]! - s.p[j]!;
      case 'multiply':
        return (s) => s.p[i]! * s.p[j]!;
      case 'divide':
        return (s) => s.p[i]! / s.p[j]!;
    }
  }
  if (la.kind === 'param' && lb.kind === 'const') {
    const i = la.index;
    const y = lb.value;
    switch (fn) {
      case 'add':
        return (s) => s.p[i]! + y;
      case 'subtract':
        return (s) => s.p[i]! - y;
      case 'multiply':
        return (s) => s.p[i]! * y;
      case 'divide':
        return (s) => s.p[i]! / y;
    }
  }
  if (la.kind === 'const' && lb.kind === 'param') {
    const x = la.value;
    const j = lb.index;
    switch (fn) {
      case 'add':
        return (s) => x + s.p[j]!;
      case 'subtract':
        return (s) => x - s.p[j]!;
      case 'multiply':
        return (s) => x * s.p[j]!;
      case 'divide':
        return (s) => x / s.p[j]!;
    }
  }
  return leafFirst(fn, la, leafClosure(lb));
}

/** A leaf, then a closure. */
function leafFirst(fn: Arithmetic, la: Leaf, b: Compiled): Compiled {
  if (la.kind === 'const') {
    const x = la.value;
    switch (fn) {
      case 'add':
        return (s) => x + b(s);
      case 'subtract':
        return (s) => x - b(s);
      case 'multiply':
        return (s) => x * b(s);
      case 'divide':
        return (s) => x / b(s);
    }
  }
  const i = la.index;
  switch (fn) {
    case 'add':
      return (s) => s.p[i]! + b(s);
    case 'subtract':
      return (s) => s.p[i]! - b(s);
    case 'multiply':
      return (s) => s.p[i]! * b(s);
    case 'divide':
      return (s) => s.p[i]! / b(s);
  }
}

/** A closure, then a leaf (the closure is called first, as in the general case). */
function leafSecond(fn: Arithmetic, a: Compiled, lb: Leaf): Compiled {
  if (lb.kind === 'const') {
    const y = lb.value;
    switch (fn) {
      case 'add':
        return (s) => a(s) + y;
      case 'subtract':
        return (s) => a(s) - y;
      case 'multiply':
        return (s) => a(s) * y;
      case 'divide':
        return (s) => a(s) / y;
    }
  }
  const j = lb.index;
  switch (fn) {
    case 'add':
      return (s) => a(s) + s.p[j]!;
    case 'subtract':
      return (s) => a(s) - s.p[j]!;
    case 'multiply':
      return (s) => a(s) * s.p[j]!;
    case 'divide':
      return (s) => a(s) / s.p[j]!;
  }
}

/** The closure that reads a leaf. */
function leafClosure(leaf: Leaf): Compiled {
  if (leaf.kind === 'const') {
    const value = leaf.value;
    return () => value;
  }
  const i = leaf.index;
  return (s) => s.p[i]!;
}

/**
 * `cond ? yes : no` when the condition is a state test or either branch a number or parameter: the
 * test and those branches read in place. Undefined when nothing can be read in place.
 */
export function conditionalFastPath(
  cond: Compiled,
  yes: Compiled,
  no: Compiled,
  test: MaskTest | undefined,
  ly: Leaf | undefined,
  ln: Leaf | undefined,
): Compiled | undefined {
  if (test === undefined && ly === undefined && ln === undefined) return undefined;
  if (test === undefined) return choose(cond, ly, ln, yes, no);
  const { mask, track } = test;
  if (ly?.kind === 'param' && ln?.kind === 'const') {
    const i = ly.index;
    const y = ln.value;
    return (s) => (mask[s.k[track]!] ? s.p[i]! : y);
  }
  if (ly?.kind === 'const' && ln?.kind === 'param') {
    const x = ly.value;
    const j = ln.index;
    return (s) => (mask[s.k[track]!] ? x : s.p[j]!);
  }
  if (ly?.kind === 'const' && ln?.kind === 'const') {
    const x = ly.value;
    const y = ln.value;
    return (s) => (mask[s.k[track]!] ? x : y);
  }
  if (ly?.kind === 'param' && ln?.kind === 'param') {
    const i = ly.index;
    const j = ln.index;
    return (s) => (mask[s.k[track]!] ? s.p[i]! : s.p[j]!);
  }
  if (ln?.kind === 'const') {
    const y = ln.value;
    return (s) => (mask[s.k[track]!] ? yes(s) : y);
  }
  if (ly?.kind === 'const') {
    const x = ly.value;
    return (s) => (mask[s.k[track]!] ? x : no(s));
  }
  return (s) => (mask[s.k[track]!] ? yes(s) : no(s));
}

/** A condition through its closure, with a number or parameter branch read in place. */
function choose(cond: Compiled, ly: Leaf | undefined, ln: Leaf | undefined, yes: Compiled, no: Compiled): Compiled {
  if (ly?.kind === 'param' && ln?.kind === 'const') {
    const i = ly.index;
    const y = ln.value;
    return (s) => (cond(s) ? s.p[i]! : y);
  }
  if (ly?.kind === 'const' && ln?.kind === 'param') {
    const x = ly.value;
    const j = ln.index;
    return (s) => (cond(s) ? x : s.p[j]!);
  }
  if (ln?.kind === 'const') {
    const y = ln.value;
    return (s) => (cond(s) ? yes(s) : y);
  }
  if (ly?.kind === 'const') {
    const x = ly.value;
    return (s) => (cond(s) ? x : no(s));
  }
  return (s) => (cond(s) ? yes(s) : no(s));
}
