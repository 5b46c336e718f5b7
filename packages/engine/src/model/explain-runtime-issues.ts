/**
 * Names the parameters behind a run-time failure: "the probability evaluated to 7" says what broke,
 * not which assumption did it. An issue at a transition gains the parameters its expression reads,
 * with their values and declared ranges, so a slider or `--set` typed out of range is named.
 */
import type { Issue } from '../errors.ts';
import type { CompiledTransition, Model } from './model.ts';

const RUNTIME_CODES = new Set(['runtime_value', 'probability_range']);

/** The issues, those at a transition's rate or probability explained by the parameters it reads. */
export function explainRuntimeIssues(model: Model, issues: readonly Issue[]): Issue[] {
  return issues.map((i) => {
    if (!RUNTIME_CODES.has(i.code)) return i;
    const tr = transitionAt(model, i.path.replace(/\.(rate|probability)$/, ''));
    if (tr === undefined || tr.value.reads.params.size === 0) return i;
    const read = [...tr.value.reads.params].map((p) => {
      const name = model.params.names[p] as string;
      const range = model.scenario.parameters[name]?.range;
      const value = model.params.values[p];
      const outside = range !== undefined && value !== undefined && (value < range[0] || value > range[1]);
      return {
        name,
        text: `${name} = ${value}${range ? ` (range ${range[0]} to ${range[1]}${outside ? ', outside it' : ''})` : ''}`,
        outside,
      };
    });
    const culprits = read.filter((r) => r.outside);
    const named = (culprits.length > 0 ? culprits : read).map((r) => r.name);
    const its = named.length === 1 ? 'its' : 'their';
    const what = i.path.endsWith('.probability')
      ? 'a probability must lie between 0 and 1'
      : i.code === 'probability_range'
        ? 'the probabilities out of a state must add up to at most 1'
        : 'a rate must be finite and >= 0';
    return {
      ...i,
      message: `${i.message}; it reads ${read.map((r) => r.text).join(', ')}`,
      // Inside their ranges, the values are allowed: the ranges (or the expression) are what to mend.
      hint:
        culprits.length > 0
          ? `set ${named.join(', ')} to a value within ${its} declared range`
          : `${named.join(', ')} ${named.length === 1 ? 'is' : 'are'} within ${its} declared range, which allows values this expression cannot take (${what}): narrow the range and move the default into it, or change the expression`,
    };
  });
}

function transitionAt(model: Model, path: string): CompiledTransition | undefined {
  for (const t of model.tracks) for (const list of t.outgoing) for (const tr of list) if (tr.path === path) return tr;
  return undefined;
}
