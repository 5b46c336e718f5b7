/** The lines `georisk run` prints under its header: what the scenario knew of the outcome, and its switches. */
import { hindsightWords, type ScenarioDocument } from '@georisk/engine';
import { switchHint } from './switch-hint.ts';

/** `hindsight: …` where the scenario declares it, then the switches with the flag that flips them. */
export function runNotes(
  scenario: Pick<ScenarioDocument, 'hindsight' | 'start' | 'parameters'>,
  overrides: Record<string, number>,
): string[] {
  const hindsight = hindsightWords(scenario);
  const hint = switchHint(scenario.parameters, overrides);
  return [...(hindsight ? [`hindsight: ${hindsight.text}`] : []), ...(hint === undefined ? [] : [hint])];
}
