/**
 * Names the parameters behind a run-time failure: "the probability evaluated to 7" says what broke,
 * not which assumption did it. An issue at a transition gains the parameters its expression reads,
 * with their values and declared ranges, so a slider or `--set` typed out of range is named.
 */
import type { Issue } from '../errors.ts';
import type { CompiledTransition, Model } from './model.ts';

const RUNTIME_CODES = new Set(['runtime_value', 'probability_range']);

/**
 * The issues, those at a transition's rate or probability explained by the parameters it reads, at
 * `values` (the failing trial's: drawn from a prior or set by an event; the defaults when not given).
 */
export function explainRuntimeIssues(model: Model, issues: readonly Issue[], values: ArrayLike<number> = model.params.values): Issue[] {
  return issues.map((i) => {
    if (!RUNTIME_CODES.has(i.code)) return i;
    const tr = transitionAt(model, i.path.replace(/\.(rate|probability)$/, ''));
    if (tr === undefined || tr.value.reads.params.size === 0) return i;
    const read = [...tr.value.reads.params].map((p) => {
      const name = model.params.names[p] as string;
      const range = model.scenario.parameters[name]?.range;
      const value = values[p] ?? Number.NaN;
      const drawn = model.params.uncertainty[p] !== undefined;
      const outside = range !== undefined && (value < range[0] || value > range[1]);
      const where = drawn ? ', drawn from its prior in this trial' : value !== model.params.values[p] ? ', set during this trial' : '';
      return {
        name,
        text: `${name} = ${value}${range ? ` (range ${range[0]} to ${range[1]}${outside ? ', outside it' : ''}${where})` : where ? ` (${where.slice(2)})` : ''}`,
        outside,
        drawn,
        ranged: range !== undefined,
      };
    });
    const what = i.path.endsWith('.probability')
      ? 'a probability must lie between 0 and 1'
      : i.code === 'probability_range'
        ? 'the probabilities out of a state must add up to at most 1'
        : 'a rate must be finite and >= 0';
    return { ...i, message: `${i.message}; it reads ${read.map((r) => r.text).join(', ')}`, hint: hintFor(read, what) };
  });
}

/** What to mend, by where the values came from. */
function hintFor(read: { name: string; outside: boolean; drawn: boolean; ranged: boolean }[], what: string): string {
  const list = (rs: typeof read) => rs.map((r) => r.name).join(', ');
  const its = (rs: typeof read) => (rs.length === 1 ? 'its' : 'their');
  const outside = read.filter((r) => r.outside);
  if (outside.some((r) => r.drawn)) {
    const d = outside.filter((r) => r.drawn);
    return `the prior of ${list(d)} draws values outside ${its(d)} declared range: make the prior fit the range`;
  }
  if (outside.length > 0) return `set ${list(outside)} to a value within ${its(outside)} declared range`;
  const drawn = read.filter((r) => r.drawn);
  if (drawn.length > 0)
    return `the prior of ${list(drawn)} draws values this expression cannot take (${what}): narrow the prior, or change the expression`;
  const unranged = read.filter((r) => !r.ranged);
  if (unranged.length > 0)
    return `${list(unranged)} ${unranged.length === 1 ? 'has' : 'have'} a value this expression cannot take (${what}) and no declared range: change the value, or the expression`;
  // Inside their ranges, the values are allowed: the ranges (or the expression) are what to mend.
  return `${list(read)} ${read.length === 1 ? 'is' : 'are'} within ${its(read)} declared range, which allows values this expression cannot take (${what}): narrow the range and move the default into it, or change the expression`;
}

function transitionAt(model: Model, path: string): CompiledTransition | undefined {
  for (const t of model.tracks) for (const list of t.outgoing) for (const tr of list) if (tr.path === path) return tr;
  return undefined;
}
