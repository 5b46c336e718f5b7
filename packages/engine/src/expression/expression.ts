/**
 * Scenario expressions: parsed with mathjs, checked against an allowlist, compiled to closures.
 * Nothing here evaluates scenario text with mathjs: the parser only builds a tree, the checker
 * refuses every node type, operator, function and name that is not explicitly allowed, and the
 * compiler turns the checked tree into plain JavaScript closures over the engine's own state.
 */
// mathjs's number-only entry: its parser is the same factory with the same dependencies as the full
// entry's, and loading it builds far fewer typed functions (every entry instantiates its functions
// on import, which only the parser's users here never call).
import { create, type FactoryFunctionMap, type MathNode, parseDependencies, SymbolNodeDependencies } from 'mathjs/number';
import * as dist from '../distributions.ts';
import { GeoriskError, issue, type SuggestionBudget } from '../errors.ts';
import type { Rng } from '../rng.ts';
import type { CalendarOrReason } from './calendar.ts';
import { Checker } from './expression-checker.ts';
import { type ParamsGiven, paramsGivenStates } from './expression-params-given.ts';
import { emptyReads, excerpt, owns, readsNothing, unwrap } from './expression-reads.ts';
import { MAX_EXPRESSION_DEPTH, MAX_EXPRESSION_LENGTH } from './expression-tables.ts';

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

/** The names an expression's text reads (its symbols, function names included); none when it does not parse. */
export function symbolNames(text: string): string[] {
  try {
    return math
      .parse(text)
      .filter((node) => node.type === 'SymbolNode')
      .map((node) => (node as unknown as { name: string }).name);
  } catch {
    return [];
  }
}

export {
  ALLOWED_FUNCTIONS,
  EXPRESSION_CONSTANTS,
  MAX_EXPRESSION_DEPTH,
  MAX_EXPRESSION_LENGTH,
  RESERVED_NAMES,
} from './expression-tables.ts';

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
  /** Reads time other than through `month` (`t`, `day_of_year`): a value that may change every step. */
  rawTime: boolean;
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
  /** The calendar behind `month` and `day_of_year` (the scenario's `start`), or why there is none. */
  calendar?: CalendarOrReason;
  /** Edit-distance cells left for "did you mean" hints in the whole document (one budget per model). */
  suggestions?: SuggestionBudget;
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
  /** A transition's value: the parameters it reads once the tracks' states are known, where a branch on them leaves some unread. */
  paramsGiven?: ParamsGiven;
  /**
   * An expression that tests track states (not a metric): the same expression with some tracks'
   * states known (track index to state index), as in one row of a step rule or one joint state of a
   * flow. Those tests are constants there, a branch they decide is the only one left, and what reads
   * nothing else is folded, so the closures make fewer calls. Their numbers are `fn`'s and
   * `sampler.args`' in those states, bit for bit, and they draw the same numbers in the same order:
   * the same operations on the same numbers, and nothing that draws is folded.
   */
  specialize?: (fixed: ReadonlyMap<number, number>) => Specialized;
  /**
   * If the whole expression reads one number of the trial's state (a variable, `ever`, `time_in`
   * or `first`), where: a caller reading many such (the metrics at a trial's end) reads it in place
   * instead of calling `fn`, the same number.
   */
  read?: DirectRead;
}

/** An expression specialized to known track states (see `CompiledExpression.specialize`). */
export interface Specialized {
  fn: Compiled;
  /** The arguments of the sampler call the whole expression is, when it is one (as `sampler.args`). */
  samplerArgs: Compiled[];
}

/** One number of the trial's state that an expression is (see `CompiledExpression.read`). */
export type DirectRead =
  | { from: 'v' | 'ever' | 'timeIn'; index: number }
  /** `first(...)`: s.first[index], or `horizon` where the state was never entered. */
  | { from: 'first'; index: number; horizon: number };

type SamplerName = dist.SamplerName;

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
  if (context === 'rate' || context === 'probability') {
    const given = paramsGivenStates(root, names);
    if (given !== undefined) out.paramsGiven = given;
  }
  if (context !== 'metric' && checker.stateTests.size > 0 && specializations(names, checker.stateTests) <= MAX_SPECIALIZATIONS) {
    out.specialize = specializer(root, context, names, path, source, checker.stateTests);
  }
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
    if (fnName === 'first' && checker.lastFirst !== undefined) out.firstOf = checker.lastFirst;
    const only = checker.metricCalls.length === 1 ? checker.metricCalls[0] : undefined;
    if (only !== undefined && only.fn === fnName) {
      out.read =
        only.fn === 'first'
          ? { from: 'first', index: only.slot, horizon: names.horizon }
          : { from: only.fn === 'ever' ? 'ever' : 'timeIn', index: only.slot };
    }
  } else if (call.type === 'SymbolNode' && checked.reads.vars.size === 1 && checked.reads.params.size === 0) {
    // A lone name that reads a variable and nothing else is that variable.
    const [v] = checked.reads.vars;
    if (v !== undefined) out.read = { from: 'v', index: v };
  }
  return out;
}

/**
 * Most specializations one expression may keep: beyond this many combinations of the states of the
 * tracks it tests, its own closure serves (a run that met every combination would otherwise keep
 * one specialization each, without bound).
 */
export const MAX_SPECIALIZATIONS = 4096;

/** How many combinations of the tested tracks' states `specialize` may meet, an unknown state counting as one more. */
function specializations(names: NameTable, tested: ReadonlySet<number>): number {
  let n = 1;
  for (const t of names.tracks.values()) if (tested.has(t.index)) n *= t.states.length + 1;
  return n;
}

/**
 * `CompiledExpression.specialize` for the checked tree `root`: the checker run again with the
 * tracks' states known, once for each combination of the states of the tracks it tests (the rest
 * of `fixed` cannot change it), kept for the next row or flow that asks.
 */
function specializer(
  root: MathNode,
  context: ExpressionContext,
  names: NameTable,
  path: string,
  source: string,
  tested: ReadonlySet<number>,
): (fixed: ReadonlyMap<number, number>) => Specialized {
  const tracks = [...tested].sort((a, b) => a - b);
  const counts = new Map([...names.tracks.values()].map((t) => [t.index, t.states.length]));
  const made = new Map<number, Specialized>();
  return (fixed) => {
    // A mixed-radix number of the tested tracks' states, an unknown state counting as one more.
    let key = 0;
    for (const t of tracks) {
      const count = counts.get(t) ?? 0;
      key = key * (count + 1) + (fixed.get(t) ?? count);
    }
    let special = made.get(key);
    if (special === undefined) {
      const again = new Checker(context, names, path, source, fixed);
      const fn = again.check(root, 0).fn;
      special = { fn, samplerArgs: again.samplerArgs };
      made.set(key, special);
    }
    return special;
  };
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
