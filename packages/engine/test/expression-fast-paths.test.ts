/**
 * The closures that read a leaf in place (expression-fast-paths.ts) must give the bits the plain
 * closure tree gives. Random expressions over parameters, a variable, numbers and state tests are
 * compiled and compared with the same arithmetic written out in JavaScript, operand by operand.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EvalState, NameTable } from '../src/expression/expression.ts';
import { compileExpression, MAX_SPECIALIZATIONS } from '../src/expression/expression.ts';
import { TrialStream } from '../src/rng.ts';

/** A generated expression: its text and the same computation in JavaScript. */
interface Expr {
  text: string;
  value: (s: EvalState) => number;
}

const names: NameTable = {
  params: new Map([
    ['a', 0],
    ['b', 1],
  ]),
  vars: new Map([['x', 0]]),
  tracks: new Map([['conflict', { index: 0, states: ['calm', 'clash', 'war'], stateOffset: 0 }]]),
  dt: 0.25,
  horizon: 10,
};

const leaf: fc.Arbitrary<Expr> = fc.oneof(
  fc.constantFrom<Expr>(
    { text: 'a', value: (s) => s.p[0]! },
    { text: 'b', value: (s) => s.p[1]! },
    { text: 'x', value: (s) => s.v[0]! },
    { text: 'dt', value: () => 0.25 },
    { text: 'true', value: () => 1 },
    { text: '0', value: () => 0 },
  ),
  fc.double({ min: 0, max: 1000, noNaN: true }).map((n) => ({ text: String(n), value: () => n })),
);

const tests: Expr[] = [
  { text: '(conflict == "war")', value: (s) => (s.k[0] === 2 ? 1 : 0) },
  { text: 'is(conflict, "calm", "clash")', value: (s) => (s.k[0] !== 2 ? 1 : 0) },
  { text: '("clash" == conflict)', value: (s) => (s.k[0] === 1 ? 1 : 0) },
];

const { expr } = fc.letrec<{ expr: Expr }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.constantFrom(...tests),
    fc.tuple(tie('expr'), fc.constantFrom('+', '-', '*', '/'), tie('expr')).map(([l, op, r]): Expr => {
      const f = {
        '+': (x: number, y: number) => x + y,
        '-': (x: number, y: number) => x - y,
        '*': (x: number, y: number) => x * y,
        '/': (x: number, y: number) => x / y,
      }[op];
      return { text: `(${l.text} ${op} ${r.text})`, value: (s) => f(l.value(s), r.value(s)) };
    }),
    tie('expr').map((e): Expr => ({ text: `(-${e.text})`, value: (s) => -e.value(s) })),
    fc
      .tuple(tie('expr'), tie('expr'), tie('expr'))
      .map(([c, y, n]): Expr => ({ text: `(${c.text} ? ${y.text} : ${n.text})`, value: (s) => (c.value(s) ? y.value(s) : n.value(s)) })),
  ),
}));

function state(a: number, b: number, x: number, k: number): EvalState {
  return {
    p: Float64Array.of(a, b),
    v: Float64Array.of(x),
    k: Int32Array.of(k),
    t: 0,
    rng: new TrialStream(1),
    ever: new Uint8Array(3),
    first: new Float64Array(3),
    timeIn: new Float64Array(3),
  };
}

const value = fc.oneof(fc.double({ min: -10, max: 10, noNaN: true }), fc.constantFrom(0, -0, 1));

describe('leaves read in place', () => {
  it('give the same bits as the arithmetic written out, for any expression and state', () => {
    fc.assert(
      fc.property(expr, value, value, value, fc.integer({ min: 0, max: 2 }), (e, a, b, x, k) => {
        const compiled = compileExpression(e.text, 'metric', names, 'metrics.m.expr');
        const s = state(a, b, x, k);
        expect(Object.is(compiled.fn(s), e.value(s))).toBe(true);
      }),
      { numRuns: 3000, seed: 20261206 },
    );
  });

  it('read the state at call time: one compiled rate follows the parameters and the track it tests', () => {
    const rate = compileExpression('is(conflict, "clash", "war") ? a / 24 : b * dt', 'rate', names, 'r');
    expect(rate.fn(state(0.48, 2, 0, 1))).toBe(0.48 / 24);
    expect(rate.fn(state(0.96, 2, 0, 2))).toBe(0.96 / 24);
    expect(rate.fn(state(0.96, 2, 0, 0))).toBe(2 * 0.25);
    expect(rate.fn(state(0.96, 3, 0, 0))).toBe(3 * 0.25);
  });
});

describe('the parameters a rate reads once the track states are known (paramsGiven)', () => {
  it('name every parameter the value depends on in those states: changing any other leaves the bits alone', () => {
    fc.assert(
      fc.property(expr, value, value, value, value, value, fc.integer({ min: 0, max: 2 }), (e, a, b, x, a2, b2, k) => {
        // A rate's text may not read a variable: x stands as a number here.
        const text = e.text.replace(/\bx\b/g, '3');
        const compiled = compileExpression(text, 'rate', names, 'r');
        const read = new Set<number>();
        if (compiled.paramsGiven) compiled.paramsGiven(Int32Array.of(k), read);
        else for (const p of compiled.reads.params) read.add(p);
        // Move only the parameters it does not name: the value must not change.
        const moved = state(read.has(0) ? a : a2, read.has(1) ? b : b2, x, k);
        expect(Object.is(compiled.fn(moved), compiled.fn(state(a, b, x, k)))).toBe(true);
      }),
      { numRuns: 3000, seed: 20261207 },
    );
  });

  it('leave out a branch the track state rules out, and keep both where the condition reads a parameter', () => {
    const given = (text: string, k: number) => {
      const read = new Set<number>();
      compileExpression(text, 'rate', names, 'r').paramsGiven?.(Int32Array.of(k), read);
      return [...read].sort();
    };
    expect(given('conflict == "war" ? a : b', 2)).toEqual([0]);
    expect(given('conflict == "war" ? a : b', 0)).toEqual([1]);
    expect(given('(conflict != "calm" ? a : 0) + b', 0)).toEqual([1]);
    expect(given('is(conflict, "clash", "war") ? a * 2 : (a > 1 ? b : 0)', 0)).toEqual([0, 1]);
    expect(compileExpression('a > 1 ? b : 0', 'rate', names, 'r').paramsGiven).toBeUndefined();
  });
});

describe('metrics read in place (CompiledExpression.read)', () => {
  const read = (text: string) => compileExpression(text, 'metric', names, 'metrics.m.expr').read;

  it('name the one number of the state a whole expression is', () => {
    expect(read('x')).toEqual({ from: 'v', index: 0 });
    expect(read('(x)')).toEqual({ from: 'v', index: 0 });
    expect(read('ever(conflict, "war")')).toEqual({ from: 'ever', index: 2 });
    expect(read('time_in(conflict, "clash")')).toEqual({ from: 'timeIn', index: 1 });
    expect(read('first(conflict, "war")')).toEqual({ from: 'first', index: 2, horizon: 10 });
  });

  it('leave anything more to the closure', () => {
    for (const text of ['a', 'x + 0', 'first(conflict, "war") <= 4', 'ever(conflict, "war") + ever(conflict, "clash")', 'dt', '3'])
      expect(read(text), text).toBeUndefined();
  });

  it('read what the closure returns, censored first passages included', () => {
    for (const [text, k] of [
      ['x', 0],
      ['ever(conflict, "war")', 2],
      ['time_in(conflict, "clash")', 1],
      ['first(conflict, "war")', 2],
      ['first(conflict, "clash")', 0],
    ] as const) {
      const compiled = compileExpression(text, 'metric', names, 'metrics.m.expr');
      const s = state(0.5, 2, 7, k);
      s.ever.set([0, 1, 1]);
      s.timeIn.set([3, 4.5, 0]);
      s.first.set([0, Number.NaN, 2.25]);
      const r = compiled.read!;
      const direct = { v: s.v, ever: s.ever, timeIn: s.timeIn, first: s.first }[r.from][r.index]!;
      const value = r.from === 'first' && Number.isNaN(direct) ? r.horizon : direct;
      expect(value, text).toBe(compiled.fn(s));
    }
  });
});

describe('expressions specialized to known track states (specialize)', () => {
  // The generator above, with the operators whose folding specialize adds: and/or/not, comparisons
  // and function calls, so that a constant condition is folded as the closures would decide it
  // (NaN and -0 included: `value` draws them, and 0/0 makes NaN).
  const { wide } = fc.letrec<{ wide: Expr }>((tie) => ({
    wide: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      expr,
      fc.tuple(tie('wide'), fc.constantFrom('and', 'or', 'xor'), tie('wide')).map(([l, op, r]): Expr => {
        const f = { and: (x: number, y: number) => x && y, or: (x: number, y: number) => x || y, xor: (x: number, y: number) => !x !== !y }[
          op
        ];
        return { text: `(${l.text} ${op} ${r.text})`, value: (s) => (f(l.value(s), r.value(s)) ? 1 : 0) };
      }),
      tie('wide').map((e): Expr => ({ text: `(not ${e.text})`, value: (s) => (e.value(s) ? 0 : 1) })),
      fc
        .tuple(tie('wide'), tie('wide'))
        .map(([l, r]): Expr => ({ text: `(${l.text} < ${r.text})`, value: (s) => (l.value(s) < r.value(s) ? 1 : 0) })),
      fc
        .tuple(tie('wide'), tie('wide'))
        .map(([l, r]): Expr => ({ text: `max(${l.text}, ${r.text})`, value: (s) => Math.max(l.value(s), r.value(s)) })),
    ),
  }));

  it('give the bits of the whole expression in every state, for any expression and parameters', () => {
    fc.assert(
      fc.property(wide, value, value, fc.integer({ min: 0, max: 2 }), (e, a, b, k) => {
        const text = e.text.replace(/\bx\b/g, '3');
        const compiled = compileExpression(text, 'rate', names, 'r');
        const s = state(a, b, 0, k);
        const special = compiled.specialize?.(new Map([[0, k]]));
        expect(special === undefined).toBe(compiled.stateTests.size === 0);
        if (special !== undefined) expect(Object.is(special.fn(s), compiled.fn(s))).toBe(true);
      }),
      { numRuns: 3000, seed: 20261208 },
    );
  });

  it('draw the same numbers in the same order where an amount draws at random', () => {
    fc.assert(
      fc.property(wide, wide, wide, value, value, fc.integer({ min: 0, max: 2 }), (c, y, n, a, b, k) => {
        const bare = (e: Expr) => e.text.replace(/\bx\b/g, '3');
        const text = `(${bare(c)} ? poisson(min(abs(${bare(y)}), 50)) : gamma(2, 1) * ${bare(n)}) + poisson(1)`;
        const compiled = compileExpression(text, 'amount', names, 'flows[0].amount');
        const plain = state(a, b, 0, k);
        const fixed = state(a, b, 0, k);
        plain.rng = new TrialStream(7);
        fixed.rng = new TrialStream(7);
        const special = compiled.specialize?.(new Map([[0, k]]));
        if (special === undefined) return;
        // A bad mean in the branch taken fails in both, with the same message.
        const outcome = (f: () => number) => {
          try {
            return f();
          } catch (error) {
            return String(error);
          }
        };
        expect(
          Object.is(
            outcome(() => special.fn(fixed)),
            outcome(() => compiled.fn(plain)),
          ),
        ).toBe(true);
        expect(fixed.rng.uniform()).toBe(plain.rng.uniform());
      }),
      { numRuns: 1000, seed: 20261209 },
    );
  });

  it('leave out what the known states rule out', () => {
    const rate = compileExpression('conflict == "war" ? a : is(conflict, "clash") ? b * 2 : 0', 'rate', names, 'r');
    const calm = rate.specialize?.(new Map([[0, 0]]));
    const war = rate.specialize?.(new Map([[0, 2]]));
    // Called in another state, a specialized closure still answers for the one it was made for.
    expect(calm?.fn(state(0.5, 3, 0, 2))).toBe(0);
    expect(war?.fn(state(0.5, 3, 0, 0))).toBe(0.5);
    // The sampler's arguments of an amount, specialized the same way.
    const amount = compileExpression('poisson((conflict == "war" ? a : b) * dt)', 'amount', names, 'f');
    expect(amount.specialize?.(new Map([[0, 0]]))?.samplerArgs[0]?.(state(0.5, 3, 0, 2))).toBe(3 * 0.25);
    // Made once for each state of the tracks it tests, whatever else is known.
    expect(rate.specialize?.(new Map([[0, 2]]))).toBe(war);
    expect(
      rate.specialize?.(
        new Map([
          [0, 2],
          [5, 1],
        ]),
      ),
    ).toBe(war);
  });
});

describe('how many specializations an expression may keep', () => {
  // Five tracks of eight states: 9^5 = 59,049 combinations (an unknown state counts as one more).
  const states = ['s0', 's1', 's2', 's3', 's4', 's5', 's6', 's7'];
  const many: NameTable = {
    params: new Map([['a', 0]]),
    vars: new Map(),
    tracks: new Map(['t0', 't1', 't2', 't3', 't4'].map((name, index) => [name, { index, states, stateOffset: index * 8 }])),
    dt: 1,
    horizon: 10,
  };

  it('is bounded: past MAX_SPECIALIZATIONS combinations the expression keeps its own closure', () => {
    expect(9 ** 5).toBeGreaterThan(MAX_SPECIALIZATIONS);
    const wide = compileExpression('t0 == "s1" and t1 == "s2" and t2 == "s3" and t3 == "s4" and t4 == "s5" ? a : 0', 'rate', many, 'r');
    expect(wide.specialize).toBeUndefined();
    const narrow = compileExpression('t0 == "s1" and t1 == "s2" ? a : 0', 'rate', many, 'r');
    expect(narrow.specialize).toBeDefined();
  });
});
