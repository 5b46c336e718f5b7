/**
 * What exact analysis can represent: the `not_markov` refusals for a whole scenario, and for
 * each variable whether its mean is exact or why not.
 */

import { type Issue, issue } from '../errors.ts';
import type { CompiledExpression } from '../expression/expression.ts';
import type { Model } from '../model/model.ts';
import { expectable } from './expectation.ts';

/**
 * Largest joint state space (track states × condition-event flags) the solver accepts: it holds
 * distributions densely (8 bytes a state), and a chain this large takes minutes per solve anyway.
 */
export const MAX_EXACT_STATES = 1 << 22;
/** Most condition events (each doubles the state space with its "has fired" flag). */
const MAX_CONDITION_EVENTS = 12;

/** Why a variable's mean is not exact, or undefined when it is. */
export type VariableStatus = (string | undefined)[];

/** Everything that stops the joint track state from being a Markov chain, as issues. */
export function representabilityProblems(model: Model): Issue[] {
  const out: Issue[] = [];
  const varName = (i: number) => model.vars.names[i] ?? `#${i}`;
  const readsVars = (e: CompiledExpression | undefined) => (e ? [...e.reads.vars].map(varName) : []);
  const problem = (
    path: string,
    message: string,
    hint = 'use Monte Carlo (georisk run) for this scenario, or make it depend on track states, parameters and time only',
  ) => out.push(issue('not_markov', path, message, hint));
  for (const t of model.tracks) {
    const seen = new Set<number>();
    for (const list of t.outgoing) {
      for (const tr of list) {
        if (seen.has(tr.index)) continue;
        seen.add(tr.index);
        for (const v of readsVars(tr.value))
          problem(`${tr.path}.${tr.kind}`, `reads variable "${v}", whose value accumulates along each trial`);
      }
    }
  }
  const conditional = model.events.filter((e) => e.atStep === undefined);
  for (const e of model.events) {
    if (e.when)
      for (const v of readsVars(e.when)) problem(`${e.path}.when`, `reads variable "${v}", so when it fires differs between trials`);
    for (const a of e.set) {
      if (a.target.kind !== 'param') continue;
      const name = model.params.names[a.target.index];
      const valueVaries = a.value.reads.random || a.value.reads.vars.size > 0 || a.value.reads.tracks.size > 0;
      if (valueVaries) problem(`${e.path}.set`, `sets parameter "${name}" to a value that differs between trials`);
      else if (e.atStep === undefined) {
        // The value is the same in every trial; what exact analysis cannot follow is a parameter set when a condition holds.
        const onlyTime = e.when !== undefined && e.when.reads.tracks.size === 0 && e.when.reads.vars.size === 0 && !e.when.reads.random;
        problem(
          `${e.path}.set`,
          `sets parameter "${name}" when its condition holds; exact analysis follows parameters set only at fixed times`,
          onlyTime
            ? 'its condition reads only time, so the event happens at the same time in every trial: write it with `at:` (the first time the condition holds) instead of `when:`'
            : 'use Monte Carlo (georisk run) for this scenario, or set the parameter with an event at a fixed time (`at:`)',
        );
      }
    }
  }
  if (conditional.length > MAX_CONDITION_EVENTS) {
    problem('events', `${conditional.length} condition events; exact analysis handles at most ${MAX_CONDITION_EVENTS}`);
  }
  const trackSpace = model.tracks.reduce((n, t) => n * t.states.length, 1);
  const size = trackSpace * 2 ** Math.min(conditional.length, 30);
  if (size > MAX_EXACT_STATES) {
    problem(
      'tracks',
      `the joint state space has ${size.toExponential(2)} states; exact analysis handles at most ${MAX_EXACT_STATES.toExponential(2)}`,
      'use Monte Carlo (georisk run) for this scenario: the joint space is the product of the tracks’ state counts (and doubles with each condition event), so only fewer or smaller tracks would bring it within reach',
    );
  }
  return out;
}

/** Whether each variable's mean can be computed exactly (undefined) or why not. */
export function variableStatus(model: Model): VariableStatus {
  const out: VariableStatus = model.vars.names.map(() => undefined);
  const mark = (v: number, why: string) => {
    out[v] ??= why;
  };
  for (const f of model.flows) {
    if (f.when && f.when.reads.vars.size > 0) mark(f.variable, `its flow ${f.path} runs on a condition that reads variables`);
    if (!expectable(f.amount)) mark(f.variable, `the amount of ${f.path} has no closed-form mean`);
  }
  for (const t of model.tracks) {
    for (const list of t.outgoing) {
      for (const tr of list) {
        for (const a of tr.set) if (a.target.kind === 'var') mark(a.target.index, `${tr.path} sets it to a new value`);
        for (const a of tr.add)
          if (a.target.kind === 'var' && !expectable(a.value)) mark(a.target.index, `the amount ${tr.path} adds has no closed-form mean`);
      }
    }
  }
  for (const e of model.events) {
    for (const a of [...e.set, ...e.add]) {
      if (a.target.kind !== 'var') continue;
      if (!expectable(a.value)) mark(a.target.index, `the value ${e.path} gives it has no closed-form mean`);
      if (e.atStep === undefined && e.set.includes(a)) mark(a.target.index, `${e.path} sets it when a condition first holds`);
    }
  }
  return out;
}
