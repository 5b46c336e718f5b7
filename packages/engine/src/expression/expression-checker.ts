/** The checking walk over an expression tree: each allowed node compiled to a closure, everything else refused with a hint. */
import type { MathNode } from 'mathjs';
import * as dm from '../det-math.ts';
import { GeoriskError, issue, MAX_NAME_LENGTH, suggestion, truncate } from '../errors.ts';
import { CALENDAR_NAMES, dayOfYearAt, monthAt } from './calendar.ts';
import type { Compiled, CompiledExpression, EvalState, ExpressionContext, NameTable } from './expression.ts';
import { checkCall } from './expression-calls.ts';
import { arithmeticFastPath, conditionalFastPath } from './expression-fast-paths.ts';
import { type Checked, emptyReads, excerpt, mergeReads, owns, readsNothing } from './expression-reads.ts';
import { stateTest } from './expression-state-tests.ts';
import { ALLOWED_FUNCTIONS, EXPRESSION_CONSTANTS, MAX_EXPRESSION_DEPTH, OPERATORS } from './expression-tables.ts';

/** Checks one expression tree node by node against the allowlist and compiles it to closures; `fail` throws the issue. */
export class Checker {
  samplerArgs: Compiled[] = [];
  samplerArgsRandom = false;
  lastFirst: { track: number; state: number } | undefined;
  metricCalls: CompiledExpression['metricCalls'] = [];
  stateTests = new Set<number>();
  /** The track on one side of the `==` or `!=` being checked, for the hint about an unquoted state name. */
  comparedTrack: string | undefined;

  /**
   * `fixed`: track states known in advance (track index to state index), as in one row of a track's
   * step rule. Tests of those tracks are then constants, and whatever only they and other constants
   * decide is folded (a conditional keeps only its chosen branch): see `CompiledExpression.specialize`.
   */
  constructor(
    readonly context: ExpressionContext,
    readonly names: NameTable,
    readonly path: string,
    readonly source: string,
    readonly fixed?: ReadonlyMap<number, number>,
  ) {}

  fail(code: Parameters<typeof issue>[0], message: string, hint?: string): never {
    throw new GeoriskError([issue(code, this.path, `in "${excerpt(this.source)}": ${message}`, hint)]);
  }

  trackAsNumber(track: string): never {
    const states = this.names.tracks.get(track)?.states ?? [];
    this.fail(
      'state_misuse',
      `"${track}" is a track, not a number`,
      `test its state instead, e.g. ${track} == "${states[0] ?? 'state'}" or is(${track}, ${states
        .slice(0, 2)
        .map((s) => `"${s}"`)
        .join(', ')})`,
    );
  }

  /** Checks a node that must be numeric. */
  number(node: MathNode, depth: number): Checked {
    const c = this.check(node, depth);
    if (c.track !== undefined) this.trackAsNumber(c.track);
    if (c.text !== undefined) {
      this.fail('state_misuse', `the text "${c.text}" is not a number`, 'quote state names only in state tests like conflict == "war"');
    }
    return c;
  }

  check(node: MathNode, depth: number): Checked {
    const c = this.checkNode(node, depth);
    return this.fixed === undefined ? c : folded(c);
  }

  private checkNode(node: MathNode, depth: number): Checked {
    if (depth > MAX_EXPRESSION_DEPTH) {
      this.fail('expression_too_deep', `expression nests more than ${MAX_EXPRESSION_DEPTH} levels`, 'simplify it');
    }
    const n = node as unknown as Record<string, unknown>;
    switch (node.type) {
      case 'ConstantNode':
        return this.constant(n.value);
      case 'ParenthesisNode':
        return this.check(n.content as MathNode, depth + 1);
      case 'SymbolNode':
        return this.symbol(n.name as string);
      case 'OperatorNode':
        return this.operator(n.fn as string, n.op as string, n.args as MathNode[], depth);
      case 'ConditionalNode':
        return this.conditional(n.condition as MathNode, n.trueExpr as MathNode, n.falseExpr as MathNode, depth);
      case 'RelationalNode':
        return this.relational(n.conditionals as string[], n.params as MathNode[], depth);
      case 'FunctionNode':
        return checkCall(this, n.fn as MathNode, n.args as MathNode[], depth);
      default:
        return this.forbidden(node.type);
    }
  }

  forbidden(type: string): never {
    const what: Record<string, string> = {
      AccessorNode: 'property or index access (a.b, a[1])',
      ArrayNode: 'matrices and arrays',
      AssignmentNode: 'assignment (=)',
      BlockNode: 'several statements (; or newlines)',
      FunctionAssignmentNode: 'function definitions',
      IndexNode: 'indexing',
      ObjectNode: 'objects',
      RangeNode: 'ranges (a:b)',
    };
    this.fail(
      'forbidden_syntax',
      `${(owns(what, type) ? what[type] : undefined) ?? type} cannot be used in scenario expressions`,
      'use arithmetic, comparisons, and/or/not, cond ? a : b and the functions listed in docs/scenario-language.md',
    );
  }

  constant(value: unknown): Checked {
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) {
        this.fail(
          'bad_number',
          Number.isNaN(value) ? 'NaN is not a number scenarios can use' : 'a number is not finite (Infinity, or beyond about 1.8e308)',
          'write a finite number',
        );
      }
      return { fn: () => value, reads: emptyReads(), leaf: { kind: 'const', value } };
    }
    if (typeof value === 'boolean') {
      const v = value ? 1 : 0;
      return { fn: () => v, reads: emptyReads(), leaf: { kind: 'const', value: v } };
    }
    if (typeof value === 'string') return { fn: () => Number.NaN, reads: emptyReads(), text: value };
    this.fail('forbidden_syntax', `the constant ${String(value)} is not allowed`, 'write a number');
  }

  symbol(name: string): Checked {
    const reads = emptyReads();
    if (name === 't') {
      reads.time = true;
      reads.rawTime = true;
      return { fn: (s) => s.t, reads };
    }
    if (name === 'dt') {
      const dt = this.names.dt;
      return { fn: () => dt, reads, leaf: { kind: 'const', value: dt } };
    }
    if ((CALENDAR_NAMES as readonly string[]).includes(name)) return this.calendar(name, reads);
    const constant = owns(EXPRESSION_CONSTANTS, name) ? EXPRESSION_CONSTANTS[name] : undefined;
    if (constant !== undefined) return { fn: () => constant, reads, leaf: { kind: 'const', value: constant } };
    const p = this.names.params.get(name);
    if (p !== undefined) {
      reads.params.add(p);
      return { fn: (s) => s.p[p]!, reads, leaf: { kind: 'param', index: p } };
    }
    const v = this.names.vars.get(name);
    if (v !== undefined) {
      reads.vars.add(v);
      return { fn: (s) => s.v[v]!, reads };
    }
    const track = this.names.tracks.get(name);
    if (track !== undefined) {
      reads.tracks.add(track.index);
      return { fn: () => Number.NaN, reads, track: name };
    }
    if (ALLOWED_FUNCTIONS.includes(name)) {
      this.fail('unknown_name', `"${name}" is a function; call it with arguments, e.g. ${name}(…)`);
    }
    if (name.length > MAX_NAME_LENGTH) {
      this.fail(
        'name_too_long',
        `the name "${truncate(name)}" has ${name.length} characters; the limit is ${MAX_NAME_LENGTH}`,
        'use a shorter name',
      );
    }
    const known = [...this.names.params.keys(), ...this.names.vars.keys(), ...this.names.tracks.keys(), 't', 'dt'];
    // In `track == war`, prefer the compared track when several tracks have a state of that name.
    const compared = this.comparedTrack === undefined ? undefined : this.names.tracks.get(this.comparedTrack);
    const stateOf = compared?.states.includes(name)
      ? this.comparedTrack
      : [...this.names.tracks].find(([, t]) => t.states.includes(name))?.[0];
    const constants: Record<string, string> = { PI: 'pi', E: 'e' };
    if (stateOf === undefined && Object.hasOwn(constants, name)) {
      this.fail('unknown_name', `unknown name "${name}": mathjs constants are not available`, `write ${constants[name]} instead`);
    }
    this.fail(
      'unknown_name',
      `unknown name "${name}"`,
      stateOf !== undefined
        ? `"${name}" is a state of track ${stateOf}: quote it, ${stateOf === this.comparedTrack ? '' : 'e.g. '}${stateOf} == "${name}"`
        : suggestion(name, known, 'names', this.names.suggestions),
    );
  }

  /** `month` or `day_of_year`: the calendar at time t, so it reads time (the exact solver steps through it like `t`, or month by month). */
  calendar(name: string, reads: Checked['reads']): Checked {
    const calendar = this.names.calendar ?? { reason: 'the scenario has no "start"' };
    if (!('clock' in calendar)) {
      this.fail(
        'missing_key',
        `"${name}" reads the calendar, but ${calendar.reason}`,
        'give the scenario a start such as start: "2022-09-13T00:05:00+04:00" (the calendar time of t = 0)',
      );
    }
    const clock = calendar.clock;
    reads.time = true;
    // `month` changes a few times a year, so the exact solver may keep its rows within a month.
    if (name !== 'month') reads.rawTime = true;
    return { fn: name === 'month' ? (s) => monthAt(clock, s.t) : (s) => dayOfYearAt(clock, s.t), reads };
  }

  operator(fn: string, op: string, args: MathNode[], depth: number): Checked {
    if (!owns(OPERATORS, fn)) {
      const logical: Record<string, string> = {
        factorial: '"!" after a value is a factorial, which scenarios cannot use; for logical not, write "not a"',
        bitAnd: '"&" is bitwise and; for logical and, write "a and b"',
        bitOr: '"|" is bitwise or; for logical or, write "a or b"',
      };
      this.fail(
        'forbidden_syntax',
        `the operator "${op}" is not allowed`,
        (owns(logical, fn) ? logical[fn] : undefined) ?? 'allowed: + - * / ^ mod, == != < > <= >=, and or xor not, cond ? a : b',
      );
    }
    const [left, right] = args;
    if ((fn === 'equal' || fn === 'unequal') && args.length === 2 && left && right) {
      const test = stateTest(this, left, right, depth);
      if (test !== undefined) {
        if (fn === 'equal') return test;
        const f = test.fn;
        return { fn: (s) => 1 - f(s), reads: test.reads };
      }
    }
    // A chain of one associative operator (a + b + c + …, parsed as ((a + b) + c) + …) is a list,
    // not nesting: its left side keeps the depth, so a metric summing 45 variables is allowed (the
    // length limit bounds the chain at about a thousand terms, far within the stack).
    const parts = args.map((a, i) => this.number(a, i === 0 && continuesChain(fn, a) ? depth : depth + 1));
    const reads = emptyReads();
    for (const p of parts) mergeReads(reads, p.reads);
    const [a, b] = parts.map((p) => p.fn) as [Compiled, Compiled];
    const [la, lb] = parts.map((p) => p.leaf);
    if (parts.length === 1 && la?.kind === 'const' && (fn === 'unaryMinus' || fn === 'unaryPlus')) {
      const value = fn === 'unaryMinus' ? -la.value : la.value;
      return { fn: () => value, reads, leaf: { kind: 'const', value } };
    }
    if (parts.length === 1 && fn === 'unaryPlus') return la === undefined ? { fn: a, reads } : { fn: a, reads, leaf: la };
    // With a constant left side, `and` and `or` are decided by it or are the right side's truth:
    // the same numbers as the closures below, whose right side runs in exactly these cases.
    if (this.fixed !== undefined && la?.kind === 'const' && (fn === 'and' || fn === 'or') && parts[1] !== undefined) {
      const decided = fn === 'and' ? !la.value : !!la.value;
      if (decided) return this.constant(fn === 'and' ? 0 : 1);
      return { fn: (s) => (b(s) ? 1 : 0), reads: parts[1].reads };
    }
    const fast = parts.length === 2 ? arithmeticFastPath(fn, a, b, la, lb) : undefined;
    if (fast !== undefined) return { ...fast, reads };
    const unary: Record<string, Compiled> = {
      unaryMinus: (s) => -a(s),
      unaryPlus: a,
      not: (s) => (a(s) ? 0 : 1),
    };
    if (parts.length === 1) {
      const u = unary[fn];
      if (u === undefined) this.fail('forbidden_syntax', `"${op}" needs two operands`);
      return { fn: u, reads };
    }
    const binary: Record<string, Compiled> = {
      add: (s) => a(s) + b(s),
      subtract: (s) => a(s) - b(s),
      multiply: (s) => a(s) * b(s),
      divide: (s) => a(s) / b(s),
      pow: (s) => dm.pow(a(s), b(s)),
      mod: (s) => {
        const y = b(s);
        const x = a(s);
        return y === 0 ? x : x - y * Math.floor(x / y);
      },
      and: (s) => (a(s) && b(s) ? 1 : 0),
      or: (s) => (a(s) || b(s) ? 1 : 0),
      xor: (s) => (!a(s) !== !b(s) ? 1 : 0),
      equal: (s) => (a(s) === b(s) ? 1 : 0),
      unequal: (s) => (a(s) !== b(s) ? 1 : 0),
      smaller: (s) => (a(s) < b(s) ? 1 : 0),
      larger: (s) => (a(s) > b(s) ? 1 : 0),
      smallerEq: (s) => (a(s) <= b(s) ? 1 : 0),
      largerEq: (s) => (a(s) >= b(s) ? 1 : 0),
    };
    const bf = binary[fn];
    if (bf === undefined || parts.length !== 2) this.fail('forbidden_syntax', `"${op}" needs one operand`);
    return { fn: bf, reads };
  }

  conditional(cond: MathNode, yes: MathNode, no: MathNode, depth: number): Checked {
    const c = this.number(cond, depth + 1);
    const a = this.number(yes, depth + 1);
    const b = this.number(no, depth + 1);
    const reads = mergeReads(mergeReads(mergeReads(emptyReads(), c.reads), a.reads), b.reads);
    // A condition known in advance keeps only its branch, which is all the closure below would run.
    if (this.fixed !== undefined && c.leaf?.kind === 'const') return c.leaf.value ? a : b;
    const [cf, af, bf] = [c.fn, a.fn, b.fn];
    const fast = conditionalFastPath(cf, af, bf, c.test, a.leaf, b.leaf);
    return { fn: fast ?? ((s) => (cf(s) ? af(s) : bf(s))), reads };
  }

  relational(ops: string[], params: MathNode[], depth: number): Checked {
    const parts = params.map((p) => this.number(p, depth + 1));
    const reads = emptyReads();
    for (const p of parts) mergeReads(reads, p.reads);
    const compare: Record<string, (x: number, y: number) => boolean> = {
      smaller: (x, y) => x < y,
      larger: (x, y) => x > y,
      smallerEq: (x, y) => x <= y,
      largerEq: (x, y) => x >= y,
      equal: (x, y) => x === y,
      unequal: (x, y) => x !== y,
    };
    const tests = ops.map((op) => {
      const f = compare[op];
      if (f === undefined) this.fail('forbidden_syntax', `the comparison "${op}" is not allowed`);
      return f;
    });
    const fns = parts.map((p) => p.fn);
    return {
      fn: (s) => {
        let prev = fns[0]!(s);
        for (let i = 0; i < tests.length; i++) {
          const next = fns[i + 1]!(s);
          if (!tests[i]!(prev, next)) return 0;
          prev = next;
        }
        return 1;
      },
      reads,
    };
  }
}

/**
 * A node that reads nothing as the constant it is (its closure run once, the same operation on the
 * same numbers); anything that reads, or draws, is left as it is.
 */
function folded(c: Checked): Checked {
  if (c.leaf !== undefined || c.text !== undefined || c.track !== undefined || !readsNothing(c.reads)) return c;
  const value = c.fn(undefined as unknown as EvalState);
  return { fn: () => value, reads: c.reads, leaf: { kind: 'const', value } };
}

/** Operators whose repeated use reads as a list (a + b + c), not as nesting. */
const CHAINING = new Set(['add', 'multiply', 'and', 'or']);

/** `node` is the left side of a chain of `fn`: the same associative operator again. */
function continuesChain(fn: string, node: MathNode): boolean {
  return CHAINING.has(fn) && node.type === 'OperatorNode' && (node as unknown as { fn: string }).fn === fn;
}
