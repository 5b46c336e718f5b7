/**
 * Metric extraction: the exact answer for one metric expression from the base run and the part
 * solvers (a mean for affine functions of variables or time_in; a distribution for functions of
 * one first-passage time, of ever flags and of final states), or the reason there is none.
 */

import { defined } from '../defined.ts';
import type { CompiledExpression, EvalState } from '../expression/expression.ts';
import type { Model } from '../model/model.ts';
import { clampProbability, discreteMetric } from './discrete-metric.ts';
import type { ExactMetric } from './exact-result.ts';
import type { ExactSolver } from './exact-solver.ts';
import { firstPassage, propagateWithFlags } from './first-passage.ts';
import type { BaseRun } from './part-solvers.ts';
import type { VariableStatus } from './representability.ts';

/** What a metric's answer is computed from. */
export interface MetricContext {
  /** The solver of the smallest part holding some tracks (see `PartSolvers`). */
  parts: { for(tracks: Iterable<number>): ExactSolver };
  base: BaseRun;
  firstPmf: Map<number, Float64Array>;
  variables: VariableStatus;
  /** First passages into sets of states (default `firstPassage`; conditioning on observations gives its own). */
  firstPassage?: typeof firstPassage;
  /** The final distribution with ever flags (default `propagateWithFlags`; conditioning gives its own). */
  withFlags?: typeof propagateWithFlags;
}

/** An "ever" flag a metric reads: its (track, state) and slot. */
type Flag = { track: number; state: number; slot: number };

/**
 * Whether a metric's exact answer can be at most its mean, known from its expression alone: one
 * that draws random numbers has none, one that reads variables or time in a state a mean only
 * (the first branches of `exactMetric`).
 */
export function exactMeanAtMost(expr: CompiledExpression): boolean {
  return expr.reads.random || expr.reads.vars.size > 0 || expr.metricCalls.some((c) => c.fn === 'time_in');
}

/** The exact answer for one metric, or the reason there is none. */
export function exactMetric(model: Model, expr: CompiledExpression, ctx: MetricContext): ExactMetric | string {
  const solver = ctx.base.evaluator;
  const calls = expr.metricCalls;
  const kinds = new Set(calls.map((c) => c.fn));
  const slots = [...new Set(calls.map((c) => c.slot))];
  if (expr.reads.random) return 'it draws random numbers';
  if (expr.reads.vars.size > 0) return variableMetric(model, expr, ctx);
  if (kinds.has('time_in')) {
    if (kinds.size > 1 || expr.stateTests.size > 0) return 'it combines time_in with other track functions';
    const mean = affineMean(expr, solver.evalState, model, ctx.base.timeIn, 'timeIn');
    return mean === undefined ? 'it is not a linear function of time_in' : { mean, exactness: 'mean' };
  }
  const [slot] = slots;
  if (kinds.size === 1 && kinds.has('first') && slots.length === 1 && slot !== undefined && expr.stateTests.size === 0) {
    return firstPassageMetric(model, expr, ctx, slot);
  }
  if (kinds.has('first')) return 'it combines several first-passage times, or one with other track functions';
  // A function of "ever" flags and final states: the chain with those flags, at the horizon.
  if (slots.length > 6) return `it reads ${slots.length} ever() flags; exact analysis combines at most 6`;
  const flags = slots.map((slot) => {
    const c = calls.find((x) => x.slot === slot) as { track: number; state: number };
    return { track: c.track, state: c.state, slot };
  });
  // The flags, and the final states the expression tests, in the part of the chain that moves them.
  const part = ctx.parts.for([...flags.map((f) => f.track), ...expr.stateTests]);
  if (expr.stateTests.size === 0) {
    const any = anyFlagMetric(expr, ctx, part, flags);
    if (any !== undefined) return any;
  }
  return flagsAndFinalMetric(expr, ctx, part, flags);
}

/** A metric that reads variables: the mean of an affine function of variables whose means are exact. */
function variableMetric(model: Model, expr: CompiledExpression, ctx: MetricContext): ExactMetric | string {
  if (expr.metricCalls.length > 0 || expr.stateTests.size > 0) return 'it combines variables with track states or first-passage times';
  for (const v of expr.reads.vars) {
    const why = ctx.variables[v];
    if (why !== undefined) return `the mean of variable "${model.vars.names[v]}" is not exact: ${why}`;
  }
  // The mean of an affine function is the function of the means; check affinity by probing.
  const mean = affineMean(expr, ctx.base.evaluator.evalState, model, ctx.base.variableMeans, 'v');
  return mean === undefined ? 'it is not a linear function of the variables, so only its mean could be exact' : { mean, exactness: 'mean' };
}

/** A function of one first-passage time: its distribution follows from the first-passage pmf. */
function firstPassageMetric(model: Model, expr: CompiledExpression, ctx: MetricContext, slot: number): ExactMetric {
  const solver = ctx.base.evaluator;
  const pmf = defined(ctx.firstPmf.get(slot), 'a first-passage pmf for each first() slot');
  const values: number[] = [];
  const probabilities: number[] = [];
  let reached = 0;
  // One probability per step 0…steps.
  for (const [k, p] of pmf.entries()) {
    reached += p;
    if (p <= 0) continue;
    values.push(evaluateWithFirst(solver, expr, slot, k * model.dt));
    probabilities.push(p);
  }
  if (1 - reached > 1e-15) {
    values.push(evaluateWithFirst(solver, expr, slot, Number.NaN));
    probabilities.push(1 - reached);
  }
  const result = discreteMetric(values, probabilities);
  if (expr.firstOf !== undefined) result.censored = Math.max(0, 1 - reached);
  return result;
}

/**
 * A function of "any of these flags" (such as ever(a) or ever(b), or one flag alone) needs only
 * the first passage into the set of their states: one distribution, not one per combination.
 * Undefined when the expression tells the combinations apart.
 */
function anyFlagMetric(expr: CompiledExpression, ctx: MetricContext, part: ExactSolver, flags: Flag[]): ExactMetric | undefined {
  const value = (bits: number) => part.evaluateAt(expr, 0, (s) => setFlags(s, flags, bits));
  const any = value(1);
  let onlyAny = true;
  for (let bits = 2; bits < 1 << flags.length && onlyAny; bits++) onlyAny = Object.is(value(bits), any);
  if (!onlyAny) return undefined;
  const [only] = flags;
  const pmf = flags.length === 1 && only !== undefined ? ctx.firstPmf.get(only.slot) : undefined;
  let reached = 0;
  for (const p of pmf ?? defined((ctx.firstPassage ?? firstPassage)(part, [flags])[0], 'a first-passage pmf per taboo')) reached += p;
  reached = clampProbability(reached);
  const candidates: [value: number, probability: number][] = [
    [value(0), 1 - reached],
    [any, reached],
  ];
  const outcomes = candidates.filter(([, p]) => p > 0);
  return discreteMetric(
    outcomes.map(([x]) => x),
    outcomes.map(([, p]) => p),
  );
}

/** A function of ever flags and final states: evaluated in every (flags, final joint state) with its probability. */
function flagsAndFinalMetric(expr: CompiledExpression, ctx: MetricContext, part: ExactSolver, flags: Flag[]): ExactMetric {
  const groups =
    flags.length === 0 ? new Map([[0, ctx.base.finalOf(expr.stateTests)]]) : (ctx.withFlags ?? propagateWithFlags)(part, flags);
  const values: number[] = [];
  const probabilities: number[] = [];
  for (const [bits, final] of groups) {
    for (const [index, p] of final) {
      values.push(part.evaluateAt(expr, index, (s) => setFlags(s, flags, bits)));
      probabilities.push(p);
    }
  }
  return discreteMetric(values, probabilities);
}

/** Sets the ever flags of `flags` in the evaluation state from bits (bit i: flag i visited). */
function setFlags(s: EvalState, flags: Flag[], bits: number): void {
  flags.forEach((fl, i) => {
    s.ever[fl.slot] = bits & (1 << i) ? 1 : 0;
  });
}

function evaluateWithFirst(solver: ExactSolver, expr: CompiledExpression, slot: number, time: number): number {
  const s = solver.evalState;
  s.t = solver.horizon;
  const saved = s.first[slot]!;
  s.first[slot] = time;
  const x = expr.fn(s);
  s.first[slot] = saved;
  return x;
}

/** Mean of an expression that is affine in `v` (variables) or `timeIn`, or undefined when it is not affine. */
function affineMean(expr: CompiledExpression, s: EvalState, model: Model, means: Float64Array, field: 'v' | 'timeIn'): number | undefined {
  const target = s[field];
  const saved = Float64Array.from(target);
  s.p.set(model.params.values);
  s.t = model.horizon;
  const at = (x: ArrayLike<number>) => {
    target.set(x);
    return expr.fn(s);
  };
  const zero = new Float64Array(target.length);
  const f0 = at(zero);
  const coefficients = new Float64Array(target.length);
  for (let i = 0; i < target.length; i++) {
    const e = new Float64Array(target.length);
    e[i] = 1;
    coefficients[i] = at(e) - f0;
  }
  // Probe a few other points: an affine function agrees with its linear part everywhere.
  const probes = [0.5, 3, 17.25].map((scale) => Float64Array.from(means, (m, i) => (Number.isFinite(m) ? m : 0) * scale + i + 1));
  for (const x of probes) {
    let linear = f0;
    for (let i = 0; i < x.length; i++) linear += coefficients[i]! * x[i]!;
    const actual = at(x);
    if (!(Math.abs(actual - linear) <= 1e-9 * Math.max(1, Math.abs(actual)))) {
      target.set(saved);
      return undefined;
    }
  }
  let mean = f0;
  for (let i = 0; i < means.length; i++) if (coefficients[i] !== 0) mean += coefficients[i]! * means[i]!;
  target.set(saved);
  return mean;
}
