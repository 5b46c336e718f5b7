/** Which uncertain parameters the exact column holds at their values while Monte Carlo draws them, and the sentence that says so. */
import type { ScenarioDocument } from '@georisk/engine';

/** The parameters with an `uncertainty` that no current input fixes: the exact answer holds them at their values. */
export function heldUncertain(scenario: ScenarioDocument, overrides: Record<string, number>): string[] {
  return Object.entries(scenario.parameters)
    .filter(([name, p]) => p.uncertainty !== undefined && !Object.hasOwn(overrides, name))
    .map(([name]) => name);
}

/** The caption sentence beside the exact column, empty when no parameter is held. */
export function exactHeldSentence(held: string[]): string {
  if (held.length === 0) return '';
  const which = held.length === 1 ? 'the one parameter with a declared prior' : `the ${held.length} parameters with a declared prior`;
  return `The exact column holds ${which} at ${held.length === 1 ? 'its value' : 'their values'}; Monte Carlo draws ${held.length === 1 ? 'it' : 'them'} from ${held.length === 1 ? 'its prior' : 'their priors'} every trial and so averages over what we do not know, which differs from the answer at ${held.length === 1 ? 'its value' : 'their values'} where an outcome bends with ${held.length === 1 ? 'it' : 'them'} (not a sampling error). Both columns hold every other parameter at its value.`;
}
