/**
 * What summarizing each metric needs of its model beside its values: whether it is a first-passage
 * time, whether its unit makes it a quantity (not a probability), and the least value it can take
 * where the model shows one: 0 for `ever`, `time_in` and `first` metrics, and for a variable that
 * starts at 0 or above and only grows by amounts that cannot be negative. A mean cannot lie below
 * its metric's least value, so a 95% interval that reaches below it (mean − 1.96 se for a count of
 * rare deaths) is cut there: the cut part held no possible mean, and the interval's coverage is
 * unchanged.
 */
import type { SamplerName } from '../distributions.ts';
import type { CompiledExpression } from '../expression/expression.ts';
import { type MetricFacts, probabilityUnit } from '../summarize.ts';
import type { Model } from './model.ts';

/** Samplers whose every draw is 0 or more, whatever their arguments. */
const NON_NEGATIVE_SAMPLERS: ReadonlySet<SamplerName> = new Set(['poisson', 'negbin', 'gamma', 'beta', 'bernoulli', 'lognormal']);

/** Per metric, in model order, its facts (see `MetricFacts`). */
export function metricFacts(model: Model): MetricFacts[] {
  const grows = nonNegativeVariables(model);
  return model.metrics.map((m) => {
    const facts: MetricFacts = { firstPassage: m.expr.firstOf !== undefined, quantity: !probabilityUnit(m.unit) };
    const read = m.expr.read;
    if (read !== undefined && (read.from !== 'v' || grows[read.index] === true)) facts.floor = 0;
    return facts;
  });
}

/** Per variable: it starts at 0 or more, only flows feed it, and every flow's amount is 0 or more. */
function nonNegativeVariables(model: Model): boolean[] {
  const out = Array.from(model.vars.initial, (x) => x >= 0);
  for (const f of model.flows) if (!nonNegativeAmount(f.amount)) out[f.variable] = false;
  const assigned = (list: readonly { target: { kind: 'param' | 'var'; index: number } }[]) => {
    for (const a of list) if (a.target.kind === 'var') out[a.target.index] = false;
  };
  for (const t of model.tracks) for (const list of t.outgoing) for (const tr of list) assigned([...tr.set, ...tr.add]);
  for (const e of model.events) assigned([...e.set, ...e.add]);
  return out;
}

function nonNegativeAmount(amount: CompiledExpression): boolean {
  if (amount.constant !== undefined) return amount.constant >= 0;
  return amount.sampler !== undefined && NON_NEGATIVE_SAMPLERS.has(amount.sampler.name);
}
