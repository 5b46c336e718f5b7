/** Conditional means of expressions given a joint state, for the expressions that have a closed form. */

import { samplerMean } from '../distributions.ts';
import type { CompiledExpression, EvalState } from '../expression/expression.ts';

/** True when E[expression | state] has a closed form: no variables, and randomness only as one draw at the root. */
export function expectable(e: CompiledExpression): boolean {
  if (e.reads.vars.size > 0) return false;
  if (!e.reads.random) return true;
  return e.sampler !== undefined && !e.sampler.argsRandom;
}

/** E[expression | state], for expressions that pass `expectable`. */
export function expectation(e: CompiledExpression, s: EvalState): number {
  if (e.constant !== undefined) return e.constant;
  if (e.sampler !== undefined && e.reads.random) {
    return samplerMean(
      e.sampler.name,
      e.sampler.args.map((a) => a(s)),
    );
  }
  return e.fn(s);
}
