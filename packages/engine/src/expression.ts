/**
 * Scenario expressions: parsed with mathjs, checked against an allowlist, compiled to closures.
 * Nothing here evaluates scenario text with mathjs: the parser only builds a tree, the checker
 * refuses every node type, operator, function and name that is not explicitly allowed, and the
 * compiler turns the checked tree into plain JavaScript closures over the engine's own state.
 */
import { create, type FactoryFunctionMap, type MathNode, parseDependencies, SymbolNodeDependencies } from 'mathjs';
import * as dm from './det-math.ts';
import * as dist from './distributions.ts';
import { GeoriskError, issue, nearest, suggestion } from './errors.ts';
import type { Rng } from './rng.ts';

// A private mathjs instance that can only parse; it is never configured after creation.
const math = create({ parseDependencies, SymbolNodeDependencies } as FactoryFunctionMap);

/** Parses expression text into a mathjs tree (no evaluation); throws mathjs's syntax error. */
export function parseTree(text: string): MathNode {
  return math.parse(text);
}

/** Renames symbols in an expression, leaving quoted state names alone; returns the new text. */
export function renameSymbols(text: string, rename: Readonly<Record<string, string>>): string {
  const renamed = math.parse(text).transform((node) => {
    if (node.type === 'SymbolNode') {
      const name = (node as unknown as { name: string }).name;
      const to = Object.hasOwn(rename, name) ? rename[name] : undefined;
      if (to !== undefined) return new math.SymbolNode(to);
    }
    return node;
  });
  return renamed.toString();
}

/** Longest accepted expression, in characters. */
export const MAX_EXPRESSION_LENGTH = 2000;
/** Deepest accepted nesting of the expression tree. */
export const MAX_EXPRESSION_DEPTH = 40;

/** The state an expression reads while a trial runs. Plain typed arrays, indexed by declaration order. */
export interface EvalState {
  /** Parameter values for this trial. */
  p: Float64Array;
  /** Variable values. */
  v: Float64Array;
  /** Current state index of each track. */
  k: Int32Array;
  /** Time at the start of the current step (at the end of a trial for metrics). */
  t: number;
  rng: Rng;
  /** Per track and state (flattened by `stateOffset`): visited (1) or not (0). Metrics only. */
  ever: Uint8Array;
  /** Per track and state: time of first entry, or NaN if never. Metrics only. */
  first: Float64Array;
  /** Per track and state: time spent there. Metrics only. */
  timeIn: Float64Array;
}

/** A compiled expression. */
export type Compiled = (s: EvalState) => number;

/** What an expression reads; decides whether it can be precomputed or skipped over. */
export interface Reads {
  params: Set<number>;
  vars: Set<number>;
  tracks: Set<number>;
  time: boolean;
  random: boolean;
}

/** Names an expression may refer to, with their slots. */
export interface NameTable {
  params: Map<string, number>;
  vars: Map<string, number>;
  tracks: Map<string, { index: number; states: readonly string[]; stateOffset: number }>;
  dt: number;
  /** Time at the end of a trial: `first` returns it for a state never entered (censoring). */
  horizon: number;
}

/** Where an expression appears, which decides what it may use. */
export type ExpressionContext = 'rate' | 'probability' | 'condition' | 'amount' | 'metric';

export interface CompiledExpression {
  fn: Compiled;
  reads: Reads;
  /** The source text, for messages. */
  source: string;
  /** If the whole expression is one sampler call, its name and compiled arguments. */
  sampler?: { name: SamplerName; args: Compiled[]; argsRandom: boolean };
  /** If the whole expression is `first(track, state)`, which one (for the censored share). */
  firstOf?: { track: number; state: number };
  /** The value when the expression reads nothing at all. */
  constant?: number;
  /** Metric functions it calls (ever, first, time_in), with the (track, state) slot each reads. */
  metricCalls: { fn: 'ever' | 'first' | 'time_in'; track: number; state: number; slot: number }[];
  /** Tracks whose current state it tests directly (conflict == "war", is(...)). */
  stateTests: Set<number>;
}

type SamplerName = dist.SamplerName;

const OPERATORS: Record<string, string> = {
  add: '+',
  subtract: '-',
  multiply: '*',
  divide: '/',
  pow: '^',
  mod: 'mod',
  unaryMinus: '-',
  unaryPlus: '+',
  and: 'and',
  or: 'or',
  xor: 'xor',
  not: 'not',
  equal: '==',
  unequal: '!=',
  smaller: '<',
  larger: '>',
  smallerEq: '<=',
  largerEq: '>=',
};

/** Pure math functions: name → [min arity, max arity]. */
const MATH_FUNCTIONS: Record<string, [number, number]> = {
  min: [1, 64],
  max: [1, 64],
  abs: [1, 1],
  exp: [1, 1],
  log: [1, 2],
  sqrt: [1, 1],
  pow: [2, 2],
  floor: [1, 1],
  ceil: [1, 1],
  round: [1, 1],
  clamp: [3, 3],
  sin: [1, 1],
  cos: [1, 1],
  tan: [1, 1],
};

/** Named constants, exact to the double (`e` is Math.E, not exp(1) computed at run time). */
export const EXPRESSION_CONSTANTS: Readonly<Record<string, number>> = { pi: Math.PI, e: Math.E };

const STATE_FUNCTIONS = ['is'] as const;
const METRIC_FUNCTIONS = ['ever', 'first', 'time_in'] as const;

/** Every function name scenarios may call. */
export const ALLOWED_FUNCTIONS: readonly string[] = [
  ...Object.keys(MATH_FUNCTIONS),
  ...STATE_FUNCTIONS,
  ...METRIC_FUNCTIONS,
  ...Object.keys(dist.SAMPLERS),
];

/** Names that scenarios may not declare because expressions already give them a meaning. */
export const RESERVED_NAMES: ReadonlySet<string> = new Set([
  't',
  'dt',
  'true',
  'false',
  'null',
  'undefined',
  'Infinity',
  'NaN',
  'and',
  'or',
  'not',
  'xor',
  'mod',
  'to',
  'in',
  'end',
  ...Object.keys(EXPRESSION_CONSTANTS),
  ...ALLOWED_FUNCTIONS,
]);

interface Checked {
  fn: Compiled;
  reads: Reads;
  /** Set for string literals, which are only legal as state names. */
  text?: string;
  /** Set for a bare track symbol, which is only legal in state tests. */
  track?: string;
}

/** True when `table` has its own entry `name` (never an inherited one such as `constructor` or `toString`). */
function owns(table: object, name: string): boolean {
  return Object.hasOwn(table, name);
}

/** The expression text for messages, shortened when long. */
function excerpt(source: string): string {
  return source.length > 80 ? `${source.slice(0, 77)}…` : source;
}

function emptyReads(): Reads {
  return { params: new Set(), vars: new Set(), tracks: new Set(), time: false, random: false };
}

function mergeReads(into: Reads, from: Reads): Reads {
  for (const x of from.params) into.params.add(x);
  for (const x of from.vars) into.vars.add(x);
  for (const x of from.tracks) into.tracks.add(x);
  into.time ||= from.time;
  into.random ||= from.random;
  return into;
}

function readsNothing(r: Reads): boolean {
  return r.params.size + r.vars.size + r.tracks.size === 0 && !r.time && !r.random;
}

/** Rejects text the parser should never see: too long, or nested deeper than we allow. */
function precheck(text: string, path: string): void {
  if (text.length > MAX_EXPRESSION_LENGTH) {
    throw new GeoriskError([
      issue(
        'expression_too_long',
        path,
        `expression is ${text.length} characters long; the limit is ${MAX_EXPRESSION_LENGTH}`,
        'split it with a parameter or simplify it',
      ),
    ]);
  }
  let depth = 0;
  for (const ch of text) {
    if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') depth--;
    if (depth > MAX_EXPRESSION_DEPTH) {
      throw new GeoriskError([
        issue('expression_too_deep', path, `expression nests brackets more than ${MAX_EXPRESSION_DEPTH} deep`, 'simplify it'),
      ]);
    }
  }
}

/**
 * Parses, checks and compiles one expression.
 * @example compileExpression('conflict == "war" ? 0.1 : 0', 'rate', names, 'tracks.pipeline.transitions[0].rate')
 */
export function compileExpression(source: string | number, context: ExpressionContext, names: NameTable, path: string): CompiledExpression {
  if (typeof source === 'number') {
    if (!Number.isFinite(source)) {
      throw new GeoriskError([issue('bad_number', path, `${source} is not a finite number`)]);
    }
    const value = source;
    return { fn: () => value, reads: emptyReads(), source: String(source), constant: value, metricCalls: [], stateTests: new Set() };
  }
  precheck(source, path);
  let root: MathNode;
  try {
    root = math.parse(source);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new GeoriskError([
      issue(
        'expression_syntax',
        path,
        `cannot parse "${excerpt(source)}": ${message}`,
        logicalOperatorHint(source) ?? 'check brackets, quotes and operators',
      ),
    ]);
  }
  const checker = new Checker(context, names, path, source);
  const checked = checker.check(root, 0);
  if (checked.text !== undefined) {
    checker.fail(
      'state_misuse',
      `the text "${checked.text}" is not a number`,
      'quote state names only in state tests like conflict == "war"',
    );
  }
  if (checked.track !== undefined) checker.trackAsNumber(checked.track);
  const out: CompiledExpression = {
    fn: checked.fn,
    reads: checked.reads,
    source,
    metricCalls: checker.metricCalls,
    stateTests: checker.stateTests,
  };
  if (readsNothing(checked.reads)) {
    const value = checked.fn(undefined as unknown as EvalState);
    out.constant = value;
    out.fn = () => value;
  }
  const call = unwrap(root);
  if (call.type === 'FunctionNode') {
    const fnName = (call as unknown as { fn: { name?: string } }).fn.name ?? '';
    if (owns(dist.SAMPLERS, fnName)) {
      out.sampler = { name: fnName as SamplerName, args: checker.samplerArgs, argsRandom: checker.samplerArgsRandom };
    }
    if (fnName === 'first') out.firstOf = checker.lastFirst;
  }
  return out;
}

/** The C-style logical operators, how to find them in expression text, and the words scenarios use instead. */
const LOGICAL_WORDS: readonly (readonly [symbol: string, pattern: RegExp, instead: string])[] = [
  ['&&', /&&/, '"a and b" for "a && b"'],
  ['||', /\|\|/, '"a or b" for "a || b"'],
  // "!" on its own, not the "!" of "!=".
  ['!', /!(?!=)/, '"not a" for "!a"'],
];

/**
 * A hint for `&&`, `||` or `!` written for "and", "or", "not" (mathjs has no `&&` or `||` and reads
 * `!` as a factorial), or undefined when the text, outside quoted strings, has none of them.
 */
function logicalOperatorHint(source: string): string | undefined {
  const bare = source.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""');
  const found = LOGICAL_WORDS.filter(([, pattern]) => pattern.test(bare));
  if (found.length === 0) return undefined;
  return `logical operators are words here: write ${found.map(([, , instead]) => instead).join(', ')}`;
}

function unwrap(node: MathNode): MathNode {
  let n = node;
  while (n.type === 'ParenthesisNode') n = (n as unknown as { content: MathNode }).content;
  return n;
}

class Checker {
  samplerArgs: Compiled[] = [];
  samplerArgsRandom = false;
  lastFirst: { track: number; state: number } | undefined;
  metricCalls: CompiledExpression['metricCalls'] = [];
  stateTests = new Set<number>();
  /** The track on one side of the `==` or `!=` being checked, for the hint about an unquoted state name. */
  comparedTrack: string | undefined;

  constructor(
    private readonly context: ExpressionContext,
    private readonly names: NameTable,
    private readonly path: string,
    private readonly source: string,
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
        return this.call(n.fn as MathNode, n.args as MathNode[], depth);
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
      return { fn: () => value, reads: emptyReads() };
    }
    if (typeof value === 'boolean') {
      const v = value ? 1 : 0;
      return { fn: () => v, reads: emptyReads() };
    }
    if (typeof value === 'string') return { fn: () => Number.NaN, reads: emptyReads(), text: value };
    this.fail('forbidden_syntax', `the constant ${String(value)} is not allowed`, 'write a number');
  }

  symbol(name: string): Checked {
    const reads = emptyReads();
    if (name === 't') {
      reads.time = true;
      return { fn: (s) => s.t, reads };
    }
    if (name === 'dt') {
      const dt = this.names.dt;
      return { fn: () => dt, reads };
    }
    const constant = owns(EXPRESSION_CONSTANTS, name) ? EXPRESSION_CONSTANTS[name] : undefined;
    if (constant !== undefined) return { fn: () => constant, reads };
    const p = this.names.params.get(name);
    if (p !== undefined) {
      reads.params.add(p);
      return { fn: (s) => s.p[p] as number, reads };
    }
    const v = this.names.vars.get(name);
    if (v !== undefined) {
      reads.vars.add(v);
      return { fn: (s) => s.v[v] as number, reads };
    }
    const track = this.names.tracks.get(name);
    if (track !== undefined) {
      reads.tracks.add(track.index);
      return { fn: () => Number.NaN, reads, track: name };
    }
    if (ALLOWED_FUNCTIONS.includes(name)) {
      this.fail('unknown_name', `"${name}" is a function; call it with arguments, e.g. ${name}(…)`);
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
        : suggestion(name, known, 'names'),
    );
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
        owns(logical, fn) ? (logical[fn] as string) : 'allowed: + - * / ^ mod, == != < > <= >=, and or xor not, cond ? a : b',
      );
    }
    if ((fn === 'equal' || fn === 'unequal') && args.length === 2) {
      const test = this.stateTest(args[0] as MathNode, args[1] as MathNode, depth);
      if (test !== undefined) {
        if (fn === 'equal') return test;
        const f = test.fn;
        return { fn: (s) => 1 - f(s), reads: test.reads };
      }
    }
    const parts = args.map((a) => this.number(a, depth + 1));
    const reads = emptyReads();
    for (const p of parts) mergeReads(reads, p.reads);
    const [a, b] = parts.map((p) => p.fn) as [Compiled, Compiled];
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

  /** `track == "state"` (either order), or undefined when neither side is a track. */
  stateTest(left: MathNode, right: MathNode, depth: number): Checked | undefined {
    const trackNamed = (node: MathNode) => {
      const n = unwrap(node) as unknown as { type: string; name?: string };
      return n.type === 'SymbolNode' && n.name !== undefined && this.names.tracks.has(n.name) ? n.name : undefined;
    };
    const outer = this.comparedTrack;
    this.comparedTrack = trackNamed(left) ?? trackNamed(right);
    let l: Checked;
    let r: Checked;
    try {
      l = this.check(left, depth + 1);
      r = this.check(right, depth + 1);
    } finally {
      this.comparedTrack = outer;
    }
    const trackSide = l.track !== undefined ? l : r.track !== undefined ? r : undefined;
    if (trackSide === undefined) {
      if (l.text !== undefined || r.text !== undefined) {
        this.fail('state_misuse', 'only a track can be compared with a quoted state name', 'e.g. conflict == "war"');
      }
      return undefined;
    }
    const other = trackSide === l ? r : l;
    const trackName = trackSide.track as string;
    if (other.text === undefined) {
      this.fail(
        'state_misuse',
        `compare the track "${trackName}" with a quoted state name`,
        `e.g. ${trackName} == "${this.names.tracks.get(trackName)?.states[0] ?? 'state'}"`,
      );
    }
    return this.membership(trackName, [other.text]);
  }

  membership(trackName: string, states: string[]): Checked {
    const track = this.names.tracks.get(trackName);
    if (track === undefined) this.fail('unknown_name', `unknown track "${trackName}"`);
    const mask = new Uint8Array(track.states.length);
    for (const st of states) {
      const i = track.states.indexOf(st);
      if (i < 0) {
        this.fail('unknown_state', `track "${trackName}" has no state "${st}"`, suggestion(st, track.states, `states of ${trackName}`));
      }
      mask[i] = 1;
    }
    const ti = track.index;
    const reads = emptyReads();
    reads.tracks.add(ti);
    this.stateTests.add(ti);
    return { fn: (s) => mask[s.k[ti] as number] as number, reads };
  }

  conditional(cond: MathNode, yes: MathNode, no: MathNode, depth: number): Checked {
    const c = this.number(cond, depth + 1);
    const a = this.number(yes, depth + 1);
    const b = this.number(no, depth + 1);
    const reads = mergeReads(mergeReads(mergeReads(emptyReads(), c.reads), a.reads), b.reads);
    const [cf, af, bf] = [c.fn, a.fn, b.fn];
    return { fn: (s) => (cf(s) ? af(s) : bf(s)), reads };
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
        let prev = (fns[0] as Compiled)(s);
        for (let i = 0; i < tests.length; i++) {
          const next = (fns[i + 1] as Compiled)(s);
          if (!(tests[i] as (x: number, y: number) => boolean)(prev, next)) return 0;
          prev = next;
        }
        return 1;
      },
      reads,
    };
  }

  call(fnNode: MathNode, args: MathNode[], depth: number): Checked {
    if (fnNode.type !== 'SymbolNode') this.forbidden('AccessorNode');
    const name = (fnNode as unknown as { name: string }).name;
    if (name === 'is') return this.isCall(args, depth);
    if ((METRIC_FUNCTIONS as readonly string[]).includes(name)) return this.metricCall(name, args, depth);
    if (owns(dist.SAMPLERS, name)) return this.samplerCall(name as SamplerName, args, depth);
    const arity = owns(MATH_FUNCTIONS, name) ? MATH_FUNCTIONS[name] : undefined;
    if (arity === undefined) {
      const declared = this.names.params.has(name) || this.names.vars.has(name) || this.names.tracks.has(name);
      this.fail(
        'unknown_function',
        declared ? `"${name}" is not a function` : `the function "${name}" is not allowed`,
        declared
          ? 'remove the brackets after it'
          : nearest(name, ALLOWED_FUNCTIONS) !== undefined
            ? suggestion(name, ALLOWED_FUNCTIONS, 'functions')
            : `allowed functions: ${ALLOWED_FUNCTIONS.join(', ')}`,
      );
    }
    this.arity(name, args.length, arity[0], arity[1]);
    const parts = args.map((a) => this.number(a, depth + 1));
    const reads = emptyReads();
    for (const p of parts) mergeReads(reads, p.reads);
    const f = parts.map((p) => p.fn);
    const [a, b, c] = f as [Compiled, Compiled, Compiled];
    switch (name) {
      case 'min':
        return { fn: f.length === 2 ? (s) => Math.min(a(s), b(s)) : (s) => Math.min(...f.map((g) => g(s))), reads };
      case 'max':
        return { fn: f.length === 2 ? (s) => Math.max(a(s), b(s)) : (s) => Math.max(...f.map((g) => g(s))), reads };
      case 'abs':
        return { fn: (s) => Math.abs(a(s)), reads };
      case 'exp':
        return { fn: (s) => dm.exp(a(s)), reads };
      case 'log':
        return { fn: f.length === 1 ? (s) => dm.log(a(s)) : (s) => dm.log(a(s)) / dm.log(b(s)), reads };
      case 'sqrt':
        return { fn: (s) => Math.sqrt(a(s)), reads };
      case 'pow':
        return { fn: (s) => dm.pow(a(s), b(s)), reads };
      case 'floor':
        return { fn: (s) => Math.floor(a(s)), reads };
      case 'ceil':
        return { fn: (s) => Math.ceil(a(s)), reads };
      case 'round':
        return { fn: (s) => Math.round(a(s)), reads };
      case 'sin':
        return { fn: (s) => dm.sin(a(s)), reads };
      case 'cos':
        return { fn: (s) => dm.cos(a(s)), reads };
      case 'tan':
        return { fn: (s) => dm.tan(a(s)), reads };
      default:
        return { fn: (s) => Math.min(Math.max(a(s), b(s)), c(s)), reads };
    }
  }

  arity(name: string, got: number, min: number, max: number): void {
    if (got < min || got > max) {
      const want = min === max ? `${min}` : max > 10 ? `at least ${min}` : `${min} to ${max}`;
      this.fail('wrong_arity', `${name}() takes ${want} argument${want === '1' || want === 'at least 1' ? '' : 's'}, got ${got}`);
    }
  }

  isCall(args: MathNode[], depth: number): Checked {
    if (args.length < 2) this.fail('wrong_arity', 'is() takes a track and one or more quoted states, e.g. is(conflict, "clash", "war")');
    const [first, ...rest] = args.map((a) => this.check(a, depth + 1));
    if (first?.track === undefined) this.fail('state_misuse', 'the first argument of is() must be a track');
    const states = rest.map((r) => {
      if (r.text === undefined) this.fail('state_misuse', 'after the track, is() takes quoted state names');
      return r.text;
    });
    return this.membership(first.track, states);
  }

  metricCall(name: string, args: MathNode[], depth: number): Checked {
    if (this.context !== 'metric') {
      this.fail(
        'unknown_function',
        `${name}() is only available in metrics`,
        'in other expressions test the current state, e.g. conflict == "war"',
      );
    }
    this.arity(name, args.length, 2, 2);
    const [tr, st] = args.map((a) => this.check(a, depth + 1)) as [Checked, Checked];
    if (tr.track === undefined || st.text === undefined) {
      this.fail('state_misuse', `${name}() takes a track and a quoted state, e.g. ${name}(conflict, "war")`);
    }
    const track = this.names.tracks.get(tr.track);
    if (track === undefined) this.fail('unknown_name', `unknown track "${tr.track}"`);
    const si = track.states.indexOf(st.text);
    if (si < 0) {
      this.fail(
        'unknown_state',
        `track "${tr.track}" has no state "${st.text}"`,
        suggestion(st.text, track.states, `states of ${tr.track}`),
      );
    }
    const slot = track.stateOffset + si;
    const reads = emptyReads();
    reads.tracks.add(track.index);
    const horizon = this.names.horizon;
    this.metricCalls.push({ fn: name as 'ever' | 'first' | 'time_in', track: track.index, state: si, slot });
    if (name === 'ever') return { fn: (s) => s.ever[slot] as number, reads };
    if (name === 'time_in') return { fn: (s) => s.timeIn[slot] as number, reads };
    this.lastFirst = { track: track.index, state: si };
    return {
      fn: (s) => {
        const x = s.first[slot] as number;
        return Number.isNaN(x) ? horizon : x;
      },
      reads,
    };
  }

  samplerCall(name: SamplerName, args: MathNode[], depth: number): Checked {
    const spec = dist.SAMPLERS[name];
    if (this.context !== 'amount') {
      this.fail(
        'unknown_function',
        `random draws like ${name}() are only allowed in flow amounts and in set/add of transitions and events`,
        this.context === 'metric'
          ? 'metrics are computed from the trial; put the draw in a flow'
          : 'to make a rate or probability uncertain, give a parameter an "uncertainty" distribution',
      );
    }
    this.arity(name, args.length, spec.arity, spec.arity);
    const parts = args.map((a) => this.number(a, depth + 1));
    const reads = emptyReads();
    reads.random = true;
    for (const p of parts) mergeReads(reads, p.reads);
    const f = parts.map((p) => p.fn);
    if (parts.every((p) => readsNothing(p.reads))) {
      // Constant arguments: a bad one is wrong in every trial, so say so now rather than at run time.
      const values = f.map((g) => g(undefined as unknown as EvalState));
      const problem = spec.check(values);
      if (problem !== undefined) {
        this.fail(
          'bad_distribution',
          problem,
          `call it as ${name}(${spec.params.join(', ')}) with values the samplers table of docs/scenario-language.md allows`,
        );
      }
    }
    this.samplerArgs = f;
    this.samplerArgsRandom = parts.some((p) => p.reads.random);
    const path = this.path;
    const check = spec.check;
    const fail = (values: number[]) => {
      const problem = check(values);
      if (problem !== undefined) {
        throw new GeoriskError([issue('runtime_value', path, `${name}(${values.join(', ')}): ${problem}`)]);
      }
    };
    if (f.length === 1) {
      const [a] = f as [Compiled];
      // The common case, Poisson counts, calls its sampler directly (no argument array).
      const draw1 = name === 'poisson' ? dist.poisson : (rng: Rng, x: number) => dist.sample(name, rng, [x]);
      return {
        fn: (s) => {
          const x = a(s);
          const y = draw1(s.rng, x);
          if (Number.isNaN(y)) fail([x]);
          return y;
        },
        reads,
      };
    }
    return {
      fn: (s) => {
        const values = f.map((g) => g(s));
        const y = dist.sample(name, s.rng, values);
        if (Number.isNaN(y)) fail(values);
        return y;
      },
      reads,
    };
  }
}
