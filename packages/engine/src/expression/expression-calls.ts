/** Function calls in expressions: math functions, the metric functions (ever, first, time_in) and random draws. */
import type { MathNode } from 'mathjs';
import * as dm from '../det-math.ts';
import * as dist from '../distributions.ts';
import { GeoriskError, issue, nearest, suggestion } from '../errors.ts';
import type { Rng } from '../rng.ts';
import type { Compiled, EvalState } from './expression.ts';
import type { Checker } from './expression-checker.ts';
import { type Checked, emptyReads, mergeReads, owns, readsNothing } from './expression-reads.ts';
import { isCall } from './expression-state-tests.ts';
import { ALLOWED_FUNCTIONS, MATH_FUNCTIONS, METRIC_FUNCTIONS } from './expression-tables.ts';

type SamplerName = dist.SamplerName;

/** A function call: `is`, a metric function, a sampler or an allowed math function. */
export function checkCall(checker: Checker, fnNode: MathNode, args: MathNode[], depth: number): Checked {
  if (fnNode.type !== 'SymbolNode') checker.forbidden('AccessorNode');
  const name = (fnNode as unknown as { name: string }).name;
  if (name === 'is') return isCall(checker, args, depth);
  if ((METRIC_FUNCTIONS as readonly string[]).includes(name)) return metricCall(checker, name, args, depth);
  if (owns(dist.SAMPLERS, name)) return samplerCall(checker, name as SamplerName, args, depth);
  const arity = owns(MATH_FUNCTIONS, name) ? MATH_FUNCTIONS[name] : undefined;
  if (arity === undefined) {
    const declared = checker.names.params.has(name) || checker.names.vars.has(name) || checker.names.tracks.has(name);
    checker.fail(
      'unknown_function',
      declared ? `"${name}" is not a function` : `the function "${name}" is not allowed`,
      declared
        ? 'remove the brackets after it'
        : nearest(name, ALLOWED_FUNCTIONS) !== undefined
          ? suggestion(name, ALLOWED_FUNCTIONS, 'functions')
          : `allowed functions: ${ALLOWED_FUNCTIONS.join(', ')}`,
    );
  }
  checkArity(checker, name, args.length, arity[0], arity[1]);
  const parts = args.map((a) => checker.number(a, depth + 1));
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

/** Refuses a call with too few or too many arguments. */
export function checkArity(checker: Checker, name: string, got: number, min: number, max: number): void {
  if (got < min || got > max) {
    const want = min === max ? `${min}` : max > 10 ? `at least ${min}` : `${min} to ${max}`;
    checker.fail('wrong_arity', `${name}() takes ${want} argument${want === '1' || want === 'at least 1' ? '' : 's'}, got ${got}`);
  }
}

/** `ever`, `first` or `time_in` of a (track, state): metrics only. */
export function metricCall(checker: Checker, name: string, args: MathNode[], depth: number): Checked {
  if (checker.context !== 'metric') {
    checker.fail(
      'unknown_function',
      `${name}() is only available in metrics`,
      'in other expressions test the current state, e.g. conflict == "war"',
    );
  }
  checkArity(checker, name, args.length, 2, 2);
  const [tr, st] = args.map((a) => checker.check(a, depth + 1)) as [Checked, Checked];
  if (tr.track === undefined || st.text === undefined) {
    checker.fail('state_misuse', `${name}() takes a track and a quoted state, e.g. ${name}(conflict, "war")`);
  }
  const track = checker.names.tracks.get(tr.track);
  if (track === undefined) checker.fail('unknown_name', `unknown track "${tr.track}"`);
  const si = track.states.indexOf(st.text);
  if (si < 0) {
    checker.fail(
      'unknown_state',
      `track "${tr.track}" has no state "${st.text}"`,
      suggestion(st.text, track.states, `states of ${tr.track}`),
    );
  }
  const slot = track.stateOffset + si;
  const reads = emptyReads();
  reads.tracks.add(track.index);
  const horizon = checker.names.horizon;
  checker.metricCalls.push({ fn: name as 'ever' | 'first' | 'time_in', track: track.index, state: si, slot });
  if (name === 'ever') return { fn: (s) => s.ever[slot]!, reads };
  if (name === 'time_in') return { fn: (s) => s.timeIn[slot]!, reads };
  checker.lastFirst = { track: track.index, state: si };
  return {
    fn: (s) => {
      const x = s.first[slot]!;
      return Number.isNaN(x) ? horizon : x;
    },
    reads,
  };
}

/** A random draw: flow amounts and set/add only; constant arguments are checked now. */
export function samplerCall(checker: Checker, name: SamplerName, args: MathNode[], depth: number): Checked {
  const spec = dist.SAMPLERS[name];
  if (checker.context !== 'amount') {
    checker.fail(
      'unknown_function',
      `random draws like ${name}() are only allowed in flow amounts and in set/add of transitions and events`,
      checker.context === 'metric'
        ? 'metrics are computed from the trial; put the draw in a flow'
        : 'to make a rate or probability uncertain, give a parameter an "uncertainty" distribution',
    );
  }
  checkArity(checker, name, args.length, spec.arity, spec.arity);
  const parts = args.map((a) => checker.number(a, depth + 1));
  const reads = emptyReads();
  reads.random = true;
  for (const p of parts) mergeReads(reads, p.reads);
  const f = parts.map((p) => p.fn);
  // Constant arguments: a bad one is wrong in every trial, so say so now rather than at run time. Not
  // in an expression specialized to known states (`fixed`): arguments constant only there may sit
  // in a branch no trial takes, and a bad one taken fails at run time, as in the whole expression.
  if (checker.fixed === undefined && parts.every((p) => readsNothing(p.reads))) {
    const values = f.map((g) => g(undefined as unknown as EvalState));
    const problem = spec.check(values);
    if (problem !== undefined) {
      checker.fail(
        'bad_distribution',
        problem,
        `call it as ${name}(${spec.params.join(', ')}) with values the samplers table of docs/scenario-language.md allows`,
      );
    }
  }
  checker.samplerArgs = f;
  checker.samplerArgsRandom = parts.some((p) => p.reads.random);
  const path = checker.path;
  const check = spec.check;
  const draw = dist.samplerDraw(name);
  const fail = (values: number[]) => {
    const problem = check(values);
    if (problem !== undefined) {
      throw new GeoriskError([issue('runtime_value', path, `${name}(${values.join(', ')}): ${problem}`)]);
    }
  };
  if (f.length === 1) {
    const [a] = f as [Compiled];
    // The common case, Poisson counts, calls its sampler directly (no argument array).
    const draw1 = name === 'poisson' ? dist.poisson : (rng: Rng, x: number) => draw(rng, [x]);
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
      const y = draw(s.rng, values);
      if (Number.isNaN(y)) fail(values);
      return y;
    },
    reads,
  };
}
